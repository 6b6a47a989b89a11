import { createHash } from 'node:crypto';
import { html, raw, safeAccent, safeUrl, textColorOn, type SafeHtml } from './html.js';

/** The developer project's look on hosted pages. */
export interface Branding {
  projectName: string;
  logoUrl: string | null;
  /** Hex colour like '#4f46e5'; anything else falls back to the default accent. */
  accentColor: string | null;
}

/** The toolkit (service) being connected. */
export interface ToolkitView {
  slug: string;
  name: string;
  logoUrl: string | null;
}

const css = `
:root{color-scheme:light dark;--bg:#f3f4f6;--card:#fff;--text:#111827;--muted:#4b5563;--border:#e5e7eb;--input:#9ca3af;
--danger:#b91c1c;--danger-bg:#fef2f2;--success:#15803d;--success-bg:#f0fdf4;--chip:#f3f4f6}
@media (prefers-color-scheme:dark){:root{--bg:#0b0f19;--card:#151b28;--text:#f3f4f6;--muted:#a1a9b8;--border:#273043;
--input:#4b5568;--danger:#fca5a5;--danger-bg:#3b1219;--success:#86efac;--success-bg:#0f2e1c;--chip:#1f2737}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;min-height:100dvh;display:flex;flex-direction:column;align-items:center;justify-content:center;
padding:24px 16px;background:var(--bg);color:var(--text);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:420px}
.card{background:var(--card);border:1px solid var(--border);border-radius:16px;padding:30px 24px 28px;
box-shadow:inset 0 4px 0 var(--accent),0 1px 2px rgb(0 0 0/.05),0 10px 30px rgb(0 0 0/.07)}
@media (min-width:480px){.card{padding:38px 32px 36px}}
h1{font-size:1.3rem;line-height:1.3;margin:0 0 6px;text-align:center;overflow-wrap:anywhere}
h2{font-size:.8rem;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 8px}
p{margin:0}
.lead{color:var(--muted);text-align:center;overflow-wrap:anywhere}
.logos{display:flex;align-items:center;justify-content:center;gap:12px;margin-bottom:20px;color:var(--muted)}
.logo{width:52px;height:52px;border-radius:14px;display:grid;place-items:center;flex:none;overflow:hidden;
font-size:22px;font-weight:700;color:#fff;user-select:none}
.logo.small{width:28px;height:28px;border-radius:8px;font-size:13px}
.logo.img{background:#fff;border:1px solid var(--border);padding:7px}
.logo.small.img{padding:3px}
.logo img{width:100%;height:100%;object-fit:contain;display:block}
.badge-accent{background:var(--accent);color:var(--accent-fg)}
.b0{background:#2563eb}.b1{background:#7c3aed}.b2{background:#c026d3}.b3{background:#db2777}
.b4{background:#dc2626}.b5{background:#c2410c}.b6{background:#047857}.b7{background:#0e7490}
.section{margin-top:22px}
.scopes{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.scopes li{background:var(--chip);border:1px solid var(--border);border-radius:6px;padding:2px 8px;
font:12.5px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
form{margin:22px 0 0}
.field{margin-bottom:16px}
label{display:block;font-weight:600;margin-bottom:6px}
.optional{font-weight:400;color:var(--muted)}
input[type=text],input[type=password]{width:100%;padding:10px 12px;font:inherit;font-size:16px;color:var(--text);
background:var(--card);border:1px solid var(--input);border-radius:10px;outline:none;transition:border-color .15s,box-shadow .15s}
input:focus{border-color:var(--accent);box-shadow:0 0 0 3px color-mix(in srgb,var(--accent) 30%,transparent)}
input[aria-invalid=true]{border-color:var(--danger)}
.help{margin-top:6px;font-size:.85rem;color:var(--muted)}
.error{margin-top:6px;font-size:.85rem;color:var(--danger);font-weight:500}
.alert{margin:20px 0 0;padding:10px 12px;border-radius:10px;background:var(--danger-bg);color:var(--danger);font-weight:500}
button{display:block;width:100%;min-height:46px;margin-top:22px;padding:11px 16px;border:0;border-radius:10px;cursor:pointer;
background:var(--accent);color:var(--accent-fg);font:inherit;font-weight:600;font-size:1rem;overflow-wrap:anywhere}
button:hover{filter:brightness(.93)}
button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.note{display:flex;align-items:center;justify-content:center;gap:6px;margin-top:14px;font-size:.85rem;color:var(--muted);text-align:center}
.note svg,.footer svg{flex:none}
.status{width:60px;height:60px;margin:0 auto 16px;border-radius:50%;display:grid;place-items:center}
.status.success{background:var(--success-bg);color:var(--success)}
.status.error{background:var(--danger-bg);color:var(--danger)}
.chip{display:flex;align-items:center;justify-content:center;gap:8px;margin-top:18px;font-weight:600}
.hint{margin-top:20px;padding-top:16px;border-top:1px solid var(--border);font-size:.9rem;color:var(--muted);text-align:center}
.footer{display:flex;align-items:center;justify-content:center;gap:6px;margin-top:16px;font-size:.8rem;color:var(--muted);
text-align:center;overflow-wrap:anywhere}
`;

const svg = (path: string, size = 16) =>
  raw(
    `<svg width="${size}" height="${size}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" ` +
      `stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${path}</svg>`,
  );

export const icons = {
  lock: svg('<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>', 13),
  clock: svg('<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>', 14),
  link: svg('<path d="M7 8h12l-3-3M17 16H5l3 3"/>', 20),
  check: svg('<path d="M5 12.5l4.5 4.5L19 7.5"/>', 30),
  cross: svg('<path d="M7 7l10 10M17 7L7 17"/>', 30),
};

function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? '?').toUpperCase();
}

function paletteClass(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return `b${hash % 8}`;
}

/** A logo tile (decorative: the name is always in the text), or an initial-letter badge without a usable logo. */
export function logoTile(name: string, logoUrl: string | null, badgeClass: string | null, small = false): SafeHtml {
  const url = safeUrl(logoUrl);
  const size = small ? ' small' : '';
  if (url) return html`<span class="logo img${size}"><img src="${url}" alt="" referrerpolicy="no-referrer"></span>`;
  return html`<span class="logo ${badgeClass ?? paletteClass(name)}${size}" aria-hidden="true">${initial(name)}</span>`;
}

export function projectLogo(branding: Branding): SafeHtml {
  return logoTile(branding.projectName, branding.logoUrl, 'badge-accent');
}

export function toolkitLogo(toolkit: ToolkitView, small = false): SafeHtml {
  return logoTile(toolkit.name, toolkit.logoUrl, paletteClass(toolkit.slug || toolkit.name), small);
}

export function footer(branding: Branding | null): SafeHtml | null {
  return branding ? html`<footer class="footer">${icons.lock}<span>Secured by ${branding.projectName}</span></footer>` : null;
}

const styleHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const baseStyleHash = styleHash(css);

/** A complete HTML document: no scripts, no external resources except logo images, locked down by a meta CSP. */
export function renderDocument(options: { title: string; accentColor: string | null | undefined; body: SafeHtml }): string {
  const accent = safeAccent(options.accentColor);
  const accentCss = `:root{--accent:${accent};--accent-fg:${textColorOn(accent)}}`;
  const csp =
    `default-src 'none'; img-src https: http:; style-src ${baseStyleHash} ${styleHash(accentCss)}; ` + `base-uri 'none'`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${options.title}</title>
<style>${raw(css)}</style>
<style>${raw(accentCss)}</style>
</head>
<body>
${options.body}
</body>
</html>
`.value;
}
