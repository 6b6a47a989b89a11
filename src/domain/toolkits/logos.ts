import { createHash } from 'node:crypto';
import { logoOf, logoSlugOf } from '../../catalog/index.js';
import type { Toolkit } from '../../generated/prisma/client.js';

/** A catalog toolkit's logo as this server serves it at `/logos/<slug>.svg`. */
export interface ServedLogo {
  svg: string;
  /** Strong validator of the exact bytes served. */
  etag: string;
}

/** Relative luminance (WCAG) of a 6-hex-digit colour. */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const served = new Map<string, ServedLogo | null>();

/**
 * The SVG of a catalog toolkit's brand, in the brand's colour (black when that colour is too light to see on the
 * white tiles where logos are shown); null when the slug is not a catalog toolkit with a logo.
 */
export function servedLogo(slug: string): ServedLogo | null {
  if (served.has(slug)) return served.get(slug)!;
  const logo = logoOf(slug);
  let result: ServedLogo | null = null;
  if (logo && /^[0-9A-Fa-f]{6}$/.test(logo.hex)) {
    const fill = luminance(logo.hex) > 0.8 ? '#000000' : `#${logo.hex}`;
    const svg = logo.svg.replace(/^<svg /, `<svg fill="${fill}" `);
    result = { svg, etag: `"${createHash('sha256').update(svg).digest('base64url').slice(0, 27)}"` };
  }
  served.set(slug, result);
  return result;
}

/** The logo URL of a toolkit: its own when it has one, else this server's for catalog brands that have one. */
export function toolkitLogoUrl(publicUrl: string, toolkit: Pick<Toolkit, 'slug' | 'projectId' | 'logoUrl'>): string | null {
  if (toolkit.logoUrl) return toolkit.logoUrl;
  return toolkit.projectId === null && logoSlugOf(toolkit.slug) ? `${publicUrl}/logos/${toolkit.slug}.svg` : null;
}
