/**
 * S3_ACCESS_POINT_PUBLIC: a bucket private by its own policy can still be public through an access
 * point. A request through one passes when the access point's policy and the bucket's policy both
 * allow it, so an access point is exposed when:
 * - its own policy is public by the bucket-policy rules (policy.ts, holder `access-point`);
 * - its network origin is `Internet` (a VPC access point is never public [S3BPA]);
 * - RestrictPublicBuckets is off at access-point, bucket and account level (S3 applies the most
 *   restrictive combination of the three);
 * - and the bucket lets the request in: its policy is public itself, or it delegates to the
 *   access point (delegation.ts). Without that the grant is latent: a bucket policy away.
 */
import { levelFlag } from './bpa';
import { accessPointPolicyCommand, putBucketBpaCommand } from '../remediation/fix-commands';
import { parsePolicy, statementLabel } from './policy-document';
import { evaluatePolicy, type PolicyVerdict, type PublicStatement } from './policy';
import { delegatesTo, foreignDelegations, type Delegation } from './delegation';
import { consultOracle, suspectStatements } from './oracle';
import { maxSeverity } from '../model/severity';
import type { AccessPointSnapshot, BucketSnapshot, BpaFlag, FindingOf, PublicAccessBlockFlags, Severity } from '../model/types';
import type { AccessPointExposure, PublicStatementEvidence } from './evidence';

export type AccessPointKind = 'access point' | 'multi-region access point';

export interface AccessPointCheck {
  finding?: FindingOf<'S3_ACCESS_POINT_PUBLIC'>;
  /** Fields the check could not fully judge, with why. */
  unknown: { field: 'accessPoints' | 'multiRegionAccessPoints'; reason: string }[];
  /**
   * Fields a snapshot file left out without a reason (they came after the DESIGN snapshot
   * contract): not judged, and said so. The guard's reader always fills them or says why not.
   */
  notChecked: ('accessPoints' | 'multiRegionAccessPoints')[];
}

interface BucketSide {
  snapshot: BucketSnapshot;
  /** A snapshot file (the CLI): a field it leaves out is not checked, rather than unknown. */
  fromFile: boolean;
  /** The bucket policy's verdict; undefined when it was not read or not parsed. */
  policy: PolicyVerdict | undefined;
  delegations: Delegation[];
  describe: (s: PublicStatement) => PublicStatementEvidence;
}

/** RestrictPublicBuckets across the three levels: on at any is on; unknown where an unread level could be the one. */
function restrictOf(ap: AccessPointSnapshot, bucket: BucketSnapshot): { on: boolean | undefined; by?: string } {
  const levels: [string, PublicAccessBlockFlags | null | undefined][] = [
    ['access point', ap.publicAccessBlock], ['bucket', bucket.publicAccessBlock], ['account', bucket.accountPublicAccessBlock],
  ];
  const flag: BpaFlag = 'RestrictPublicBuckets';
  const on = levels.find(([, config]) => levelFlag(config, flag) === true);
  if (on) return { on: true, by: on[0] };
  return { on: levels.every(([, config]) => levelFlag(config, flag) === false) ? false : undefined };
}

/**
 * How the bucket's own policy treats a request through this access point, and whether it could let
 * a write through (the access point passes on at most what the bucket allows).
 */
function bucketLetsIn(ap: AccessPointSnapshot, side: BucketSide): { lets: boolean; writes: boolean; how: string } {
  if (side.snapshot.policy === null) {
    return { lets: false, writes: false, how: 'the bucket has no policy, so S3 refuses such requests at the bucket' };
  }
  if (side.snapshot.policy === undefined || !side.policy) {
    return { lets: true, writes: true, how: 'the bucket policy could not be read or parsed: taken as letting access points in (the safer reading)' };
  }
  const open = side.policy.publicStatements;
  if (open.length > 0) {
    return { lets: true, writes: open.some((st) => st.granted.writes.length > 0), how: `the bucket policy is public itself (${open.map(statementLabel).join(', ')})` };
  }
  const delegations = side.delegations.filter((d) => delegatesTo(d, ap.arn));
  if (delegations.length > 0) {
    return { lets: true, writes: delegations.some((d) => d.writes), how: `the bucket policy delegates access control to it (${delegations.map(statementLabel).join(', ')})` };
  }
  return { lets: false, writes: false, how: 'the bucket policy neither delegates to access points nor is public, so S3 refuses such requests at the bucket' };
}

