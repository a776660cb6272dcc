/**
 * Evaluates a BucketSnapshot against the S3 checks (README, "What it checks"). Severity is effective
 * severity: an exposure that Block Public Access or Object Ownership neutralises today is kept
 * as a latent LOW finding with the reason, because the next settings change makes it live.
 */
import { effectiveFlag, flagsOff, levelFlag } from './bpa';
import {
  editBucketPolicyCommand, loggingCommand, ownershipEnforcedCommand, privateAclCommand, putAccountBpaCommand,
  putBucketBpaCommand, tlsCommand,
} from '../remediation/fix-commands';
import { buildResult } from '../model/result';
import { parsePolicy, statementLabel } from './policy-document';
import { publicGrants } from './acl';
import { enforcesTls, evaluatePolicy, type PolicyVerdict, type PublicStatement } from './policy';
import { checkAccessPoints } from './access-points';
import { delegationsOf } from './delegation';
import { consultOracle, suspectStatements } from './oracle';
import { DEFAULT_SETTINGS, type GuardSettings } from '../model/settings';
import type { AccountSnapshot, BucketSnapshot, EvaluationResult, Finding, PublicAccessBlockFlags, Severity } from '../model/types';
import { incompleteFinding, type UnreadField } from '../model/unread';
import type { PublicStatementEvidence } from './evidence';
import { CHECKS, type CheckId } from '../checks';

interface Context {
  snapshot: BucketSnapshot;
  /** The policy parsed once for every check that reads it. */
  policy: ReturnType<typeof parsePolicy> | null | undefined;
  /** The policy's verdict, once, for the checks that judge it (undefined: not read or not parsed). */
  verdict: PolicyVerdict | undefined;
  findings: Finding[];
  unknown: string[];
  unknownReasons: Record<string, string>;
  notChecked: Record<string, string>;
  fromFile: boolean;
}

function markUnknown(ctx: Context, field: string, reason?: string): void {
  if (!ctx.unknown.includes(field)) ctx.unknown.push(field);
  const r = reason ?? ctx.snapshot.unreadable?.[field];
  if (r) ctx.unknownReasons[field] = r;
}

/**
 * Whether every field the check reads (the catalog's `reads`) was read; the ones that were not are
 * marked unknown, so no check depends on another having run first.
 */
function hasReads(ctx: Context, checkId: CheckId): boolean {
  const missing = CHECKS[checkId].reads.filter((field) => ctx.snapshot[field as keyof BucketSnapshot] === undefined);
  for (const field of missing) markUnknown(ctx, field);
  return missing.length === 0;
}

function describeStatement(s: PublicStatement): PublicStatementEvidence {
  return {
    statement: s.statement,
    sid: s.sid,
    index: s.index,
    grantee: s.grantee,
    actions: s.granted.actions,
    writeActions: s.granted.writes,
    permissionChanges: s.granted.permissionChanges,
    determined: s.determined,
    ...(s.undeterminedBy.length ? { undeterminedBy: s.undeterminedBy, reading: 'safer reading taken: reported as public' } : {}),
    ...(s.ignoredConditions.length ? { conditionsThatDoNotRestrict: s.ignoredConditions } : {}),
  };
}

