import { describe, expect, it } from 'vitest';
import { loadCatalog, logoCount, logoOf, logoSlugOf } from '../src/catalog/index.js';
import { hasIcon, iconSlugFor, logoAliases, normalizeBrandName } from '../src/catalog/logos.js';

const catalog = loadCatalog();
const count = logoCount();

describe(`logos: ${count} of ${catalog.length} catalog toolkits have a simple-icons logo`, () => {
  it('maps only to icons that exist, and serves their SVG, colour and title', () => {
    expect(count).toBeGreaterThanOrEqual(150);
    for (const toolkit of catalog) {
      const iconSlug = logoSlugOf(toolkit.slug);
      if (!iconSlug) {
        expect(logoOf(toolkit.slug)).toBeNull();
        continue;
      }
      expect(hasIcon(iconSlug), `${toolkit.slug} → ${iconSlug}`).toBe(true);
      const logo = logoOf(toolkit.slug);
      expect(logo?.svg, toolkit.slug).toMatch(/^<svg [^>]*viewBox="0 0 24 24"[^>]*>.*<path d="[^"]+"\/><\/svg>$/s);
      expect(logo?.hex).toMatch(/^[0-9A-F]{6}$/);
      expect(logo?.title.length).toBeGreaterThan(0);
    }
  });

  it('finds logos by exact slug, by normalized name and through the alias map', () => {
    expect(logoSlugOf('github')).toBe('github');
    expect(logoSlugOf('gmail')).toBe('gmail');
    expect(logoSlugOf('googlecalendar')).toBe('googlecalendar');
    expect(iconSlugFor({ slug: 'hf', name: 'Hugging Face' })).toBe('huggingface');
    expect(iconSlugFor({ slug: 'x-1', name: 'Battle.net' })).toBe('battledotnet');
    expect(logoSlugOf('twitter')).toBe('x');
    expect(logoSlugOf('mistral')).toBe('mistralai');
    expect(logoOf('github')?.title).toBe('GitHub');
    for (const iconSlug of Object.values(logoAliases)) expect(hasIcon(iconSlug), iconSlug).toBe(true);
    expect(normalizeBrandName('Dailymotion+ & Co.')).toBe('dailymotionplusandcodot');
  });

  it('gives no logo to brands simple-icons removed, nor to unknown slugs', () => {
    for (const slug of ['microsoft', 'outlook', 'slack', 'linkedin', 'salesforce', 'openai', 'twilio', 'no-such-toolkit']) {
      expect(logoOf(slug), slug).toBeNull();
    }
  });
});
