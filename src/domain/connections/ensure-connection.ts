import { z } from 'zod';
import type { ConnectedAccount, ConnectionStatus, ConnectLink } from '../../generated/prisma/client.js';
import type { Caller } from '../access/caller.js';
import type { DomainDeps } from '../deps.js';
import { parseInput } from '../validation.js';
import { authorize } from './connect-links.js';

const ensureConnectionInputSchema = z.object({
  sessionId: z.string().min(1),
  toolkit: z.string().trim().min(1),
  alias: z.string().trim().min(1).max(100).nullish(),
  callbackUrl: z.string().nullish(),
});

export interface EnsuredConnection {
  /** ACTIVE: usable now. INITIATED: the user has to open `url` first. */
  status: Extract<ConnectionStatus, 'ACTIVE' | 'INITIATED'>;
  account: ConnectedAccount;
  link: ConnectLink | null;
  url: string | null;
  /** One sentence to show in the chat as is. */
  message: string;
}

/**
 * The one call an agent makes before using a toolkit for the session's user: the ACTIVE account
 * when there is one; otherwise a Connect Link for the user's account at the toolkit (and alias),
 * re-authorizing an EXPIRED, FAILED or INACTIVE account in place. Asking again while a link is
 * pending returns that same link (same session and callback URL; a different one replaces it),
 * so repeated or concurrent calls yield one account and one live link.
 */
export async function ensureConnection(deps: DomainDeps, caller: Caller, raw: unknown): Promise<EnsuredConnection> {
  const input = parseInput(ensureConnectionInputSchema, raw, 'ensureConnection input');
  const started = await authorize(deps, caller, input, 'ensure');
  const what = `${started.toolkit.name} account${input.alias ? ` "${input.alias}"` : ''}`;
  if (started.kind === 'active') {
    return { status: 'ACTIVE', account: started.account, link: null, url: null, message: `Your ${what} is already connected.` };
  }
  return {
    status: 'INITIATED',
    account: started.account,
    link: started.link,
    url: started.url,
    message: `Connect your ${what} to continue: ${started.url}`,
  };
}