function checkPolicy(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_POLICY_PUBLIC') || snapshot.policy === null) return;
  const verdict = ctx.verdict;
  if (!verdict) return markUnknown(ctx, 'policy', ctx.policy && !ctx.policy.ok ? ctx.policy.error : undefined);
  const oracle = consultOracle(verdict.publicStatements, snapshot.policyStatus, 'GetBucketPolicyStatus', snapshot.unreadable?.policyStatus);
  // AWS decides whether S3 lets the public in: its "public" is reported even where our reading found nothing.
  const awsOnly = verdict.publicStatements.length === 0 && oracle.awsSays === 'public';
  if (verdict.publicStatements.length === 0 && !awsOnly) return;

  const statements = verdict.publicStatements;
  const suspects = awsOnly ? suspectStatements(verdict.restrictedStatements) : undefined;
  const writes = suspects ? suspects.writes : statements.some((s) => s.granted.writes.length > 0);
  const reads = suspects ? !suspects.writes : statements.some((s) => s.granted.reads.length > 0);
  const restrict = effectiveFlag(snapshot.publicAccessBlock, snapshot.accountPublicAccessBlock, 'RestrictPublicBuckets');
  const latent = restrict.on === true;
  const name = snapshot.name;
  const baseSeverity: Severity = writes ? 'CRITICAL' : 'HIGH';
  const severity: Severity = latent || oracle.lowered ? 'LOW' : baseSeverity;
  const what = writes ? 'publicly writable' : 'publicly readable';
  const labels = suspects?.labels ?? statements.map(statementLabel);
  const title = latent
    ? `S3 bucket ${name} has a public bucket policy, neutralised by RestrictPublicBuckets`
    : oracle.lowered ? `S3 bucket ${name} has a bucket policy AWS's documentation leaves open; AWS's own status says not public`
      : awsOnly ? `S3 bucket ${name} is ${what} (bucket policy, by AWS's own policy status)`
        : `S3 bucket ${name} is ${what} (bucket policy)`;
  ctx.findings.push({
    checkId: 'S3_POLICY_PUBLIC',
    severity,
    title,
    evidence: {
      publicStatements: statements.map(describeStatement),
      ...(suspects ? { statementsAwsMayCount: suspects.labels } : {}),
      effectiveSeverity: severity,
      severityIfNeutraliserRemoved: baseSeverity,
      ...(latent ? { neutralisedBy: `RestrictPublicBuckets (${restrict.by} level)` } : {}),
      ...(restrict.on === undefined ? { note: 'RestrictPublicBuckets could not be read at bucket or account level: reported at full severity' } : {}),
      ...(snapshot.website ? { website: 'static website hosting is on: if public read is intended, exempt the bucket' } : {}),
      ...(statements.some((s) => !s.determined) ? { determined: false } : { determined: true }),
      oracle: oracle.oracle,
      ...(oracle.awsSays ? { awsSays: oracle.awsSays } : {}),
      ...(oracle.oracleNote ? { oracleNote: oracle.oracleNote } : {}),
    },
    controls: [...(reads || !writes ? ['S3.2'] : []), ...(writes ? ['S3.3'] : [])],
    fix: latent || oracle.lowered ? editBucketPolicyCommand(name, labels) : putBucketBpaCommand(name),
    latent,
  });
}

function checkAccessPointExposure(ctx: Context): void {
  const { finding, unknown, notChecked } = checkAccessPoints({
    snapshot: ctx.snapshot,
    fromFile: ctx.fromFile,
    policy: ctx.verdict,
    delegations: ctx.verdict ? delegationsOf(ctx.verdict) : [],
    describe: describeStatement,
  });
  for (const u of unknown) markUnknown(ctx, u.field, u.reason);
  for (const field of notChecked) ctx.notChecked[field] = 'the snapshot has no such field: its access points were not evaluated ([] means "none")';
  if (finding) ctx.findings.push(finding);
}

function checkAcl(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_ACL_PUBLIC') || !snapshot.acl) return;
  const grants = publicGrants(snapshot.acl);
  if (grants.length === 0) return;
  const ignore = effectiveFlag(snapshot.publicAccessBlock, snapshot.accountPublicAccessBlock, 'IgnorePublicAcls');
  const enforced = snapshot.objectOwnership === 'BucketOwnerEnforced';
  const latent = ignore.on === true || enforced;
  const writes = grants.some((g) => g.write);
  const baseSeverity: Severity = writes ? 'CRITICAL' : 'HIGH';
  const name = snapshot.name;
  const neutralisedBy = enforced
    ? 'Object Ownership BucketOwnerEnforced (ACLs disabled; they return if ACLs are re-enabled)'
    : ignore.on === true ? `IgnorePublicAcls (${ignore.by} level)` : undefined;
  const unknownNeutraliser = !latent && (ignore.on === undefined || snapshot.objectOwnership === undefined);
  ctx.findings.push({
    checkId: 'S3_ACL_PUBLIC',
    severity: latent ? 'LOW' : baseSeverity,
    title: latent
      ? `S3 bucket ${name} has a public ACL, neutralised by ${enforced ? 'BucketOwnerEnforced' : 'IgnorePublicAcls'}`
      : `S3 bucket ${name} is ${writes ? 'publicly writable' : 'publicly readable'} (ACL)`,
    evidence: {
      publicGrants: grants,
      effectiveSeverity: latent ? 'LOW' : baseSeverity,
      severityIfNeutraliserRemoved: baseSeverity,
      ...(neutralisedBy ? { neutralisedBy } : {}),
      ...(unknownNeutraliser ? { note: 'IgnorePublicAcls or Object Ownership could not be read: reported at full severity' } : {}),
    },
    controls: writes ? ['S3.2', 'S3.3'] : ['S3.2'],
    fix: latent ? privateAclCommand(name) : putBucketBpaCommand(name),
    latent,
  });
}

