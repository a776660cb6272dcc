/**
 * Exemptions: exact names or ids, or globs over them, matched by outmatch. Names are not paths
 * and anyone who can name a bucket or group chooses the text matched, so the syntax is kept to
 * what matches exactly and in bounded time:
 * - `*`, `?`, `[a-z]`, `[!a]`, `{a,b}` (each alternative a glob itself); `*` crosses `/`
 *   (group names may hold one) and a leading dot;
 * - parentheses and `!` are literal: no extglobs (exponential on crafted names; `*(prod)` must
 *   still match a group named `db(prod)`), no negation (it would exempt everything else);
 * - refused: numeric ranges `{1..9}` (outmatch turns them into a character class), more than
 *   three `*` (a regular expression backtracks polynomially in them: five against a 255-character
 *   group name take seconds), and anything that does not compile.
 * Validated at synth (lib/config.ts) and when the function reads its settings.
 */
import outmatch from 'outmatch';

const OPTIONS = { separator: false, excludeDot: false, '!': false, '()': false } as const;
const MAX_STARS = 3;
const MATCHERS = new Map<string, (name: string) => boolean>();

/** Why a pattern is refused, or undefined when it can be used. */
export function exemptionPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.startsWith('!')) return 'a leading "!" would exempt every resource that does not match: list what to exempt instead';
  if (/\{[^}]*\.\.[^}]*\}/.test(pattern)) return 'numeric ranges like {1..9} are not supported: list the alternatives, {1,2,3}';
  if ((pattern.match(/\*/g) ?? []).length > MAX_STARS) return `at most ${MAX_STARS} "*" per pattern: more make matching a crafted name slow`;
  try {
    outmatch(pattern, OPTIONS);
  } catch (error) {
    return `not a valid glob (${(error as Error).message})`;
  }
  return undefined;
}

function matcher(pattern: string): (name: string) => boolean {
  let match = MATCHERS.get(pattern);
  if (!match) {
    match = outmatch(pattern, OPTIONS);
    MATCHERS.set(pattern, match);
  }
  return match;
}

/** The first exemption pattern (exact or glob) that matches one of the resource's names. */
export function exemptionFor(names: readonly (string | undefined)[], patterns: readonly string[]): string | undefined {
  return patterns.find((p) => names.some((n) => n !== undefined && (n === p || matcher(p)(n))));
}
