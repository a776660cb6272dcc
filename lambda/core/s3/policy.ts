/**
 * Whether a bucket policy is public, by AWS's own definition (S3 User Guide, "Blocking public
 * access", section "The meaning of public"): S3 assumes a policy is public unless every Allow
 * statement grants only to fixed values of a short list of principals and condition keys.
 * A fixed value contains no wildcard and no IAM policy variable.
 */
import { coversAllS3Actions, grantedActions, type GrantedActions } from './actions';
import { asArray, PARSED, parsePolicy, wildcardToRegExp, type ParsedPolicy, type PolicyStatement } from './policy-document';
import { isBroad, isIpv6UniqueLocal, isRfc1918, parseCidr } from '../model/cidr';

type KeyKind = 'string' | 'ip' | 'userid' | 'access-point-arn';

/** The condition keys whose fixed values make a "*" statement non-public (lower-case: keys are case-insensitive). */
const RESTRICTING_KEYS: Record<string, KeyKind> = {
  'aws:principalorgid': 'string',
  'aws:sourceip': 'ip',
  'aws:sourcearn': 'string',
  'aws:sourcevpc': 'string',
  'aws:sourcevpce': 'string',
  'aws:sourceowner': 'string',
  'aws:sourceaccount': 'string',
  's3:x-amz-server-side-encryption-aws-kms-key-id': 'string',
  'aws:userid': 'userid',
  's3:dataaccesspointarn': 'access-point-arn',
  's3:dataaccesspointaccount': 'string',
};

/** Keys AWS's text does not decide either way: the statement is reported public, marked undetermined. */
const UNDETERMINED_KEYS = new Set([
  'aws:principalaccount', 'aws:principalarn', 'aws:sourceorgid', 'aws:principalorgpaths', 'aws:sourceorgpaths',
]);

/** Positive operators that can pin a string or ARN key to fixed values. Operator names are matched as IAM spells them. */
const STRING_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike']);
const KNOWN_OPERATORS = new Set([
  ...STRING_OPERATORS, 'StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike',
  'IpAddress', 'NotIpAddress', 'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals',
  'NumericGreaterThan', 'NumericGreaterThanEquals', 'DateEquals', 'DateNotEquals', 'DateLessThan',
  'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals', 'Bool', 'BinaryEquals', 'Null',
]);

export interface ConditionRestriction {
  operator: string;
  key: string;
  values: string[];
}

export interface PublicStatement {
  sid?: string;
  index: number;
  /** Who the statement opens the bucket to, in words. */
  grantee: string;
  /** False when AWS's text does not decide the case and the safer reading (public) was taken. */
  determined: boolean;
  undeterminedBy: string[];
  /** Conditions present that do not restrict, and why. */
  ignoredConditions: string[];
  granted: GrantedActions;
  statement: Record<string, unknown>;
}

export interface RestrictedStatement {
  sid?: string;
  index: number;
  /** The first condition that pins it (conditions are ANDed: one is enough). */
  restrictedBy: ConditionRestriction;
  /** Every condition that pins it: a delegation to access points is one pinned by nothing else. */
  restrictions: ConditionRestriction[];
  granted: GrantedActions;
}

export interface PolicyVerdict {
  /** False when the policy could not be parsed; `error` says why. */
  parsed: boolean;
  error?: string;
  publicStatements: PublicStatement[];
  /** Allow statements with a public principal that a fixed condition made non-public. */
  restrictedStatements: RestrictedStatement[];
}

/**
 * Whose policy it is. An access point's own policy is judged by the bucket rules but for the keys
 * that name access points: every request through the access point carries its own ARN and account,
 * so those keys pin nothing there.
 */
export type PolicyHolder = 'bucket' | 'access-point';

const hasVariable = (v: string) => v.includes('${');
const hasWildcard = (v: string) => v.includes('*') || v.includes('?');
const isFixed = (v: string) => v.length > 0 && !hasVariable(v) && !hasWildcard(v);