function checkBucketBpa(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_BUCKET_BPA_OFF')) return;
  const off = flagsOff(snapshot.publicAccessBlock ?? null);
  if (off.length === 0) return;
  // The account level fills the gap when it has every flag the bucket lacks: still a gap in
  // depth (S3.8), but nothing is exposed by it today.
  const account = snapshot.accountPublicAccessBlock;
  const coveredByAccount = account !== undefined && off.every((f) => levelFlag(account, f) === true);
  ctx.findings.push({
    checkId: 'S3_BUCKET_BPA_OFF',
    severity: coveredByAccount ? 'LOW' : 'MEDIUM',
    title: `S3 bucket ${snapshot.name} has Block Public Access off (${off.join(', ')})`,
    evidence: {
      flagsOff: off,
      bucketPublicAccessBlock: snapshot.publicAccessBlock,
      ...(coveredByAccount ? { neutralisedBy: 'the account-level Block Public Access has these flags on' } : {}),
    },
    controls: ['S3.8'],
    fix: putBucketBpaCommand(snapshot.name),
    latent: coveredByAccount,
  });
}

export function accountBpaFinding(
  flags: PublicAccessBlockFlags | null,
  account: string | undefined,
): Finding | undefined {
  const off = flagsOff(flags);
  if (off.length === 0) return undefined;
  return {
    checkId: 'S3_ACCOUNT_BPA_OFF',
    severity: 'MEDIUM',
    title: `Account ${account ?? '(unknown)'} has S3 Block Public Access off (${off.join(', ')})`,
    evidence: { flagsOff: off, accountPublicAccessBlock: flags },
    controls: ['S3.1'],
    fix: putAccountBpaCommand(account),
    latent: false,
  };
}

function checkAccountBpa(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_ACCOUNT_BPA_OFF')) return;
  const finding = accountBpaFinding(snapshot.accountPublicAccessBlock ?? null, snapshot.account);
  if (finding) ctx.findings.push(finding);
}

function checkTls(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_TLS_NOT_ENFORCED')) return;
  // A policy that could not be parsed cannot say whether it enforces TLS: unknown, with the parse error.
  if (ctx.policy && !ctx.policy.ok) return markUnknown(ctx, 'policy', ctx.policy.error);
  if (snapshot.policy !== null && enforcesTls(ctx.policy, snapshot.name)) return;
  ctx.findings.push({
    checkId: 'S3_TLS_NOT_ENFORCED',
    severity: 'LOW',
    title: `S3 bucket ${snapshot.name} does not deny requests without TLS`,
    evidence: { reason: snapshot.policy === null ? 'no bucket policy' : 'no Deny statement on aws:SecureTransport = false for all S3 actions' },
    controls: ['S3.5'],
    fix: tlsCommand(snapshot.name, snapshot.policy !== null),
    latent: false,
  });
}

function checkOwnership(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_ACLS_ENABLED') || snapshot.objectOwnership === 'BucketOwnerEnforced') return;
  ctx.findings.push({
    checkId: 'S3_ACLS_ENABLED',
    severity: 'LOW',
    title: `S3 bucket ${snapshot.name} has ACLs enabled (Object Ownership ${snapshot.objectOwnership ?? 'not set'})`,
    evidence: { objectOwnership: snapshot.objectOwnership },
    controls: ['S3.12'],
    fix: ownershipEnforcedCommand(snapshot.name),
    latent: false,
  });
}

function checkLogging(ctx: Context): void {
  const { snapshot } = ctx;
  if (!hasReads(ctx, 'S3_LOGGING_OFF') || snapshot.logging) return;
  ctx.findings.push({
    checkId: 'S3_LOGGING_OFF',
    severity: 'LOW',
    title: `S3 bucket ${snapshot.name} has server access logging off`,
    evidence: { logging: false },
    controls: ['S3.9'],
    fix: loggingCommand(snapshot.name),
    latent: false,
  });
}

