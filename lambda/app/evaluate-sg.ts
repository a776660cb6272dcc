import { EC2Client } from '@aws-sdk/client-ec2';
import { readSecurityGroup } from '../adapters/security-group-reader';
import { revokeIngressRules } from '../adapters/security-group-remediator';
import { planSecurityGroupRevocations, withRemediation } from '../core/remediation/plan';
import { evaluateSecurityGroup } from '../core/sg/evaluator';
import type { SgEvidenceRule } from '../core/sg/evaluator';
import { normaliseProtocol } from '../core/sg/rules';
import { remediationConcerns } from '../core/checks';
import type { EvaluationResult, SecurityGroupSnapshot, SgIpPermission } from '../core/model/types';
import { securityGroupsOf } from '../adapters/target-resolver';
import type { Target } from '../core/events/target';
import { AUDIT_SCHEMA_VERSION, journalRemediation, type Evaluator, type Expander, type PipelineDeps } from './pipeline';
import { carryOut, summary } from './remediate';

/** IpPermissions minus the single sources that were revoked (matched on protocol, ports and source). */
function withoutSources(permissions: SgIpPermission[] | undefined, gone: SgEvidenceRule[]): SgIpPermission[] | undefined {
  if (!permissions) return permissions;
  const isGone = (p: SgIpPermission, source: string | undefined) => gone.some((g) => g.source === source
    && normaliseProtocol(p.IpProtocol) === g.protocol
    && (g.protocol === '-1' || (p.FromPort === g.fromPort && p.ToPort === g.toPort)));
  return permissions.map((p) => ({
    ...p,
    IpRanges: p.IpRanges?.filter((r) => !isGone(p, r.CidrIp)),
    Ipv6Ranges: p.Ipv6Ranges?.filter((r) => !isGone(p, r.CidrIpv6)),
    PrefixListIds: p.PrefixListIds?.filter((r) => !isGone(p, r.PrefixListId)),
  }));
}

const concernsExposure = remediationConcerns('securityGroupIngress');

/** Instance, interface and prefix-list targets become the security groups they concern, each once. */
export const expandSecurityGroupTargets: Expander = async (targets, deps, trigger) => {
  const groups = new Map<string, Target>();
  const whereOf = (target: Target) => ({ account: target.account ?? deps.defaultAccount, region: target.region ?? deps.defaultRegion });
  // Every resolution settles: a group named outright is evaluated even when the instance beside it could not be resolved.
  const wheres = targets.map(whereOf);
  const settled = await Promise.allSettled(targets.map((target, i) => securityGroupsOf(deps.clients.client(EC2Client, wheres[i]!), target, {
    ...(wheres[i]!.account ? { account: wheres[i]!.account } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}),
  })));
  let failed: unknown;
  for (const [i, target] of targets.entries()) {
    const where = wheres[i]!;
    const outcome = settled[i]!;
    if (outcome.status === 'rejected') {
      failed ??= outcome.reason;
      continue;
    }
    const resolution = outcome.value;
    if (resolution.kind === 'gone') {
      deps.logger.info('resource gone', { schemaVersion: AUDIT_SCHEMA_VERSION, target, reason: resolution.reason, trigger });
      continue;
    }
    if (resolution.otherAccounts) {
      // Groups of other accounts use this account's list: they cannot be read from here, and their
      // own guard sees no event for it. Said loudly, for the operators of those accounts.
      deps.logger.warn('prefix list shared', {
        schemaVersion: AUDIT_SCHEMA_VERSION, target, trigger, groupsInOtherAccounts: resolution.otherAccounts,
        reason: 'these groups use the changed list but belong to other accounts: re-evaluate them there (exposure-guard scan)',
      });
      deps.metrics?.count('UnreachableTargets');
    }
    if (target.type === 'prefix-list' && resolution.groupIds.length === 0 && !resolution.otherAccounts) {
      deps.logger.info('prefix list unused', { schemaVersion: AUDIT_SCHEMA_VERSION, target, reason: 'no security group references the list', trigger });
    }
    for (const groupId of resolution.groupIds) if (!groups.has(groupId)) groups.set(groupId, { type: 'security-group', groupId, ...where });
  }
  return { targets: [...groups.values()], ...(failed !== undefined ? { failed } : {}) };
};

export const evaluateSecurityGroupTarget: Evaluator = async (target, deps) => {
  if (target.type !== 'security-group') throw new Error(`the security-group path cannot evaluate a ${target.type} target`);
  const where = { account: target.account ?? deps.defaultAccount, region: target.region ?? deps.defaultRegion };
  const ec2 = deps.clients.client(EC2Client, where);
  const read = await readSecurityGroup(ec2, target.groupId, where);
  if (read.kind === 'gone') return { gone: read.reason };
  return { result: await evaluateAndRemediateGroup(read.snapshot, ec2, deps) };
};

/** Evaluation and, per mode, revocation of world-open admin rules for one snapshot (events and the sweep alike). */
export async function evaluateAndRemediateGroup(snapshot: SecurityGroupSnapshot, ec2: EC2Client, deps: PipelineDeps): Promise<EvaluationResult> {
  const result = evaluateSecurityGroup(snapshot, deps.settings);
  const plan = planSecurityGroupRevocations(result, deps.settings, { groupId: snapshot.GroupId, groupName: snapshot.GroupName });
  if (plan.kind === 'none') return result;
  if (plan.kind === 'skip') return withRemediation(result, plan.report, concernsExposure);
  const ids = plan.action.map((r) => r.rule.securityGroupRuleId);
  const report = await carryOut(plan, () => revokeIngressRules(ec2, snapshot.GroupId, ids), (applied) => {
    // What the group looks like now: the same snapshot without the rules EC2 confirms are gone,
    // in both reads, so a rule that was not revoked (no id, allowed port) still shows as open.
    const gone = plan.action.filter((r) => !applied.remaining.includes(r.rule.securityGroupRuleId)).map((r) => r.rule);
    const goneIds = new Set(gone.map((r) => r.securityGroupRuleId));
    const rules = snapshot.rules?.filter((r) => !(r.SecurityGroupRuleId && goneIds.has(r.SecurityGroupRuleId)));
    const after = evaluateSecurityGroup({ ...snapshot, rules, IpPermissions: withoutSources(snapshot.IpPermissions, gone) }, deps.settings);
    // The report says what EC2 reads back as gone, not what was asked for.
    const revoked = (plan.report.revoked ?? []).filter((r) => goneIds.has(r.securityGroupRuleId));
    const goneList = [...goneIds].join(', ');
    const left = applied.remaining.join(', ');
    const tries = applied.attempts > 1 ? `after ${applied.attempts} attempts` : 'read back after the revoke; EC2 reads can lag, check by hand';
    return {
      outcome: revoked.length > 0 ? 'APPLIED' : 'FAILED',
      detail: applied.remaining.length === 0
        ? `revoked ${goneList} (read back: gone)`
        : revoked.length > 0
          ? `revoked ${goneList} (read back: gone); ${left} still present (${tries})`
          : `nothing was revoked: ${left} still present (${tries})`,
      verified: applied.verified,
      revoked,
      ...(applied.remaining.length ? { stillPresent: applied.remaining } : {}),
      after: summary(after.findings),
    };
  }, journalRemediation(deps, result.resource));
  return withRemediation(result, report, concernsExposure);
}
