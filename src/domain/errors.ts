/** Machine-readable failure kinds; the GraphQL layer exposes them as `extensions.code`. */
export type DomainErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** The provider could not be reached or answered with an error worth retrying. */
  | 'PROVIDER_UNAVAILABLE'
  /** Too many calls of this kind by this caller in the current minute; `retryAfterSeconds` says when to retry. */
  | 'RATE_LIMITED'
  /** The caller holds as many of something (open subscriptions) as it may; it must release one first. */
  | 'QUOTA_EXCEEDED';

/** One problem with one input field, as reported to the caller. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * A failure the caller can act on. Its message is safe to show: it never contains secrets.
 * Anything that is not a DomainError is treated as unexpected and masked.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly issues: readonly InputIssue[] = [],
    /** Further machine-readable facts for `extensions` (e.g. `retryAfterSeconds`); never secrets. */
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} was not found.`);