function judge(ap: AccessPointSnapshot, kind: AccessPointKind, side: BucketSide): { exposure?: AccessPointExposure; unknown?: string } {
  const label = `${kind} ${JSON.stringify(ap.name)}`;
  if (kind === 'access point' && ap.networkOrigin === 'VPC') return {};
  const judged = judgePolicy(ap, kind, side, label);
  // Its own Block Public Access unread: a public grant is reported at full severity meanwhile, and the gap is said.
  if (ap.publicAccessBlock === undefined && judged.exposure) {
    return { ...judged, unknown: `${label}: publicAccessBlock: ${ap.unreadable?.publicAccessBlock ?? 'not read'}` };
  }
  return judged;
}

function judgePolicy(ap: AccessPointSnapshot, kind: AccessPointKind, side: BucketSide, label: string): { exposure?: AccessPointExposure; unknown?: string } {
  if (ap.policy === undefined) return { unknown: `${label}: policy: ${ap.unreadable?.policy ?? 'not read'}` };
  if (ap.policy === null && ap.proposedPolicy === undefined) return {};
  const held = [
    ...(ap.policy !== null ? [{ policy: ap.policy, pending: false }] : []),
    ...(ap.proposedPolicy !== undefined && ap.proposedPolicy !== null ? [{ policy: ap.proposedPolicy, pending: true }] : []),
  ];
  const verdicts = held.map((h) => ({ ...h, verdict: evaluatePolicy(parsePolicy(h.policy), 'access-point') }));
  const broken = verdicts.find((v) => !v.verdict.parsed);
  if (broken) return { unknown: `${label}: ${broken.pending ? 'proposed policy' : 'policy'}: ${broken.verdict.error ?? 'could not be parsed'}` };
  const established = verdicts.find((v) => !v.pending)?.verdict;
  const statements = verdicts.flatMap((v) => v.verdict.publicStatements.map((s) => ({ s, pending: v.pending })));
  // AWS's status speaks of the established policy only.
  const oracle = consultOracle(established?.publicStatements ?? [], ap.policyStatus,
    kind === 'access point' ? 'GetAccessPointPolicyStatus' : 'GetMultiRegionAccessPointPolicyStatus', ap.unreadable?.policyStatus);
  const awsOnly = statements.length === 0 && oracle.awsSays === 'public';
  if (statements.length === 0 && !awsOnly) return {};

  const restrict = restrictOf(ap, side.snapshot);
  const door = bucketLetsIn(ap, side);
  const suspects = awsOnly ? suspectStatements(established?.restrictedStatements ?? []) : undefined;
  const granted = suspects ? suspects.writes : statements.some(({ s }) => s.granted.writes.length > 0);
  // Through a bucket that lets in only reads, a write the access point grants is refused at the bucket.
  const writes = granted && (door.writes || !door.lets);
  const baseSeverity: Severity = writes ? 'CRITICAL' : 'HIGH';
  const latent = restrict.on === true || !door.lets;
  const effectiveSeverity: Severity = latent || oracle.lowered ? 'LOW' : baseSeverity;
  const neutralisedBy = restrict.on === true
    ? `RestrictPublicBuckets (${restrict.by} level)`
    : !door.lets ? 'the bucket policy: it does not let requests through access points in' : undefined;
  const account = side.snapshot.account;
  const region = kind === 'access point' ? side.snapshot.region : undefined;
  const named = suspects?.labels ?? statements.map(({ s }) => statementLabel(s));
  const labels = named.length > 0 ? named : ['the statements AWS counts as public'];
  return {
    exposure: {
      accessPoint: ap.arn,
      name: ap.name,
      kind,
      ...(ap.networkOrigin ? { networkOrigin: ap.networkOrigin } : {}),
      ...(ap.status ? { status: ap.status } : {}),
      publicStatements: statements.map(({ s, pending }) => ({ ...side.describe(s), ...(pending ? { pending: 'proposed policy, still being applied' } : {}) })),
      ...(suspects ? { statementsAwsMayCount: suspects.labels } : {}),
      bucketLetsIn: door.how,
      blockPublicAccess: { accessPoint: ap.publicAccessBlock, bucket: side.snapshot.publicAccessBlock, account: side.snapshot.accountPublicAccessBlock },
      effectiveSeverity,
      severityIfNeutraliserRemoved: baseSeverity,
      ...(neutralisedBy ? { neutralisedBy } : {}),
      ...(restrict.on === undefined ? { note: 'RestrictPublicBuckets could not be read at every level: reported at full severity' } : {}),
      determined: statements.every(({ s }) => s.determined),
      oracle: oracle.oracle,
      ...(oracle.awsSays ? { awsSays: oracle.awsSays } : {}),
      ...(oracle.oracleNote ? { oracleNote: oracle.oracleNote } : {}),
      latent,
      ...(oracle.lowered ? { lowered: true } : {}),
      fix: accessPointPolicyCommand(kind, ap.name, account, region, labels),
    },
  };
}

