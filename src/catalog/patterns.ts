import { RE2JS } from 're2js';

/**
 * Credential-field patterns come from toolkits (the catalog, and projects' own toolkits), and the
 * values they check come from anyone holding a Connect Link. JavaScript's backtracking RegExp
 * takes exponential time on patterns such as `^(a+)+$`, blocking the whole server; RE2 (re2js,
 * pure JS) runs in time linear in the value, and refuses what would need backtracking
 * (backreferences, lookaround). Every toolkit pattern is compiled and run here, nowhere else.
 */

/** Longest value a credential field takes unless its `maxLength` says otherwise. */
export const DEFAULT_FIELD_MAX_LENGTH = 4096;
/** Upper bound for a field's `maxLength` (a PEM private key fits). */
export const FIELD_MAX_LENGTH_LIMIT = 16_384;

const compiled = new Map<string, RE2JS>();
const CACHE_SIZE = 500;

function compile(source: string): RE2JS {
  let pattern = compiled.get(source);
  if (!pattern) {
    pattern = RE2JS.compile(source);
    if (compiled.size >= CACHE_SIZE) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern;
}

/** Why RE2 cannot run a pattern, or null when it can. */
export function fieldPatternProblem(source: string): string | null {
  try {
    compile(source);
    return null;
  } catch (error) {
    return `pattern must be a regular expression RE2 accepts (no backreferences or lookaround): ${(error as Error).message}`;
  }
}

/**
 * Whether the value contains a match, like `RegExp.prototype.test` (anchor with `^…$`); false
 * when the pattern cannot be compiled, so an unusable pattern refuses rather than waves through.
 */
export function matchesFieldPattern(source: string, value: string): boolean {
  try {
    return compile(source).matcher(value).find();
  } catch {
    return false;
  }
}
