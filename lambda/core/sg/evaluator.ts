/**
 * Evaluates a SecurityGroupSnapshot against the security-group checks (README, "What it checks"):
 * the exposure checks (exposure-checks.ts, in their fixed order), the default-group check, and
 * what could not be read. Severity is effective severity: a world-open group that no public
 * interface uses is latent (MEDIUM), because the next attachment or public IP makes it live.
 *
 *   rules.ts        the snapshot's rules flattened to one source each
 *   openings.ts     which of them admit the internet, to which ports (memoised per candidate set)
 *   open-spans.ts   the per-port address-space union ("0.0.0.0/1 + 128.0.0.0/1 is the internet")
 *   reachability.ts whether anything public uses the group
 *   evidence.ts     what a finding shows
 */
import { buildResult } from '../model/result';
import type { GuardSettings } from '../model/settings';
import { severityRank } from '../model/severity';
import type { EvaluationResult, SecurityGroupSnapshot, Severity } from '../model/types';
import { quoted } from '../model/untrusted';
import { incompleteFinding, isIncompleteFinding, type UnreadField } from '../model/unread';
import type { Context } from './context';
import { checkDefaultGroup } from './default-group';
import { checkExposure } from './exposure-checks';
import { reachOf } from './reachability';
import { flattenRules } from './rules';

export type { SgEvidenceRule, SgExposedPorts, SgExposureState } from './evidence';

export function evaluateSecurityGroup(snapshot: SecurityGroupSnapshot, settings: GuardSettings): EvaluationResult {
  const ctx: Context = {
    snapshot,
    settings,
    label: snapshot.GroupName ? `${snapshot.GroupId} ${quoted(snapshot.GroupName)}` : snapshot.GroupId,
    findings: [],
    unknown: [],
    unknownReasons: {},
  };
  const { rules, read } = flattenRules(snapshot);
  checkExposure(ctx, rules, read.ingress);
  checkDefaultGroup(ctx, rules, read);
  const resource = { type: 'security-group' as const, id: snapshot.GroupId, account: snapshot.account, region: snapshot.region };
  const incomplete = incompleteFinding(resource, `Security group ${ctx.label}`, unreadGroupFields(ctx),
    snapshot.GroupName !== undefined ? { groupName: snapshot.GroupName } : {});
  if (incomplete) ctx.findings.push(incomplete);
  return buildResult(resource, ctx.findings, ctx.unknown, ctx.unknownReasons);
}

/**
 * The worst an unresolved prefix list could be: the group evaluated as if every unresolved list
 * held the whole internet, and the most severe finding that names one of them.
 */
function worstCaseOfPrefixLists(ctx: Context, ids: readonly string[]): Severity | undefined {
  // Only the rules that name those lists, each list the whole internet: what they would be on their own.
  const { snapshot } = ctx;
  const named = (id: string | undefined) => id !== undefined && ids.includes(id);
  const IpPermissions = snapshot.IpPermissions
    ?.map((p) => ({ ...p, IpRanges: [], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: (p.PrefixListIds ?? []).filter((x) => named(x.PrefixListId)) }))
    .filter((p) => p.PrefixListIds.length > 0);
  const rules = snapshot.rules?.filter((r) => !r.IsEgress && named(r.PrefixListId));
  const prefixLists = Object.fromEntries(ids.map((id) => [id, ['0.0.0.0/0', '::/0']]));
  const hypothetical = evaluateSecurityGroup({ ...snapshot, IpPermissions, IpPermissionsEgress: [], rules, prefixLists, unreadable: undefined }, ctx.settings);
  const naming = hypothetical.findings.filter((f) => !isIncompleteFinding(f) && f.checkId !== 'SG_DEFAULT_HAS_RULES');
  return naming.length > 0 ? naming.map((f) => f.severity).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a)) : undefined;
}

function unreadGroupFields(ctx: Context): UnreadField[] {
  if (ctx.unknown.length === 0) return [];
  const { snapshot } = ctx;
  const id = snapshot.GroupId;
  const region = snapshot.region ? ` --region ${snapshot.region}` : '';
  const lists = ctx.unknown.filter((f) => f.startsWith('prefixList:')).map((f) => f.slice('prefixList:'.length));
  const listWorst = lists.length > 0 ? worstCaseOfPrefixLists(ctx, lists) : undefined;
  // A group known to be on no public interface can expose at most a latent finding.
  const reach = (ctx.reach ??= reachOf(snapshot));
  const capped = reach.state === 'latent' && severityRank(ctx.settings.incompleteSeverity) > severityRank('MEDIUM') ? 'MEDIUM' : ctx.settings.incompleteSeverity;
  return ctx.unknown.map((field): UnreadField => {
    const reason = ctx.unknownReasons[field];
    const base = { field, ...(reason ? { reason } : {}) };
    if (field.startsWith('prefixList:')) {
      const list = field.slice('prefixList:'.length);
      return {
        ...base, couldHide: listWorst ?? 'LOW',
        decides: listWorst
          ? `whether the prefix list is the internet: if it held 0.0.0.0/0, the rules that name it would be ${listWorst}`
          : 'whether the prefix list is the internet; the rules that name it open only allowed ports',
        readCommand: `aws ec2 get-managed-prefix-list-entries --prefix-list-id ${list}${region}`,
      };
    }
    switch (field) {
      case 'IpPermissions':
        return { ...base, couldHide: capped, decides: 'every inbound rule of the group', readCommand: `aws ec2 describe-security-groups --group-ids ${id}${region}` };
      case 'networkInterfaces':
        return { ...base, couldHide: 'LOW', decides: 'whether a public interface uses the group (findings keep full severity meanwhile)', readCommand: `aws ec2 describe-network-interfaces --filters Name=group-id,Values=${id}${region}` };
      case 'GroupName':
      case 'IpPermissionsEgress':
        return { ...base, couldHide: 'MEDIUM', decides: 'whether this is a VPC default group with rules (EC2.2)', readCommand: `aws ec2 describe-security-groups --group-ids ${id}${region}` };
      default:
        return { ...base, couldHide: capped, decides: 'whether an inbound rule is open to the internet', readCommand: `aws ec2 describe-security-groups --group-ids ${id}${region}` };
    }
  });
}
