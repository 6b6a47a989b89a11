import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie, type SerializeOptions } from 'cookie';

/** The largest body a hosted page or the OAuth dance reads. */
export const MAX_FORM_BYTES = 16 * 1024;

// Hosted pages carry secrets in their URL and forms: no caching, no referrer, no framing.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'none'; base-uri 'none'",
};

export function sendHtml(res: ServerResponse, status: number, html: string, cookies: string[] = []): void {
  res.writeHead(status, { ...PAGE_HEADERS, ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}) });
  res.end(html);
}

/** 303 so that a POST is followed by a GET. */
export function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(303, {
    location,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}),
  });
  res.end();
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  return req.headers.cookie ? parseCookie(req.headers.cookie)[name] : undefined;
}

export function setCookie(name: string, value: string, options: SerializeOptions): string {
  return stringifySetCookie(name, value, { httpOnly: true, ...options });
}

export class FormTooLargeError extends Error {}

/**
 * Reads an `application/x-www-form-urlencoded` body, refusing more than 16 KiB: the check runs
 * as the chunks arrive, so no more than that is ever held. A refused body is left unread (not
 * destroyed, so that the answer still reaches the client).
 */
export function readFormParams(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) return void chunks.push(chunk);
      stop();
      req.pause();
      reject(new FormTooLargeError('form too large'));
    };
    const onEnd = () => {
      stop();
      resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** readFormParams as a record; a repeated name keeps its first value. */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const form: Record<string, string> = {};
  for (const [key, value] of await readFormParams(req)) form[key] ??= value;
  return form;
}