interface PrincipalVerdict {
  isPublic: boolean;
  grantee: string;
  undetermined?: string;
}

function principalValueIsPublic(type: string, value: string): boolean {
  if (value === '*' || hasVariable(value) || hasWildcard(value)) return true;
  // Federated principals are not on AWS's list of fixed values: a web identity provider
  // (graph.facebook.com, accounts.google.com) is AWS's own public example, and an IAM SAML/OIDC
  // provider ARN may front a public identity provider (token.actions.githubusercontent.com).
  return type === 'Federated';
}

function principalVerdict(s: PolicyStatement): PrincipalVerdict {
  if (s.notPrincipal !== undefined) {
    return { isPublic: true, grantee: `everyone except the NotPrincipal ${JSON.stringify(s.notPrincipal)}` };
  }
  const p = s.principal;
  if (p === undefined || p === null) {
    return { isPublic: true, grantee: 'an unnamed principal', undetermined: 'statement has no Principal' };
  }
  if (typeof p === 'string') {
    return p === '*'
      ? { isPublic: true, grantee: 'anyone (Principal "*")' }
      : { isPublic: true, grantee: `Principal ${JSON.stringify(p)}`, undetermined: 'Principal is a string other than "*"' };
  }
  if (typeof p !== 'object' || Array.isArray(p)) {
    return { isPublic: true, grantee: `Principal ${JSON.stringify(p)}`, undetermined: 'Principal has an unknown shape' };
  }
  const open: string[] = [];
  let undetermined: string | undefined;
  for (const [type, values] of Object.entries(p as Record<string, unknown>)) {
    const list = asArray(values).map(String);
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(type)) {
      undetermined = `unknown principal type "${type}"`;
      open.push(`${type}: ${list.join(', ')}`);
      continue;
    }
    for (const v of list) {
      if (!principalValueIsPublic(type, v)) continue;
      open.push(`${type}: ${v}`);
      if (type === 'Federated' && v.startsWith('arn:') && !hasWildcard(v)) {
        undetermined = `Federated ${v}: an IAM identity provider is not on AWS's list of fixed principals, nor ruled out`;
      }
    }
  }
  if (open.length === 0) return { isPublic: false, grantee: '' };
  const everyone = open.some((o) => o === 'AWS: *' || o === 'CanonicalUser: *');
  const grantee = everyone
    ? 'anyone (Principal {"AWS":"*"})'
    : `${open.join('; ')} (not a fixed principal)`;
  return { isPublic: true, grantee, ...(undetermined ? { undetermined } : {}) };
}

interface OperatorParts {
  base: string;
  setQualifier?: string;
  ifExists: boolean;
}

function operatorParts(operator: string): OperatorParts {
  let rest = operator;
  let setQualifier: string | undefined;
  const m = /^(ForAnyValue|ForAllValues):(.*)$/.exec(rest);
  if (m) {
    setQualifier = m[1];
    rest = m[2] ?? '';
  }
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  return { base: rest, setQualifier, ifExists };
}

const isNegated = (base: string) => /Not/.test(base);

