import { z } from 'zod';

/**
 * Every kind of ConnectionEvent, with what it means. Webhook filters, the GraphQL docs and the
 * TypeScript type are all derived from this one list.
 */
export const CONNECTION_EVENTS = {
  'connection.initiated': 'authorize or ensureConnection created the account (INITIATED).',
  'connection.reauthorization_started': 'A new Connect Link started re-authorizing an existing account; its status is unchanged.',
  'connection.active': 'A flow completed: the account is ACTIVE.',
  'connection.imported':
    'importConnectedAccount (or `npm run import`) stored existing credentials: a new account, or new credentials for the same userId, toolkit and alias (ACTIVE; an INACTIVE account stays INACTIVE).',
  'connection.failed': 'A flow was refused or broke (FAILED, or the status kept on re-authorization).',
  'connection.expired': 'A link was not used in time (INITIATION_TIMEOUT).',
  'connection.refresh_failed': 'The provider refused a refresh for good (EXPIRED with the OAuth error as reason).',
  'connection.enabled': 'An INACTIVE account was enabled again.',
  'connection.disabled': 'An ACTIVE account was disabled (INACTIVE).',
  'connection.revoked': 'The credentials were revoked and erased (REVOKED).',
  'connection.deleted': 'The account was deleted; the event keeps whose it was.',
} as const;

export type ConnectionEventType = keyof typeof CONNECTION_EVENTS;

export const CONNECTION_EVENT_TYPES = Object.keys(CONNECTION_EVENTS) as [ConnectionEventType, ...ConnectionEventType[]];

/** Who an account belonged to, kept on its events once it is deleted. A type, so Prisma takes it as JSON. */
export type AccountSnapshot = {
  userId: string;
  alias: string | null;
  toolkit: string;
};

export const accountSnapshotSchema = z.object({ userId: z.string(), alias: z.string().nullable(), toolkit: z.string() });
