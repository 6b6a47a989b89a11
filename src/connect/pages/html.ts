// Escaping primitives for the hosted Connect pages: every value goes through escapeHtml unless it is
// already SafeHtml, which only the `html` tag (and `raw`, for compile-time constants) produces.

/** Markup that is already escaped; interpolating it into `html` leaves it as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What `html` accepts: text is escaped, markup kept, arrays joined, nullish/false dropped. */
export type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '`, so the result is safe in text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

function interpolate(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return escapeHtml(String(value));
}

/** Tagged template producing SafeHtml; attribute values must be written quoted in the template. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Trusts a constant string (CSS, inline SVG). Never pass it user data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** The URL normalised when it is http(s), else null (javascript:, data:, relative and malformed URLs are dropped). */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export const defaultAccent = '#4f46e5';

/** The colour when it is a CSS hex colour (#rgb, #rgba, #rrggbb, #rrggbbaa), else the default accent. */
export function safeAccent(color: string | null | undefined): string {
  if (color && /^#[0-9a-fA-F]{3,8}$/.test(color) && [4, 5, 7, 9].includes(color.length)) return color.toLowerCase();
  return defaultAccent;
}

/** White or near-black, whichever contrasts more with a hex colour from safeAccent (alpha ignored). */
export function textColorOn(hex: string): string {
  const digits = hex.slice(1);
  const full = digits.length <= 4 ? [...digits.slice(0, 3)].map((d) => d + d).join('') : digits.slice(0, 6);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const onWhite = 1.05 / (luminance + 0.05);
  const onDark = (luminance + 0.05) / 0.0592; // #111827 has relative luminance ~0.0092
  return onWhite >= onDark ? '#ffffff' : '#111827';
}