function valueIsFixed(kind: KeyKind, value: string): 'fixed' | 'not-fixed' | { undetermined: string } {
  switch (kind) {
    case 'ip': {
      const cidr = parseCidr(value);
      if (!cidr) return 'not-fixed';
      if (!isBroad(cidr) || (cidr.version === 4 && isRfc1918(cidr))) return 'fixed';
      if (cidr.version === 6 && isIpv6UniqueLocal(cidr)) {
        return { undetermined: `aws:SourceIp ${value} is an IPv6 unique-local range broader than /32 (AWS excludes only RFC1918)` };
      }
      return 'not-fixed';
    }
    case 'userid':
      // AWS allows exactly one wildcard form: a role id and any session, AROLEID:*.
      return isFixed(value) || /^AROA[A-Z0-9]+:\*$/.test(value) ? 'fixed' : 'not-fixed';
    case 'access-point-arn': {
      // In a bucket policy the access point name may be a wildcard as long as the account is fixed.
      // A Multi-Region Access Point's ARN has no region (arn:aws:s3::123456789012:accesspoint/alias.mrap).
      const m = /^arn:[a-z-]+:s3:([a-z0-9-*?]*):(\d{12}):accesspoint\/(.+)$/.exec(value);
      if (m && (m[1] === '' || isFixed(m[1] ?? ''))) return 'fixed';
      // A wildcard region with the account fixed: AWS's text settles only the name's wildcard.
      if (m && !hasVariable(m[1] ?? '')) return { undetermined: `s3:DataAccessPointArn ${value}: a wildcard region with a fixed account is not decided by AWS's text` };
      return isFixed(value) ? 'fixed' : 'not-fixed';
    }
    case 'string':
      return isFixed(value) ? 'fixed' : 'not-fixed';
  }
}

type ConditionOutcome =
  | { restricts: true; restriction: ConditionRestriction; restrictions: ConditionRestriction[] }
  | { restricts: false; undetermined: string[]; ignored: string[] };

/** In an access point's own policy: the key of its own ARN restricts nothing [S3BPA], its account is not decided. */
const ACCESS_POINT_OWN_KEYS: Record<string, 'ignored' | 'undetermined'> = {
  's3:dataaccesspointarn': 'ignored',
  's3:dataaccesspointaccount': 'undetermined',
};

function conditionOutcome(s: PolicyStatement, holder: PolicyHolder): ConditionOutcome {
  const undetermined: string[] = [];
  const ignored: string[] = [];
  const restrictions: ConditionRestriction[] = [];
  for (const [operator, block] of Object.entries(s.condition)) {
    const { base, setQualifier, ifExists } = operatorParts(operator);
    for (const [key, values] of Object.entries(block)) {
      const lower = key.toLowerCase();
      const own = holder === 'access-point' ? ACCESS_POINT_OWN_KEYS[lower] : undefined;
      const label = `${operator} ${key}`;
      if (own === 'ignored') {
        ignored.push(`${label}: in an access point's own policy this key restricts nothing (AWS: such a policy is public)`);
        continue;
      }
      const kind = own ? undefined : RESTRICTING_KEYS[lower];
      const isUndeterminedKey = own === 'undetermined' || UNDETERMINED_KEYS.has(lower);
      if (!kind && !isUndeterminedKey) {
        ignored.push(`${label}: not a key that makes a statement non-public`);
        continue;
      }
      if (!KNOWN_OPERATORS.has(base)) {
        ignored.push(`${label}: unknown operator restricts nothing`);
        continue;
      }
      if (isNegated(base)) {
        ignored.push(`${label}: a negated operator never restricts`);
        continue;
      }
      if (base === 'Null') {
        undetermined.push(`${label}: the Null operator tests presence, not a fixed value`);
        continue;
      }
      const fitsOperator = kind === 'ip' ? base === 'IpAddress' : STRING_OPERATORS.has(base);
      if (!fitsOperator) {
        ignored.push(`${label}: operator cannot pin this key to fixed values`);
        continue;
      }
      if (values.length === 0) {
        ignored.push(`${label}: no values`);
        continue;
      }
      const verdicts = values.map((v) => valueIsFixed(kind ?? 'string', v));
      const notFixed = values.filter((_, i) => verdicts[i] === 'not-fixed');
      if (notFixed.length > 0) {
        ignored.push(`${label}: ${notFixed.map((v) => JSON.stringify(v)).join(', ')} is not a fixed value`);
        continue;
      }
      const open = verdicts.filter((v): v is { undetermined: string } => typeof v === 'object');
      if (open.length > 0) {
        undetermined.push(...open.map((o) => o.undetermined));
        continue;
      }
      if (setQualifier || ifExists) {
        undetermined.push(`${label}: ${setQualifier ?? 'IfExists'} on a single-valued key is not decided by AWS's text`);
        continue;
      }
      if (isUndeterminedKey) {
        undetermined.push(own
          ? `${label}: in an access point's own policy every request carries this access point's account; AWS's text does not say whether that restricts`
          : `${label}: ${key} is not on AWS's list of restricting keys, nor ruled out`);
        continue;
      }
      restrictions.push({ operator, key, values });
    }
  }
  // Conditions are ANDed: one listed key pinned to fixed values is enough.
  const [first] = restrictions;
  if (first) return { restricts: true, restriction: first, restrictions };
  return { restricts: false, undetermined, ignored };
}

