import type { ConnectionStatus } from './generated/graphql.js';
import type { ConnectionState } from './status.js';

/** Every error this client throws. `code` says what happened, for a `switch`. */
export class ConnectError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * The server answered with GraphQL errors (or a non-GraphQL HTTP failure). `code` is the first
 * error's `extensions.code` (`UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, `NOT_FOUND`,
 * `CONFLICT`…), or `HTTP_<status>` when the answer was not GraphQL.
 */
export class GraphQLRequestError extends ConnectError {
  constructor(
    readonly errors: readonly GraphQLErrorEntry[],
    readonly httpStatus?: number,
  ) {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : httpStatus ? `HTTP_${httpStatus}` : 'GRAPHQL_ERROR';
    super(code, first?.message ?? `request failed${httpStatus ? ` with HTTP ${httpStatus}` : ''}`);
  }
}

export type WaitErrorCode = 'FAILED' | 'EXPIRED' | 'REVOKED' | 'TIMEOUT' | 'ABORTED';

/**
 * waitForConnection ended without an ACTIVE account. `state` is the last state seen (null when
 * none arrived before a timeout or abort).
 */
export class ConnectionWaitError extends ConnectError {
  constructor(
    override readonly code: WaitErrorCode,
    message: string,
    readonly state: ConnectionState | null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  get status(): ConnectionStatus | null {
    return this.state?.status ?? null;
  }

  get statusReason(): string | null {
    return this.state?.statusReason ?? null;
  }
}

/** The provider or the user refused (FAILED), e.g. `statusReason` `access_denied`. */
export class ConnectionFailedError extends ConnectionWaitError {
  constructor(state: ConnectionState) {
    super('FAILED', `the connection failed${state.statusReason ? `: ${state.statusReason}` : ''}`, state);
  }
}

/** The link ran out before the user finished (`INITIATION_TIMEOUT`), or the grant is gone. */
export class ConnectionExpiredError extends ConnectionWaitError {
  constructor(state: ConnectionState) {
    super('EXPIRED', `the connection expired${state.statusReason ? `: ${state.statusReason}` : ''}`, state);
  }
}

/** The account was revoked while waiting for it. */
export class ConnectionRevokedError extends ConnectionWaitError {
  constructor(state: ConnectionState) {
    super('REVOKED', 'the account was revoked', state);
  }
}

/** `timeoutMs` passed first. The flow may still end later; wait again to follow it. */
export class WaitTimeoutError extends ConnectionWaitError {
  constructor(timeoutMs: number, state: ConnectionState | null) {
    super('TIMEOUT', `no final state within ${timeoutMs} ms`, state);
  }
}

/** The caller's `signal` aborted the wait. */
export class WaitAbortedError extends ConnectionWaitError {
  constructor(state: ConnectionState | null, reason: unknown) {
    super('ABORTED', 'the wait was aborted', state, { cause: reason });
  }
}
