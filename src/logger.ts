import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry a secret anywhere in a log object. Redaction is the last line of
 * defence: code should not log secrets in the first place. The scrubbing below goes further:
 * these paths only match at fixed depths.
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'apiKey',
  '*.apiKey',
  'clientSecret',
  '*.clientSecret',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'token',
  '*.token',
];

const REDACTED = '[redacted]';

// Field names whose values are secrets, at any depth: camelCase and snake_case spellings, since
// errors from HTTP clients (grant's token request) carry the provider's wire format.
const SECRET_FIELD =
  /secret|token|passw|authorization|cookie|credential|api_?key|verifier|nonce|csrf|private_?key|signature|^hash$|^key$|^state$/i;

// Secrets inside strings: our own bearer secrets by prefix (API keys, session client tokens,
// link tokens), link URLs, bearer headers, JWTs, and secret parameters in URLs, form bodies and
// printed objects (Prisma's validation errors print the arguments of the failed call).
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(csk|cst|cl)_[A-Za-z0-9_-]{16,}/g, `$1_${REDACTED}`],
  [/\/link\/[^\s/?#"'<>]+/g, '/link/[token]'],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [
    /\b((?:client_secret|access_token|refresh_token|id_token|code_verifier|code|state|password|api_key|oauth_token|oauth_token_secret|oauth_verifier|token)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  ],
  [
    /(["']?\b(?:clientSecret|client_secret|accessToken|access_token|refreshToken|refresh_token|idToken|id_token|accessSecret|apiKey|api_key|clientToken|encryptedCredentials|codeVerifier|code_verifier|password|secret|token|hash)["']?\s*:\s*)(?:"[^"]*"|'[^']*'|[^\s,}\]]+)/g,
    `$1"${REDACTED}"`,
  ],
];

export function scrubString(value: string): string {
  let result = value;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

const MAX_DEPTH = 8;

/**
 * An error as a log needs it: type, message, stack, code, cause. Never the other enumerable
 * properties, where HTTP clients keep the request (with its form body) and ORMs the arguments.
 */
function serializeError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const withExtras = error as Error & { code?: unknown; status?: unknown; statusCode?: unknown; meta?: unknown };
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message: scrubString(error.message ?? ''),
    ...(error.stack ? { stack: scrubString(error.stack) } : {}),
  };
  if (typeof withExtras.code === 'string' || typeof withExtras.code === 'number') out.code = withExtras.code;
  for (const key of ['status', 'statusCode'] as const) {
    if (typeof withExtras[key] === 'number') out[key] = withExtras[key];
  }
  if (withExtras.meta !== undefined) out.meta = scrub(withExtras.meta, depth + 1, seen);
  if (error.cause !== undefined) out.cause = scrub(error.cause, depth + 1, seen);
  if (error instanceof AggregateError) out.errors = error.errors.map((e) => scrub(e, depth + 1, seen));
  return out;
}

/** A copy of a log value with secret fields redacted and secrets in strings scrubbed. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return serializeError(value, depth, seen);
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return '[binary]';
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  if (value instanceof Map) return scrub(Object.fromEntries(value), depth, seen);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // Numbers, booleans and dates under such names (tokenExpiresAt) are not secrets.
    const secretShaped = typeof item === 'string' || (typeof item === 'object' && item !== null && !(item instanceof Date));
    out[key] = SECRET_FIELD.test(key) && secretShaped ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
}

/**
 * JSON logs on `destination` (stdout by default). Every logged object, error and message is
 * scrubbed of secrets on the way out, whichever library produced it (yoga, Prisma, grant).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      serializers: {
        msg: (message: unknown) => (typeof message === 'string' ? scrubString(message) : scrub(message)),
        // Already an object after formatters.log; a bare Error logged as `err` goes through here.
        err: (error: unknown) => scrub(error),
      },
    },
    destination,
  );
}
