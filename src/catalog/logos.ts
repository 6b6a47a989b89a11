import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadCatalog } from './load.js';

/**
 * Brand logos from the installed `simple-icons` package (CC0; brands' trademarks stay theirs, see its
 * DISCLAIMER.md). Nothing is imported eagerly: the package's `icons.json` (title, slug, hex for every icon,
 * ~450 KB) is read on first use, and one icon's SVG is read from `simple-icons/icons/<slug>.svg` when asked for.
 * Some brands are absent on purpose (Microsoft, Slack, LinkedIn, Salesforce, OpenAI, AWS… were removed from
 * simple-icons at the brands' request); those get no logo rather than a look-alike.
 */

/** A brand logo: a 24×24 single-path SVG (with `<title>`), its brand colour and its title. */
export interface Logo {
  /** The simple-icons slug the logo comes from. */
  iconSlug: string;
  /** Complete `<svg>` markup, `role="img"`, viewBox 0 0 24 24, no fill (inherits currentColor). */
  svg: string;
  /** Brand colour as 6 hex digits without `#`. */
  hex: string;
  /** The brand's name as simple-icons spells it. */
  title: string;
}

interface IconData {
  title: string;
  slug: string;
  hex: string;
}

const require = createRequire(import.meta.url);

/**
 * Catalog slugs whose brand simple-icons files under another slug, checked against simple-icons 16: the icon is the
 * same brand (a renamed company, a product of the same brand, or the same service's other OAuth version).
 */
export const logoAliases: Readonly<Record<string, string>> = {
  twitter: 'x',
  twitter2: 'x',
  openstreetmap2: 'openstreetmap',
  battlenet: 'battledotnet',
  gemini: 'googlegemini',
  mistral: 'mistralai',
  weibo: 'sinaweibo',
  getbase: 'zendesk',
};

/**
 * Catalog slugs that match a simple-icons slug or name by accident: a different brand of the same name. They get
 * no logo rather than the wrong one.
 */
export const logoDenied: ReadonlySet<string> = new Set<string>([]);

let icons: Map<string, IconData> | undefined;
let iconsByName: Map<string, IconData> | undefined;

/** Lower-cases and keeps letters and digits, spelling `+ . &` out the way simple-icons slugs do. */
export function normalizeBrandName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\+/g, 'plus')
    .replace(/\./g, 'dot')
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '');
}

function iconIndex(): { bySlug: Map<string, IconData>; byName: Map<string, IconData> } {
  if (!icons || !iconsByName) {
    const data = require('simple-icons/icons.json') as IconData[];
    icons = new Map(data.map((icon) => [icon.slug, icon]));
    iconsByName = new Map(data.map((icon) => [normalizeBrandName(icon.title), icon]));
  }
  return { bySlug: icons, byName: iconsByName };
}

/** Whether simple-icons has an icon with this slug. */
export function hasIcon(iconSlug: string): boolean {
  return iconIndex().bySlug.has(iconSlug);
}

/**
 * The simple-icons slug for a toolkit: the hand alias, else an icon with the same slug, else one whose normalized
 * title equals the toolkit's normalized name (without a parenthesized former name: "Pocket (Getpocket)"); null
 * when none, or when the slug is in {@link logoDenied}.
 */
export function iconSlugFor(toolkit: { slug: string; name: string }): string | null {
  if (logoDenied.has(toolkit.slug)) return null;
  const { bySlug, byName } = iconIndex();
  const alias = logoAliases[toolkit.slug];
  if (alias) return bySlug.has(alias) ? alias : null;
  if (bySlug.has(toolkit.slug)) return toolkit.slug;
  const name = normalizeBrandName(toolkit.name.replace(/\s*\(.*\)\s*$/, ''));
  return byName.get(name)?.slug ?? null;
}

let catalogIconSlugs: Map<string, string | null> | undefined;

/** The simple-icons slug used for a catalog toolkit, or null (unknown slug, or no icon for the brand). */
export function logoSlugOf(catalogSlug: string): string | null {
  catalogIconSlugs ??= new Map(loadCatalog().map((toolkit) => [toolkit.slug, iconSlugFor(toolkit)]));
  return catalogIconSlugs.get(catalogSlug) ?? null;
}

const svgCache = new Map<string, string>();

/** The logo of a catalog toolkit, or null when simple-icons has none for its brand. The SVG is read once and cached. */
export function logoOf(catalogSlug: string): Logo | null {
  const iconSlug = logoSlugOf(catalogSlug);
  if (!iconSlug) return null;
  const icon = iconIndex().bySlug.get(iconSlug);
  if (!icon) return null;
  let svg = svgCache.get(iconSlug);
  if (svg === undefined) {
    svg = readFileSync(require.resolve(`simple-icons/icons/${iconSlug}.svg`), 'utf8');
    svgCache.set(iconSlug, svg);
  }
  return { iconSlug, svg, hex: icon.hex, title: icon.title };
}

/** How many catalog toolkits have a logo. */
export function logoCount(): number {
  return loadCatalog().filter((toolkit) => logoSlugOf(toolkit.slug) !== null).length;
}
