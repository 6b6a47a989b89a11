import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WebhookEndpoint } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { requireApiKey, type Caller } from '../access/caller.js';
import { CONNECTION_EVENT_TYPES } from './event-types.js';
import { assertPublicUrls, parseInput, secureUrlSchema } from '../validation.js';

/** Standard Webhooks' prefix of a base64 signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
// Fan-out writes one row per endpoint inside every state change; keep that bounded.
const MAX_ENDPOINTS_PER_PROJECT = 20;

const webhookUrl = secureUrlSchema;

const eventTypesSchema = z
  .array(z.enum(CONNECTION_EVENT_TYPES, { error: `must be one of ${CONNECTION_EVENT_TYPES.join(', ')}` }))
  .max(CONNECTION_EVENT_TYPES.length * 2)
  .transform((types) => [...new Set(types)]);

const descriptionSchema = z
  .string()
  .trim()
  .max(500)
  .transform((value) => value || null);

const createInputSchema = z.object({
  url: webhookUrl,
  description: descriptionSchema.nullish(),
  eventTypes: eventTypesSchema.nullish(),
});

const updateInputSchema = z.object({
  id: z.string().min(1),
  url: webhookUrl.nullish(),
  description: descriptionSchema.nullish(),
  eventTypes: eventTypesSchema.nullish(),
  enabled: z.boolean().nullish(),
});

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (the HMAC key). */
function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The secret encrypted for one endpoint; the endpoint id is the associated data. */
function encryptedSecretFields(deps: Pick<CoreDeps, 'keyRing'>, endpointId: string, secret: string) {
  return { encryptedSecret: deps.keyRing.encrypt(secret, endpointId), secretKeyId: deps.keyRing.activeKeyId };
}

/** The signing secret of an endpoint, decrypted; for signing deliveries only. */
export function signingSecretOf(deps: Pick<CoreDeps, 'keyRing'>, endpoint: Pick<WebhookEndpoint, 'id' | 'encryptedSecret'>): string {
  return deps.keyRing.decrypt(endpoint.encryptedSecret, endpoint.id);
}

export async function findWebhookEndpoint(deps: CoreDeps, caller: Caller, id: string): Promise<WebhookEndpoint> {
  requireApiKey(caller, 'Managing webhooks');
  const endpoint = await deps.prisma.webhookEndpoint.findFirst({ where: { id, projectId: caller.projectId } });
  if (!endpoint) throw notFound('Webhook endpoint');
  return endpoint;
}

/**
 * Registers an endpoint for the project's ConnectionEvents. The signing secret is generated
 * here and returned this once; only its ciphertext is stored.
 */
export async function createWebhookEndpoint(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'Managing webhooks');
  const { projectId } = caller;
  const input = parseInput(createInputSchema, raw, 'webhook endpoint');
  assertPublicUrls(deps.egress.policy, [['url', input.url]]);
  const existing = await deps.prisma.webhookEndpoint.count({ where: { projectId } });
  if (existing >= MAX_ENDPOINTS_PER_PROJECT) {
    throw new DomainError('BAD_USER_INPUT', `A project can have at most ${MAX_ENDPOINTS_PER_PROJECT} webhook endpoints.`);
  }
  // The id is chosen before the insert because it authenticates the secret's ciphertext.
  const id = randomUUID();
  const secret = newWebhookSecret();
  const endpoint = await deps.prisma.webhookEndpoint.create({
    data: {
      id,
      projectId,
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.eventTypes ?? [],
      ...encryptedSecretFields(deps, id, secret),
    },
  });
  return { endpoint, secret };
}

/**
 * Changes an endpoint; omitted fields stay. Pending deliveries go to the new URL (it is read at
 * each attempt), so fixing a wrong URL also fixes the retries of what it missed.
 */
export async function updateWebhookEndpoint(deps: CoreDeps, caller: Caller, raw: unknown) {
  const input = parseInput(updateInputSchema, raw, 'webhook endpoint');
  const endpoint = await findWebhookEndpoint(deps, caller, input.id);
  assertPublicUrls(deps.egress.policy, [['url', input.url]]);
  return deps.prisma.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(input.url ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes ? { eventTypes: input.eventTypes } : {}),
      ...(input.enabled != null ? { enabled: input.enabled } : {}),
    },
  });
}

/** Replaces the signing secret (returned once); attempts from now on are signed with it. */
export async function rotateWebhookSecret(deps: CoreDeps, caller: Caller, id: string) {
  const endpoint = await findWebhookEndpoint(deps, caller, id);
  const secret = newWebhookSecret();
  const updated = await deps.prisma.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: encryptedSecretFields(deps, endpoint.id, secret),
  });
  return { endpoint: updated, secret };
}

/** Deletes an endpoint and, with it, its deliveries (pending ones are dropped). */
export async function deleteWebhookEndpoint(deps: CoreDeps, caller: Caller, id: string) {
  const endpoint = await findWebhookEndpoint(deps, caller, id);
  await deps.prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
  return endpoint;
}

