import { DomainError } from '../errors.js';

// The one way a caller's path becomes a URL under the API base: the request can only reach the toolkit's API, never
// another host and never above the base path, however the path is spelt (absolute URLs, `..`, `%2e%2e`, `\`).

const refuse = (why: string) => new DomainError('BAD_USER_INPUT', `The path ${why}.`);

/** Percent-decodes until nothing changes (a few rounds: `%252e` is `%2e` is `.`); malformed escapes are refused. */
function fullyDecoded(segment: string): string {
  let current = segment;
  for (let round = 0; round < 4; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      throw refuse('has a malformed percent escape');
    }
    if (next === current) return current;
    current = next;
  }
  throw refuse('is encoded too many times');
}

/** Whether a path segment, decoded, could move a server's path up (`..`) or sideways (`.`). */
function isDotSegment(segment: string): boolean {
  return fullyDecoded(segment)
    .split(/[/\\]/)
    .some((part) => part === '.' || part === '..');
}

/** The base path without its trailing slash; `''` for the root. */
function basePath(base: URL): string {
  return base.pathname.replace(/\/+$/, '');
}

function isUnder(url: URL, base: URL): boolean {
  const prefix = basePath(base);
  return url.origin === base.origin && (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`) || prefix === '');
}

/**
 * The URL of `path` (relative to the API base, with an optional `?query`; an absolute URL only when it is already
 * under the base) plus the caller's query parameters. Anything that would leave the base is BAD_USER_INPUT.
 */
export function apiUrl(base: URL, path: string, query: readonly { name: string; value: string }[] = []): URL {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\#]/.test(path)) throw refuse('may not hold spaces, control characters, backslashes or #');
  let relative = path;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    const absolute = URL.canParse(path) ? new URL(path) : null;
    if (!absolute || !isUnder(absolute, base)) throw refuse(`must stay on the toolkit's API (${base.origin}${basePath(base)})`);
    relative = absolute.pathname.slice(basePath(base).length) + absolute.search;
  }
  const [pathPart = '', search = ''] = relative.split(/\?(.*)/s);
  if (pathPart !== '' && !pathPart.startsWith('/')) throw refuse('must start with /');
  if (pathPart.split('/').some(isDotSegment)) throw refuse('may not contain . or .. segments');
  const url = new URL(`${base.origin}${basePath(base)}${pathPart}`);
  // Belt and braces: whatever the parser made of it, it must still be under the base.
  if (!isUnder(url, base)) throw refuse(`must stay on the toolkit's API (${base.origin}${basePath(base)})`);
  const params = new URLSearchParams(search);
  for (const { name, value } of query) params.append(name, value);
  url.search = params.toString();
  return url;
}

/** Whether a redirect target is on the API's host (same scheme, host and port): the only redirects followed. */
export function sameOrigin(target: URL, base: URL): boolean {
  return target.origin === base.origin;
}