/** What each unread field of a bucket could hide, given what was read. */
function unreadBucketFields(ctx: Context, settings: Pick<GuardSettings, 'incompleteSeverity'>): UnreadField[] {
  if (ctx.unknown.length === 0) return [];
  const { snapshot } = ctx;
  const name = snapshot.name;
  const restrict = effectiveFlag(snapshot.publicAccessBlock, snapshot.accountPublicAccessBlock, 'RestrictPublicBuckets');
  const ignore = effectiveFlag(snapshot.publicAccessBlock, snapshot.accountPublicAccessBlock, 'IgnorePublicAcls');
  const aclsOff = snapshot.objectOwnership === 'BucketOwnerEnforced';
  const unbounded = settings.incompleteSeverity;
  const one = (field: string): UnreadField => {
    const reason = ctx.unknownReasons[field];
    const base = { field, ...(reason ? { reason } : {}) };
    switch (field) {
      case 'policy':
        return restrict.on === true
          ? { ...base, couldHide: 'LOW', decides: `whether the bucket policy is public; RestrictPublicBuckets (${restrict.by} level) would keep it latent`, readCommand: `aws s3api get-bucket-policy --bucket ${name}` }
          : { ...base, couldHide: unbounded, decides: 'whether the bucket policy lets anyone read or write the bucket', readCommand: `aws s3api get-bucket-policy --bucket ${name}` };
      case 'acl':
        return ignore.on === true || aclsOff
          ? { ...base, couldHide: 'LOW', decides: `whether the ACL is public; ${aclsOff ? 'BucketOwnerEnforced' : 'IgnorePublicAcls'} would keep it latent`, readCommand: `aws s3api get-bucket-acl --bucket ${name}` }
          : { ...base, couldHide: unbounded, decides: 'whether the ACL grants anything to AllUsers or AuthenticatedUsers', readCommand: `aws s3api get-bucket-acl --bucket ${name}` };
      case 'publicAccessBlock':
        return { ...base, couldHide: 'MEDIUM', decides: 'whether bucket-level Block Public Access is on (S3.8), and whether public grants are neutralised (they are reported at full severity meanwhile)', readCommand: `aws s3api get-public-access-block --bucket ${name}` };
      case 'accountPublicAccessBlock':
        // Unknown neutralisers already leave the bucket's findings at full severity; the account
        // setting itself is the account resource's finding.
        return { ...base, couldHide: 'LOW', decides: 'whether the account-level Block Public Access neutralises public grants (reported at full severity meanwhile); the account setting is checked on the account resource', readCommand: `aws s3control get-public-access-block --account-id ${snapshot.account ?? '<account-id>'}` };
      case 'objectOwnership':
        return { ...base, couldHide: 'LOW', decides: 'whether ACLs are disabled (S3.12)', readCommand: `aws s3api get-bucket-ownership-controls --bucket ${name}` };
      case 'logging':
        return { ...base, couldHide: 'LOW', decides: 'whether server access logging is on (S3.9)', readCommand: `aws s3api get-bucket-logging --bucket ${name}` };
      case 'accessPoints':
      case 'multiRegionAccessPoints': {
        const multi = field === 'multiRegionAccessPoints';
        const account = snapshot.account ?? '<account-id>';
        const readCommand = multi
          ? `aws s3control list-multi-region-access-points --account-id ${account} --region us-west-2`
          : `aws s3control list-access-points --account-id ${account} --bucket ${name}${snapshot.region ? ` --region ${snapshot.region}` : ''}`;
        const what = multi ? 'a Multi-Region Access Point' : 'an access point';
        return restrict.on === true
          ? { ...base, couldHide: 'LOW', decides: `whether ${what} of the bucket has a public policy; RestrictPublicBuckets (${restrict.by} level) would keep it latent`, readCommand }
          : { ...base, couldHide: unbounded, decides: `whether ${what} of the bucket lets anyone read or write it`, readCommand };
      }
      default:
        return { ...base, couldHide: 'LOW', decides: `${field} of the bucket` };
    }
  };
  return ctx.unknown.map(one);
}

/**
 * Whether the bucket's policy or ACL grants anything publicly (neutralised or not), or could:
 * then the context reads (website hosting, tags) are worth their calls. Unread or unparseable
 * counts as "could".
 */
export function mayGrantPublicly(snapshot: BucketSnapshot): boolean {
  if (snapshot.policy === undefined || snapshot.acl === undefined) return true;
  if (snapshot.policy !== null) {
    const verdict = evaluatePolicy(parsePolicy(snapshot.policy));
    if (!verdict.parsed || verdict.publicStatements.length > 0) return true;
  }
  if (snapshot.acl !== null && publicGrants(snapshot.acl).length > 0) return true;
  for (const list of [snapshot.accessPoints, snapshot.multiRegionAccessPoints]) {
    if (list === undefined) return true;
    for (const ap of list) {
      if (ap.policy === undefined || ap.policyStatus === true) return true;
      if (ap.policy === null || ap.networkOrigin === 'VPC') continue;
      const verdict = evaluatePolicy(parsePolicy(ap.policy), 'access-point');
      if (!verdict.parsed || verdict.publicStatements.length > 0) return true;
    }
  }
  return false;
}

