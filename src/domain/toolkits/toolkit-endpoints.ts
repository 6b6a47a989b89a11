import { credentialFieldSchema, urlPlaceholderPattern, urlPlaceholders, type CredentialField } from '../../catalog/index.js';
import type { Toolkit } from '../../generated/prisma/client.js';
import { validateCredentialForm, type FormValidation } from './credential-forms.js';
import { DomainError } from '../errors.js';
import { secureUrlSchema } from '../validation.js';

/**
 * OAuth URLs with `[field]` placeholders: grant's `https://[subdomain].zendesk.com/...`, a
 * Keycloak realm's `https://[subdomain]/protocol/...`, a custom toolkit's tenant path. Their
 * values come from the auth config (fixed for every connection) or, where it leaves them open,
 * from the end user on the hosted page; the account keeps the values it was connected with.
 */
export type FieldValues = Record<string, string>;

type EndpointTemplates = Pick<Toolkit, 'authorizeUrl' | 'tokenUrl' | 'requestTokenUrl' | 'revokeUrl' | 'userInfoUrl' | 'fields'>;

export interface ToolkitEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  requestTokenUrl: string | null;
  revokeUrl: string | null;
  userInfoUrl: string | null;
}

function templatesOf(toolkit: EndpointTemplates): string[] {
  return [toolkit.authorizeUrl, toolkit.tokenUrl, toolkit.requestTokenUrl, toolkit.revokeUrl, toolkit.userInfoUrl].filter(
    (url): url is string => !!url,
  );
}

/** The toolkit's fields its OAuth URLs name as placeholders. */
export function urlFieldsOf(toolkit: EndpointTemplates): CredentialField[] {
  const names = new Set(templatesOf(toolkit).flatMap(urlPlaceholders));
  return credentialFieldSchema
    .array()
    .parse(toolkit.fields)
    .filter((field) => names.has(field.name));
}

// Stands in for the placeholder under test when a template is parsed; other placeholders
// become a neutral label.
const MARKER = 'zzfieldzz';

/** The host the URL parser (the same one fetch uses) sees in a template, `name` marked. */
function hostWith(template: string, name: string): string | null {
  const probe = template.replace(urlPlaceholderPattern, (_match, other: string) => (other === name ? MARKER : 'x'));
  return URL.canParse(probe) ? new URL(probe).host : null;
}

/**
 * Whether a placeholder's value decides which server receives the client secret: it is part of
 * a URL's host anywhere but as the leading labels before a fixed domain, as in grant's
 * `https://[subdomain].zendesk.com` (a value there can only name a host under zendesk.com).
 * The host is found by parsing, so no spelling of a template can hide one.
 */
function decidesHost(toolkit: EndpointTemplates, name: string): boolean {
  const underFixedDomain = new RegExp(`^${MARKER}(\\.[a-z0-9-]+){2,}(:[0-9]+)?$`);
  return templatesOf(toolkit).some((template) => {
    const host = hostWith(template, name);
    return host === null || (host.includes(MARKER) && !underFixedDomain.test(host));
  });
}

// On top of each field's own pattern: what a value may hold at all, so that it can only fill
// its slot and never add a host, credentials, a query or a fragment to the URL.
const HOST_VALUE = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/;
const SEGMENT_VALUE = /^[A-Za-z0-9._~-]+$/;

function safeValue(toolkit: EndpointTemplates, name: string, value: string): boolean {
  if (value === '.' || value.includes('..')) return false;
  return (decidesHost(toolkit, name) ? HOST_VALUE : SEGMENT_VALUE).test(value);
}