/** The bucket's access points and Multi-Region Access Points, judged together into one finding. */
export function checkAccessPoints(side: BucketSide): AccessPointCheck {
  const { snapshot } = side;
  const unknown: AccessPointCheck['unknown'] = [];
  const notChecked: AccessPointCheck['notChecked'] = [];
  const exposures: AccessPointExposure[] = [];
  const groups = [
    { field: 'accessPoints', kind: 'access point', list: snapshot.accessPoints },
    { field: 'multiRegionAccessPoints', kind: 'multi-region access point', list: snapshot.multiRegionAccessPoints },
  ] as const;
  for (const { field, kind, list } of groups) {
    if (list === undefined) {
      const reason = snapshot.unreadable?.[field];
      if (side.fromFile && !reason) notChecked.push(field);
      else unknown.push({ field, reason: reason ?? 'not read' });
      continue;
    }
    const unread: string[] = [];
    for (const ap of list) {
      const judged = judge(ap, kind, side);
      if (judged.exposure) exposures.push(judged.exposure);
      if (judged.unknown) unread.push(judged.unknown);
    }
    if (unread.length > 0) unknown.push({ field, reason: unread.join('; ') });
  }
  // Access points of another account cannot be listed here: a delegation to them is unknown,
  // unless RestrictPublicBuckets (bucket or account) blocks every cross-account request anyway.
  const crossAccountBlocked = levelFlag(snapshot.publicAccessBlock, 'RestrictPublicBuckets') === true
    || levelFlag(snapshot.accountPublicAccessBlock, 'RestrictPublicBuckets') === true;
  if (!crossAccountBlocked) {
    for (const { delegation, accounts } of foreignDelegations(side.delegations, snapshot.account)) {
      unknown.push({ field: 'accessPoints', reason: `the bucket policy delegates to access points of account ${accounts.join(', ')} (${statementLabel(delegation)}), which this account cannot list` });
    }
  }
  if (exposures.length === 0) return { unknown, notChecked };

  const live = exposures.filter((e) => !e.latent);
  const severity = maxSeverity(exposures.map((e) => e.effectiveSeverity)) ?? 'LOW';
  const latent = live.length === 0;
  const lead = live[0] ?? exposures[0]!;
  const writable = live.some((e) => e.effectiveSeverity === 'CRITICAL');
  const more = exposures.length > 1 ? ` (+${exposures.length - 1} more)` : '';
  const lowered = live.length > 0 && live.every((e) => e.lowered);
  const title = latent
    ? `S3 bucket ${snapshot.name} has a public ${lead.kind} policy (${lead.name}${more}), neutralised by ${lead.neutralisedBy ?? 'a setting'}`
    : lowered
      ? `S3 bucket ${snapshot.name} has ${lead.kind} ${lead.name}${more} with a policy AWS's documentation leaves open; AWS's own status says not public`
      : `S3 bucket ${snapshot.name} is ${writable ? 'publicly writable' : 'publicly readable'} through ${lead.kind} ${lead.name}${more}`;
  const kinds = new Set(exposures.map((e) => e.kind));
  return {
    unknown,
    notChecked,
    finding: {
      checkId: 'S3_ACCESS_POINT_PUBLIC',
      severity,
      title,
      evidence: { accessPoints: exposures },
      controls: [...(kinds.has('access point') ? ['S3.19'] : []), ...(kinds.has('multi-region access point') ? ['S3.24'] : [])],
      // An access point's Block Public Access cannot change after creation: its policy is the fix;
      // the bucket's own RestrictPublicBuckets also shuts every access point of it.
      fix: [...new Set((live.length > 0 ? live : exposures).map((e) => e.fix))].join('\n')
        + `\n# or shut every access point of the bucket at once (bucket-level RestrictPublicBuckets):\n${putBucketBpaCommand(snapshot.name)}`,
      latent,
    },
  };
}
