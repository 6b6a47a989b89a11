import { html } from './html.js';
import { footer, icons, renderDocument, toolkitLogo, type Branding, type ToolkitView } from './layout.js';

/** The page shown after a connection attempt finishes (or cannot start). */
export interface ResultPageModel {
  /** Null when the project is unknown (e.g. an invalid link): default look, no footer. */
  branding: Branding | null;
  kind: 'success' | 'error';
  title: string;
  message: string;
  toolkit?: ToolkitView;
}

/** Success or error page; tells the user to close the tab and return to the chat. */
export function renderResultPage(model: ResultPageModel): string {
  const { kind, toolkit } = model;
  const body = html`<main>
<div class="card" data-testid="connect-${kind}">
<div class="status ${kind}">${kind === 'success' ? icons.check : icons.cross}</div>
<h1>${model.title}</h1>
<p class="lead">${model.message}</p>
${toolkit ? html`<p class="chip">${toolkitLogo(toolkit, true)}<span>${toolkit.name}</span></p>` : null}
<p class="hint">You can close this tab and return to the chat.</p>
</div>
${footer(model.branding)}
</main>`;
  const title = model.branding ? `${model.title} · ${model.branding.projectName}` : model.title;
  return renderDocument({ title, accentColor: model.branding?.accentColor, body });
}
