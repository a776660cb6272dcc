/**
 * Normalises an IAM-style resource policy: every element that IAM allows as "a string or an
 * array" becomes an array, so the rules downstream never branch on shape.
 */
import { errorMessage } from '../model/errors';
import { quoted } from '../model/untrusted';

export interface PolicyStatement {
  /** Position in the Statement list, for evidence when there is no Sid. */
  index: number;
  sid?: string;
  effect: string;
  principal?: unknown;
  notPrincipal?: unknown;
  action: string[];
  /** Present only when the statement uses NotAction. */
  notAction?: string[];
  resource: string[];
  notResource?: string[];
  /** Operator → key → values, values always an array of strings. */
  condition: Record<string, Record<string, string[]>>;
  /** The statement exactly as written, for evidence. */
  raw: Record<string, unknown>;
}

/** Marks a parsePolicy result, so a parsed policy is never mistaken for a policy document. */
export const PARSED = Symbol('parsed policy');

export type ParsedPolicy = ({ ok: true; statements: PolicyStatement[] } | { ok: false; error: string }) & { [PARSED]: true };

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return asArray(value).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function conditionBlock(value: unknown): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) continue;
    const keys: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      keys[key] = asArray(values).map((v) => (typeof v === 'string' ? v : String(v)));
    }
    out[operator] = keys;
  }
  return out;
}

/** Accepts the parsed document or its JSON text (GetBucketPolicy returns text). */
export function parsePolicy(policy: unknown): ParsedPolicy {
  let doc = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch (error) {
      return { ok: false, error: `policy is not valid JSON (${errorMessage(error)})`, [PARSED]: true };
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, error: 'policy is not a JSON object', [PARSED]: true };
  }
  const rawStatements = asArray((doc as Record<string, unknown>).Statement);
  const statements: PolicyStatement[] = [];
  rawStatements.forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    const s = raw as Record<string, unknown>;
    statements.push({
      index,
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: typeof s.Effect === 'string' ? s.Effect : '',
      principal: s.Principal,
      notPrincipal: s.NotPrincipal,
      action: strings(s.Action),
      notAction: s.NotAction === undefined ? undefined : strings(s.NotAction),
      resource: strings(s.Resource),
      notResource: s.NotResource === undefined ? undefined : strings(s.NotResource),
      condition: conditionBlock(s.Condition),
      raw: s,
    });
  });
  return { ok: true, statements, [PARSED]: true };
}

const REGEXPS = new Map<string, RegExp>();

/** IAM wildcard match (`*` any run, `?` one character), case-insensitive as IAM matches actions. Compiled once per pattern. */
export function wildcardToRegExp(pattern: string, caseInsensitive = true): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = REGEXPS.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
    if (REGEXPS.size > 5_000) REGEXPS.clear();
    REGEXPS.set(key, re);
  }
  return re;
}

/** `Sid "Public"` or `statement #2`; a Sid is text the policy's author chose, so it is quoted and cleaned. */
export function statementLabel(s: Pick<PolicyStatement, 'sid' | 'index'>): string {
  return s.sid ? `Sid ${quoted(s.sid)}` : `statement #${s.index + 1}`;
}
