import { maxLengthOf, type CredentialField } from '../../catalog/index.js';
import { html, type SafeHtml } from './html.js';
import { footer, icons, projectLogo, renderDocument, toolkitLogo, type Branding, type ToolkitView } from './layout.js';

/** Everything the Connect Link page shows; the route builds it, the page only renders it. */
export interface LinkPageModel {
  branding: Branding;
  toolkit: ToolkitView;
  /** Who connects: the session's display name, else the developer's id, as "Connecting <toolkit> for <userId>". */
  userId: string;
  /** Requested OAuth scopes; the section is omitted when empty. */
  scopes: readonly string[];
  expiresAt: Date;
  now: Date;
  /** Hidden input name="csrf" in every form. */
  csrfToken: string;
  mode: 'oauth' | 'form';
  /** Form POST target, the same for both modes. */
  actionUrl: string;
  /** Credential inputs (mode 'form'), or the OAuth URL fields the user fills in (mode 'oauth'). */
  fields?: readonly CredentialField[];
  /** Previously typed values to refill after an error; ignored for secret fields. */
  values?: Readonly<Record<string, string>>;
  /** Per field name, shown under the input. */
  fieldErrors?: Readonly<Record<string, string>>;
  /** Shown above the form. */
  formError?: string;
  /** Form mode: what the form asks for, said plainly (a token, not a sign-in at the provider). */
  credentialsNote?: string;
}

/**
 * The catalog pattern as an HTML `pattern` attribute, or null when the browser could not use it. Browsers anchor
 * it themselves and compile `^(?:p)$` with the `v` flag, which rejects e.g. an unescaped `-` in a class; the
 * server validates anyway, so an unusable pattern is simply left out.
 */
export function htmlPattern(pattern: string | undefined): string | null {
  if (!pattern) return null;
  let source = pattern.startsWith('^') ? pattern.slice(1) : pattern;
  if (source.endsWith('$') && (source.match(/\\*\$$/)?.[0].length ?? 1) % 2 === 1) source = source.slice(0, -1);
  if (!source) return null;
  try {
    new RegExp(`^(?:${source})$`, 'v');
    return source;
  } catch {
    return null;
  }
}

/** "This link expires in N minutes", rounded up, or that it has expired. */
export function expiryText(expiresAt: Date, now: Date): string {
  const minutes = Math.ceil((expiresAt.getTime() - now.getTime()) / 60_000);
  if (!(minutes > 0)) return 'This link has expired';
  return `This link expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

function fieldIds(fields: readonly CredentialField[]): string[] {
  const seen = new Set<string>();
  return fields.map((field, i) => {
    const id = seen.has(`field-${field.name}`) ? `field-${field.name}-${i}` : `field-${field.name}`;
    seen.add(id);
    return id;
  });
}

function renderField(field: CredentialField, id: string, model: LinkPageModel): SafeHtml {
  const error = model.fieldErrors?.[field.name];
  const value = field.secret ? undefined : model.values?.[field.name];
  const pattern = htmlPattern(field.pattern);
  const helpId = field.description ? `${id}-help` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${id}">${field.label}${field.required ? '' : html` <span class="optional">(optional)</span>`}</label>
<input id="${id}" name="${field.name}" type="${field.secret ? 'password' : 'text'}"${field.secret ? html` autocomplete="off"` : ''}${
    field.required ? html` required` : ''
  } maxlength="${String(maxLengthOf(field))}"${pattern === null ? '' : html` pattern="${pattern}"`}${field.placeholder ? html` placeholder="${field.placeholder}"` : ''}${
    value ? html` value="${value}"` : ''
  }${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''} autocapitalize="none" spellcheck="false">
${helpId ? html`<p class="help" id="${helpId}">${field.description}</p>` : ''}
${errorId ? html`<p class="error" id="${errorId}">${error}</p>` : ''}
</div>`;
}

function renderForm(model: LinkPageModel): SafeHtml {
  const csrf = html`<input type="hidden" name="csrf" value="${model.csrfToken}">`;
  const formError = model.formError
    ? html`<div class="alert" id="form-error" role="alert">${model.formError}</div>`
    : null;
  const describedBy = formError ? html` aria-describedby="form-error"` : '';
  const fields = model.fields ?? [];
  const ids = fieldIds(fields);
  const inputs = fields.map((field, i) => renderField(field, ids[i] ?? `field-${i}`, model));
  if (model.mode === 'oauth') {
    return html`${formError}<form method="post" action="${model.actionUrl}"${describedBy}>
${csrf}
${inputs}
<p class="lead">You will be sent to ${model.toolkit.name} to sign in and approve access.</p>
<button type="submit" data-testid="connect-button">Connect ${model.toolkit.name}</button>
</form>`;
  }
  const note = model.credentialsNote ? html`<p class="lead" data-testid="credentials-note">${model.credentialsNote}</p>` : '';
  return html`${formError}${note}<form method="post" data-testid="credentials-form" action="${model.actionUrl}"${describedBy}>
${csrf}
${inputs}
<button type="submit" data-testid="submit">Connect</button>
</form>`;
}

/** The Connect Link page: who is connecting what, then a Connect button (OAuth) or a credentials form. */
export function renderLinkPage(model: LinkPageModel): string {
  const { branding, toolkit } = model;
  const scopes = model.scopes.length
    ? html`<section class="section" aria-labelledby="scopes-heading">
<h2 id="scopes-heading">Requested permissions</h2>
<ul class="scopes">${model.scopes.map((scope) => html`<li>${scope}</li>`)}</ul>
</section>`
    : null;
  const body = html`<main>
<div class="card">
<div class="logos">${projectLogo(branding)}${icons.link}${toolkitLogo(toolkit)}</div>
<h1>Connect ${toolkit.name} to ${branding.projectName}</h1>
<p class="lead">Connecting ${toolkit.name} for ${model.userId}</p>
${scopes}
${renderForm(model)}
<p class="note">${icons.clock}<span>${expiryText(model.expiresAt, model.now)}</span></p>
</div>
${footer(branding)}
</main>`;
  return renderDocument({ title: `Connect ${toolkit.name} · ${branding.projectName}`, accentColor: branding.accentColor, body });
}
