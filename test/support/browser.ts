// A tiny HTTP "browser" for OAuth tests: fetch with a cookie jar and manual redirects, able to
// click through oidc-provider's development login/consent pages (devInteractions).

interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case host name (no port: like browsers, cookies are not isolated by port). */
  domain: string;
  /** True unless the cookie had a Domain attribute. */
  hostOnly: boolean;
  path: string;
  /** Epoch ms; undefined for session cookies. */
  expires?: number;
  secure: boolean;
  sameSite: 'strict' | 'lax' | 'none';
}

export interface BrowserRequestInit {
  method?: string;
  /** Sent as application/x-www-form-urlencoded; makes the default method POST. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /**
   * URL of the page that caused this request (navigate() passes the previous hop). Used only for
   * SameSite: cross-site requests carry no Strict cookies, and Lax cookies only on GET. Without it
   * the request counts as typed into the address bar (all cookies sent).
   */
  initiator?: string;
}

export interface NavigateOptions {
  /** Login typed on the devInteractions login page (becomes the account's `sub`); default 'alice'. */
  login?: string;
  /** Click "Cancel" on the consent page instead of "Continue" (→ error=access_denied). */
  deny?: boolean;
  /** Stop (without requesting it) as soon as the next URL starts with one of these prefixes. */
  stopAt?: string[];
}

export interface NavigateResult {
  /** The final response; null when navigation stopped at a `stopAt` URL. Its body is unread. */
  response: Response | null;
  /** The final URL (the `stopAt` match, or the URL of `response`). */
  url: string;
  /** Every URL requested, in order. */
  history: string[];
}

export interface ParsedForm {
  /** Absolute URL (resolved against the page URL; the page URL itself when absent). */
  action: string;
  /** Upper-case, 'GET' when absent. */
  method: string;
  fields: Record<string, string>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 30;
const DEFAULT_PASSWORD = 'x';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[entity.toLowerCase()] ?? match;
  });
}

