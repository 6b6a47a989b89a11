import type { ConnectionStatusSubscription } from './generated/graphql.js';

/** One event of the `connectionStatus` subscription: the current state first, then every change. */
export type ConnectionState = ConnectionStatusSubscription['connectionStatus'];

/** What waitForConnection follows: a Connect Link (until its flow ends) or an account. */
export type WaitTarget = { connectLinkId: string } | { connectedAccountId: string };

/**
 * Anything that names a link or an account: a global ID of a ConnectLink or ConnectedAccount, an
 * object with such an `id`, or the payload of `authorize`/`ensureConnection`
 * (`{ connectLink, connectedAccount }`; its link when there is one, else its account).
 */
export type LinkOrAccount =
  | string
  | { id: string }
  | { connectLinkId: string }
  | { connectedAccountId: string }
  | { connectLink?: { id: string } | null; connectedAccount?: { id: string } | null };

function decodeBase64(value: string): string | null {
  try {
    const binary = atob(value);
    return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The type inside a Relay global ID (`base64("<Type>:<id>")`), or null when it is not one. */
export function globalIdType(id: string): string | null {
  const decoded = decodeBase64(id);
  const separator = decoded?.indexOf(':') ?? -1;
  return decoded && separator > 0 ? decoded.slice(0, separator) : null;
}

function targetOfId(id: string): WaitTarget {
  const type = globalIdType(id);
  if (type === 'ConnectLink') return { connectLinkId: id };
  if (type === 'ConnectedAccount') return { connectedAccountId: id };
  throw new TypeError(`waitForConnection needs the ID of a ConnectLink or a ConnectedAccount, got "${id.slice(0, 60)}"`);
}

export function waitTargetOf(value: LinkOrAccount): WaitTarget {
  if (typeof value === 'string') return targetOfId(value);
  if ('connectLinkId' in value && typeof value.connectLinkId === 'string') return { connectLinkId: value.connectLinkId };
  if ('connectedAccountId' in value && typeof value.connectedAccountId === 'string') return { connectedAccountId: value.connectedAccountId };
  if ('id' in value && typeof value.id === 'string') return targetOfId(value.id);
  if ('connectLink' in value && value.connectLink) return { connectLinkId: value.connectLink.id };
  if ('connectedAccount' in value && value.connectedAccount) return { connectedAccountId: value.connectedAccount.id };
  throw new TypeError('waitForConnection needs a ConnectLink or ConnectedAccount ID, or an authorize/ensureConnection payload');
}