/** AWS's own status reads that failed: they decide nothing alone, but a person must be able to see that they are missing. */
function secondOpinionsUnread(snapshot: BucketSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  if (snapshot.unreadable?.policyStatus) out.bucket = snapshot.unreadable.policyStatus;
  for (const ap of [...(snapshot.accessPoints ?? []), ...(snapshot.multiRegionAccessPoints ?? [])]) {
    if (ap.unreadable?.policyStatus) out[ap.arn] = ap.unreadable.policyStatus;
  }
  return out;
}

/**
 * `fromFile`: the snapshot is a file a person wrote to the DESIGN contract (the CLI's `evaluate`):
 * the access point fields, which came after it, are then not checked when left out (and the result
 * says so), rather than unknown.
 */
export function evaluateBucket(
  snapshot: BucketSnapshot, settings: Pick<GuardSettings, 'incompleteSeverity'> = DEFAULT_SETTINGS, options: { fromFile?: boolean } = {},
): EvaluationResult {
  const policy = snapshot.policy === undefined || snapshot.policy === null ? snapshot.policy : parsePolicy(snapshot.policy);
  const parsed = policy && policy.ok ? evaluatePolicy(policy) : undefined;
  const verdict = parsed?.parsed ? parsed : undefined;
  const ctx: Context = { snapshot, policy, verdict, findings: [], unknown: [], unknownReasons: {}, notChecked: {}, fromFile: options.fromFile === true };
  checkPolicy(ctx);
  checkAccessPointExposure(ctx);
  checkAcl(ctx);
  checkBucketBpa(ctx);
  checkAccountBpa(ctx);
  checkTls(ctx);
  checkOwnership(ctx);
  checkLogging(ctx);
  const resource = { type: 's3-bucket' as const, id: snapshot.name, account: snapshot.account, region: snapshot.region };
  const incomplete = incompleteFinding(resource, `S3 bucket ${snapshot.name}`, unreadBucketFields(ctx, settings));
  if (incomplete) ctx.findings.push(incomplete);
  const result = buildResult(resource, ctx.findings, ctx.unknown, ctx.unknownReasons);
  if (Object.keys(ctx.notChecked).length > 0) result.notChecked = ctx.notChecked;
  const oracleUnread = secondOpinionsUnread(snapshot);
  if (Object.keys(oracleUnread).length > 0) result.oracleUnread = oracleUnread;
  result.serverAccessLogs = serverAccessLogsOf(snapshot);
  return result;
}

function serverAccessLogsOf(snapshot: BucketSnapshot): NonNullable<EvaluationResult['serverAccessLogs']> {
  const { logging } = snapshot;
  if (logging === undefined) return { state: 'unknown', ...(snapshot.unreadable?.logging ? { reason: snapshot.unreadable.logging } : {}) };
  if (!logging) return { state: 'off' };
  if (logging === true) return { state: 'on' };
  return { state: 'on', location: `s3://${logging.targetBucket}/${logging.targetPrefix ?? ''}` };
}

/** The account-level target (PutAccountPublicAccessBlock / DeleteAccountPublicAccessBlock). */
export function evaluateAccount(snapshot: AccountSnapshot): EvaluationResult {
  const findings: Finding[] = [];
  const unknown: string[] = [];
  const reasons: Record<string, string> = {};
  if (snapshot.accountPublicAccessBlock === undefined) {
    unknown.push('accountPublicAccessBlock');
    const r = snapshot.unreadable?.accountPublicAccessBlock;
    if (r) reasons.accountPublicAccessBlock = r;
    const f = incompleteFinding({ type: 's3-account', id: snapshot.account }, `Account ${snapshot.account} (S3 account settings)`, [{
      field: 'accountPublicAccessBlock', ...(r ? { reason: r } : {}), couldHide: 'MEDIUM',
      decides: 'whether account-level Block Public Access is on (S3.1), which protects every bucket of the account',
      readCommand: `aws s3control get-public-access-block --account-id ${snapshot.account}`,
    }]);
    if (f) findings.push(f);
  } else {
    const f = accountBpaFinding(snapshot.accountPublicAccessBlock, snapshot.account);
    if (f) findings.push(f);
  }
  return buildResult({ type: 's3-account', id: snapshot.account, account: snapshot.account, region: snapshot.region }, findings, unknown, reasons);
}