function parseAttributes(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  // Skip the tag name, then name[=value] pairs with "…", '…' or bare values.
  const body = tag.replace(/^<\s*[a-z0-9-]+/i, '').replace(/\/?>$/, '');
  const pattern = /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of body.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    if (name in attributes) continue; // first one wins, as in HTML
    attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function hostOf(value: string): string {
  if (value.includes('://')) return new URL(value).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!.toLowerCase();
  // host:port, but not a bare IPv6 address
  return (value.split(':').length === 2 ? value.split(':')[0]! : value).toLowerCase();
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1';
}

/** Schemeless "site": the host for IPs, otherwise the last two labels (good enough for tests). */
function siteOf(host: string): string {
  if (isIpAddress(host)) return host;
  return host.split('.').slice(-2).join('.');
}

function domainMatches(host: string, cookie: StoredCookie): boolean {
  if (cookie.hostOnly) return host === cookie.domain;
  return host === cookie.domain || (!isIpAddress(host) && host.endsWith(`.${cookie.domain}`));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

export class Browser {
  readonly userAgent: string;
  #jar: StoredCookie[] = [];

  constructor(options: { userAgent?: string } = {}) {
    this.userAgent = options.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) connect-server-test-browser/1.0';
  }

  /** fetch with this browser's cookie jar and redirect: 'manual' (3xx responses are returned as is). */
  async request(url: string, init: BrowserRequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const method = (init.method ?? (init.form ? 'POST' : 'GET')).toUpperCase();
    const headers = new Headers(init.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', this.userAgent);
    if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8');

    const cookie = this.#cookieHeader(target, method, init.initiator);
    if (cookie) {
      const existing = headers.get('cookie');
      headers.set('cookie', existing ? `${existing}; ${cookie}` : cookie);
    }

    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
    }

    const response = await fetch(target, { method, headers, body, redirect: 'manual' });
    this.#storeCookies(target, response.headers.getSetCookie());
    return response;
  }

  /**
   * Follows redirects from `url` (303, and 301/302 after a POST, turn into GET; 307/308 repeat the
   * request), submitting oidc-provider's devInteractions pages on the way: the login form with
   * login=options.login ?? 'alice', password='x', and the consent form (or its Cancel link when
   * options.deny). Stops at the first response that is neither a redirect nor an interaction page,
   * or before requesting a URL that starts with one of options.stopAt. At most 30 requests.
   */
  async navigate(url: string, options: NavigateOptions = {}): Promise<NavigateResult> {
    const history: string[] = [];
    const stopAt = options.stopAt ?? [];
    let current = new URL(url).href;
    let method = 'GET';
    let form: Record<string, string> | undefined;
    let initiator: string | undefined;

    while (history.length < MAX_HOPS) {
      if (stopAt.some((prefix) => current.startsWith(prefix))) {
        return { response: null, url: current, history };
      }
      history.push(current);
      const response = await this.request(current, { method, form, initiator });
      initiator = current;

      const location = response.headers.get('location');
      if (REDIRECT_STATUSES.has(response.status) && location) {
        await response.body?.cancel();
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          form = undefined;
        }
        current = new URL(location, current).href;
        continue;
      }

      const step = await this.#interactionStep(response, current, options);
      if (!step) return { response, url: current, history };
      await response.body?.cancel();
      ({ url: current, method, form } = step);
    }
    throw new Error(`Browser.navigate: more than ${MAX_HOPS} requests:\n  ${history.join('\n  ')}`);
  }

  /** Parses the first <form> of an HTML page: action, method and the inputs' (incl. hidden) name/value. */
  static parseForm(html: string, pageUrl: string): ParsedForm {
    const match = /<form\b[^>]*>([\s\S]*?)(?:<\/form\s*>|$)/i.exec(html);
    if (!match) throw new Error(`no <form> in the page at ${pageUrl}`);
    const formTag = /^<form\b[^>]*>/i.exec(match[0])![0];
    const formAttributes = parseAttributes(formTag);
    const inner = match[1] ?? '';
    const fields: Record<string, string> = {};

    for (const [tag] of inner.matchAll(/<input\b[^>]*>/gi)) {
      const attributes = parseAttributes(tag);
      const { name } = attributes;
      if (!name || 'disabled' in attributes) continue;
      const type = (attributes.type ?? 'text').toLowerCase();
      if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !('checked' in attributes)) continue;
      fields[name] = attributes.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
    }
    for (const textarea of inner.matchAll(/(<textarea\b[^>]*>)([\s\S]*?)<\/textarea\s*>/gi)) {
      const attributes = parseAttributes(textarea[1]!);
      if (attributes.name && !('disabled' in attributes)) fields[attributes.name] = decodeEntities(textarea[2] ?? '');
    }
    for (const select of inner.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select\s*>/gi)) {
      const attributes = parseAttributes(select[1]!);
      if (!attributes.name || 'disabled' in attributes) continue;
      const optionTags = [...(select[2] ?? '').matchAll(/<option\b[^>]*>([^<]*)/gi)];
      const chosen = optionTags.find(([tag]) => /\sselected\b/i.test(tag.slice(0, tag.indexOf('>')))) ?? optionTags[0];
      if (chosen) {
        const optionAttributes = parseAttributes(chosen[0].slice(0, chosen[0].indexOf('>') + 1));
        fields[attributes.name] = optionAttributes.value ?? decodeEntities(chosen[1] ?? '').trim();
      }
    }

    return {
      action: new URL(formAttributes.action || pageUrl, pageUrl).href,
      method: (formAttributes.method || 'GET').toUpperCase(),
      fields,
    };
  }

  /** name → value of the unexpired cookies stored for `host` (a host name, host:port or URL), any path. */
  cookies(host: string): Record<string, string> {
    const hostname = hostOf(host);
    const now = Date.now();
    this.#jar = this.#jar.filter((cookie) => cookie.expires === undefined || cookie.expires > now);
    const result: Record<string, string> = {};
    for (const cookie of this.#jar) {
      if (domainMatches(hostname, cookie)) result[cookie.name] = cookie.value;
    }
    return result;
  }

  /** Forgets every cookie (a fresh browser profile). */
  clearCookies(): void {
    this.#jar = [];
  }

  async #interactionStep(
    response: Response,
    pageUrl: string,
    options: NavigateOptions,
  ): Promise<{ url: string; method: string; form: Record<string, string> | undefined } | undefined> {
    if (response.status !== 200 || !/\/interaction\/[^/?#]+/.test(new URL(pageUrl).pathname)) return undefined;
    if (!(response.headers.get('content-type') ?? '').includes('text/html')) return undefined;

    const html = await response.clone().text();
    let parsed: ParsedForm;
    try {
      parsed = Browser.parseForm(html, pageUrl);
    } catch {
      return undefined;
    }
    const { prompt } = parsed.fields;

    if (prompt === 'login') {
      return {
        url: parsed.action,
        method: parsed.method,
        form: { ...parsed.fields, login: options.login ?? 'alice', password: DEFAULT_PASSWORD },
      };
    }
    if (prompt === 'consent') {
      if (options.deny) {
        const abort = /<a\b[^>]*\bhref\s*=\s*"([^"]*\/abort)"/i.exec(html);
        if (!abort) throw new Error(`no abort link on the consent page at ${pageUrl}`);
        return { url: new URL(decodeEntities(abort[1]!), pageUrl).href, method: 'GET', form: undefined };
      }
      return { url: parsed.action, method: parsed.method, form: parsed.fields };
    }
    return undefined;
  }

  #cookieHeader(target: URL, method: string, initiator: string | undefined): string {
    const host = hostOf(target.href);
    const secureChannel = target.protocol === 'https:' || isLoopback(host);
    const crossSite = initiator !== undefined && siteOf(hostOf(initiator)) !== siteOf(host);
    const now = Date.now();
    this.#jar = this.#jar.filter((cookie) => cookie.expires === undefined || cookie.expires > now);

    return this.#jar
      .filter((cookie) => domainMatches(host, cookie) && pathMatches(target.pathname, cookie.path))
      .filter((cookie) => !cookie.secure || secureChannel)
      .filter((cookie) => {
        if (!crossSite || cookie.sameSite === 'none') return true;
        return cookie.sameSite === 'lax' && method === 'GET'; // top-level GET navigation
      })
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  #storeCookies(target: URL, setCookies: string[]): void {
    const host = hostOf(target.href);
    for (const header of setCookies) {
      const [pair = '', ...attributeParts] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator < 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (!name) continue;

      const cookie: StoredCookie = {
        name,
        value,
        domain: host,
        hostOnly: true,
        path: defaultPath(target),
        secure: false,
        sameSite: 'lax', // browsers' default when the attribute is absent
      };
      let maxAge: number | undefined;
      let rejected = false;
      for (const part of attributeParts) {
        const eq = part.indexOf('=');
        const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
        const attributeValue = eq < 0 ? '' : part.slice(eq + 1).trim();
        switch (key) {
          case 'expires': {
            const time = Date.parse(attributeValue);
            if (!Number.isNaN(time)) cookie.expires = time;
            break;
          }
          case 'max-age':
            if (/^-?\d+$/.test(attributeValue)) maxAge = Number(attributeValue);
            break;
          case 'domain': {
            const domain = attributeValue.replace(/^\./, '').toLowerCase();
            if (!domain) break;
            if (host !== domain && (isIpAddress(host) || !host.endsWith(`.${domain}`))) rejected = true;
            cookie.domain = domain;
            cookie.hostOnly = false;
            break;
          }
          case 'path':
            cookie.path = attributeValue.startsWith('/') ? attributeValue : defaultPath(target);
            break;
          case 'secure':
            cookie.secure = true;
            break;
          case 'samesite': {
            const sameSite = attributeValue.toLowerCase();
            if (sameSite === 'strict' || sameSite === 'lax' || sameSite === 'none') cookie.sameSite = sameSite;
            break;
          }
          default:
            break; // HttpOnly, Priority, Partitioned… are irrelevant here
        }
      }
      if (rejected) continue;
      if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000; // Max-Age wins

      this.#jar = this.#jar.filter(
        (existing) => !(existing.name === cookie.name && existing.domain === cookie.domain && existing.path === cookie.path),
      );
      if (cookie.expires === undefined || cookie.expires > Date.now()) this.#jar.push(cookie);
    }
  }
}
