// Server-rendered HTML for the hosted Connect pages: pure functions from a model to a complete document.
// No scripts, no external resources (only the project's and toolkit's logo images), everything escaped.

export { escapeHtml, html, SafeHtml, type Interpolation } from './pages/html.js';
export type { Branding, ToolkitView } from './pages/layout.js';
export { expiryText, htmlPattern, renderLinkPage, type LinkPageModel } from './pages/link.js';
export { renderResultPage, type ResultPageModel } from './pages/result.js';