/** A value the caller set for `name`; never one inherited from Object.prototype. */
function ownValue(values: FieldValues, name: string): string | undefined {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

function safetyMessage(toolkit: EndpointTemplates, field: CredentialField): string {
  return decidesHost(toolkit, field.name)
    ? `${field.label} must be a host name, optionally with a port and a path.`
    : `${field.label} may only hold letters, digits, ".", "-", "_" and "~", and not "." or ".." alone.`;
}

/** The form check plus the safety check, per field, so the hosted page can show each error in place. */
function checkValues(
  toolkit: EndpointTemplates,
  fields: readonly CredentialField[],
  submitted: Readonly<Record<string, string | undefined>>,
): FormValidation {
  const checked = validateCredentialForm(fields, submitted);
  if (!checked.ok) return checked;
  const fieldErrors = Object.fromEntries(
    fields
      .filter((field) => checked.values[field.name] !== undefined && !safeValue(toolkit, field.name, checked.values[field.name]!))
      .map((field) => [field.name, safetyMessage(toolkit, field)]),
  );
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : checked;
}

/**
 * Checks an auth config's values for some of the toolkit's URL fields: known names, each
 * field's pattern, safe characters. A managed config uses the operator's OAuth app, whose
 * secret no project may send to a host of its choosing.
 */
export function parseFieldValues(
  toolkit: EndpointTemplates,
  input: readonly { name: string; value: string }[],
  { managed }: { managed: boolean },
): FieldValues {
  const fields = urlFieldsOf(toolkit);
  const unknown = input.find((entry) => !fields.some((field) => field.name === entry.name));
  if (unknown) {
    const known = fields.map((field) => field.name).join(', ') || 'none';
    throw new DomainError('BAD_USER_INPUT', `The toolkit has no URL field "${unknown.name}" (its URL fields: ${known}).`);
  }
  const given = fields
    .filter((field) => input.some((entry) => entry.name === field.name))
    .map((field) => ({ ...field, required: true }));
  const hostField = managed ? given.find((field) => decidesHost(toolkit, field.name)) : undefined;
  if (hostField) {
    throw new DomainError(
      'FORBIDDEN',
      `"${hostField.name}" decides where the OAuth app's secret goes: set it on a CUSTOM auth config with your own app.`,
    );
  }
  const checked = checkValues(toolkit, given, Object.fromEntries(input.map((entry) => [entry.name, entry.value])));
  if (!checked.ok) throw new DomainError('BAD_USER_INPUT', Object.values(checked.fieldErrors).join(' '));
  return checked.values;
}

/**
 * The URL fields the end user fills in on the hosted page: those the auth config leaves open.
 * A field that decides a URL's host is never among them: it decides which server receives the
 * client secret, so only the auth config's owner may set it.
 */
export function userUrlFieldsOf(toolkit: EndpointTemplates, authConfigValues: unknown): CredentialField[] {
  const fixed = asFieldValues(authConfigValues);
  return urlFieldsOf(toolkit)
    .filter((field) => ownValue(fixed, field.name) === undefined && !decidesHost(toolkit, field.name))
    .map((field) => ({ ...field, required: true }));
}

/** Checks what the end user typed into the hosted page's URL fields; anything else in the form is ignored. */
export function checkUserFieldValues(
  toolkit: EndpointTemplates,
  authConfigValues: unknown,
  form: Readonly<Record<string, string | undefined>>,
): FormValidation {
  return checkValues(toolkit, userUrlFieldsOf(toolkit, authConfigValues), form);
}

/**
 * Refuses, before a link is handed out, a flow the user could not complete: a host-deciding
 * field that the auth config does not set.
 */
export function assertEndpointsResolvable(
  toolkit: EndpointTemplates & { slug: string },
  authConfig: { kind: 'MANAGED' | 'CUSTOM'; fieldValues: unknown },
): void {
  const fixed = asFieldValues(authConfig.fieldValues);
  const missing = urlFieldsOf(toolkit).filter((field) => ownValue(fixed, field.name) === undefined && decidesHost(toolkit, field.name));
  if (missing.length > 0) {
    const names = missing.map((field) => `"${field.name}" (${field.label})`).join(', ');
    const remedy =
      authConfig.kind === 'MANAGED'
        ? 'create a CUSTOM auth config with your own OAuth app and set it in fieldValues'
        : 'set it in fieldValues with updateAuthConfig';
    throw new DomainError('BAD_USER_INPUT', `Connecting ${toolkit.slug} needs ${names} on the auth config: ${remedy}.`);
  }
}

/** Stored JSON back to values; anything that is not a string map counts as empty. */
export function asFieldValues(stored: unknown): FieldValues {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {};
  return Object.fromEntries(
    Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

// A `.` or `..` path segment, which values could otherwise make by standing side by side.
const DOT_SEGMENT = /\/\.{1,2}(?=[/?#]|$)/;

function fill(toolkit: EndpointTemplates, template: string, values: FieldValues): string {
  const url = template.replace(urlPlaceholderPattern, (_match, name: string) => {
    const value = ownValue(values, name);
    if (value === undefined) throw new DomainError('BAD_USER_INPUT', `The URL field "${name}" has no value.`);
    if (!safeValue(toolkit, name, value)) throw new DomainError('BAD_USER_INPUT', `The URL field "${name}" has an unsafe value.`);
    return value;
  });
  const path = url.replace(/^[a-z]+:\/\/[^/?#]*/i, '');
  if (!secureUrlSchema.safeParse(url).success || DOT_SEGMENT.test(path)) {
    throw new DomainError('BAD_USER_INPUT', `The toolkit's URL ${template} does not give a secure URL with these values.`);
  }
  return url;
}

/** Any other URL template of the toolkit's provider (its issuer), placeholders filled from the values. */
export function resolveUrlTemplate(toolkit: EndpointTemplates, template: string, values: FieldValues): string {
  return fill(toolkit, template, values);
}

/** The toolkit's OAuth endpoints, placeholders filled from the values. */
export function resolveEndpoints(toolkit: EndpointTemplates, values: FieldValues): ToolkitEndpoints {
  const resolve = (template: string | null) => (template ? fill(toolkit, template, values) : null);
  return {
    authorizeUrl: resolve(toolkit.authorizeUrl) ?? '',
    tokenUrl: resolve(toolkit.tokenUrl) ?? '',
    requestTokenUrl: resolve(toolkit.requestTokenUrl),
    revokeUrl: resolve(toolkit.revokeUrl),
    userInfoUrl: resolve(toolkit.userInfoUrl),
  };
}

/** The endpoints an account's tokens belong to: its toolkit's, filled with the values it was connected with. */
export function accountEndpoints(account: { toolkit: EndpointTemplates; fieldValues: unknown }): ToolkitEndpoints {
  return resolveEndpoints(account.toolkit, asFieldValues(account.fieldValues));
}