/** Accepts the document, its JSON text, or the result of parsePolicy (the evaluator parses once). */
function parsedOf(policy: unknown): ParsedPolicy {
  return isParsed(policy) ? policy : parsePolicy(policy);
}

function isParsed(value: unknown): value is ParsedPolicy {
  return typeof value === 'object' && value !== null && PARSED in value;
}

export function evaluatePolicy(policy: unknown, holder: PolicyHolder = 'bucket'): PolicyVerdict {
  const parsed = parsedOf(policy);
  if (!parsed.ok) return { parsed: false, error: parsed.error, publicStatements: [], restrictedStatements: [] };
  const publicStatements: PublicStatement[] = [];
  const restrictedStatements: PolicyVerdict['restrictedStatements'] = [];
  for (const s of parsed.statements) {
    if (s.effect !== 'Allow') continue; // Deny never grants; an unknown Effect is rejected by IAM
    const principal = principalVerdict(s);
    if (!principal.isPublic) continue;
    const condition = conditionOutcome(s, holder);
    if (condition.restricts) {
      restrictedStatements.push({
        sid: s.sid, index: s.index, restrictedBy: condition.restriction, restrictions: condition.restrictions, granted: grantedActions(s.action, s.notAction),
      });
      continue;
    }
    const undeterminedBy = [...(principal.undetermined ? [principal.undetermined] : []), ...condition.undetermined];
    publicStatements.push({
      sid: s.sid,
      index: s.index,
      grantee: principal.grantee,
      determined: undeterminedBy.length === 0,
      undeterminedBy,
      ignoredConditions: condition.ignored,
      granted: grantedActions(s.action, s.notAction),
      statement: s.raw,
    });
  }
  return { parsed: true, publicStatements, restrictedStatements };
}

function isEveryonePrincipal(p: unknown): boolean {
  if (p === '*') return true;
  if (typeof p === 'object' && p !== null && !Array.isArray(p)) {
    return asArray((p as Record<string, unknown>).AWS).includes('*');
  }
  return false;
}

/**
 * S3.5: an explicit Deny for everyone on every S3 action of the bucket's objects when
 * aws:SecureTransport is false.
 */
export function enforcesTls(policy: unknown, bucket: string): boolean {
  const parsed = parsedOf(policy);
  if (!parsed.ok) return false;
  const objectArn = `arn:aws:s3:::${bucket}/any-key`;
  const exact = new Set(['*', `arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}*`]);
  const coversObjects = (r: string) => exact.has(r) || wildcardToRegExp(r.replace(/^arn:aws[a-z-]*:/, 'arn:aws:'), false).test(objectArn);
  return parsed.statements.some((s) => {
    if (s.effect !== 'Deny' || !isEveryonePrincipal(s.principal) || s.notAction !== undefined) return false;
    if (!coversAllS3Actions(s.action)) return false;
    const onObjects = s.resource.some(coversObjects);
    if (!onObjects) return false;
    return Object.entries(s.condition).some(([operator, block]) => {
      if (operator !== 'Bool' && operator !== 'BoolIfExists') return false;
      return Object.entries(block).some(
        ([key, values]) => key.toLowerCase() === 'aws:securetransport' && values.some((v) => v.toLowerCase() === 'false'),
      );
    });
  });
}
