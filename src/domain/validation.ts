import { z } from 'zod';
import { urlPlaceholderPattern } from '../catalog/index.js';
import type { EgressPolicy } from '../egress/index.js';
import { DomainError, type InputIssue } from './errors.js';

/** Parses input with a zod schema, turning failures into one BAD_USER_INPUT with every issue. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what = 'input',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new DomainError('BAD_USER_INPUT', `Invalid ${what}: ${summary}`, issues);
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * A URL this server will call or send browsers to: https, or plain http only on loopback hosts
 * where developers run their servers; no credentials inside (fetch refuses them anyway).
 */
export const secureUrlSchema = z
  .url({ error: 'must be an absolute URL' })
  .max(2000)
  .superRefine((value, ctx) => {
    const url = new URL(value);
    if (!(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))) {
      ctx.addIssue({ code: 'custom', message: 'must use https (http is allowed only for localhost and 127.0.0.0/8)' });
    }
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
  });

/**
 * Refuses, at input, URLs this server would connect to whose host is plainly private: a
 * loopback, private, link-local or reserved address literal, `localhost`, a metadata name
 * (unless EGRESS_ALLOW_PRIVATE allows it). Names that only resolve there are refused when the
 * connection is made; this check gives the early, clear answer.
 */
export function assertPublicUrls(policy: EgressPolicy, urls: readonly [path: string, url: string | null | undefined][]): void {
  const issues: InputIssue[] = [];
  for (const [path, template] of urls) {
    if (!template) continue;
    const url = URL.canParse(template.replace(urlPlaceholderPattern, 'placeholder'))
      ? new URL(template.replace(urlPlaceholderPattern, 'placeholder'))
      : null;
    if (url && policy.refusesUrlHost(url.hostname)) {
      issues.push({
        path,
        message: 'must not lead to a private, loopback, link-local or metadata address (an operator may allow some with EGRESS_ALLOW_PRIVATE)',
      });
    }
  }
  if (issues.length > 0) {
    throw new DomainError('BAD_USER_INPUT', `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
}
