import { EC2Client } from '@aws-sdk/client-ec2';
import { readSecurityGroup } from '../adapters/security-group-reader';
import { revokeIngressRules } from '../adapters/security-group-remediator';
import { planSecurityGroupRevocations, withRemediation } from '../core/remediation';
import { evaluateSecurityGroup } from '../core/sg-evaluator';
import type { EvaluationResult, Finding, SecurityGroupSnapshot } from '../core/types';
import type { Evaluator, PipelineDeps } from './pipeline';
import { carryOut, summary } from './remediate';

const concernsExposure = (f: Finding) => f.checkId === 'SG_OPEN_ALL_TRAFFIC' || f.checkId === 'SG_OPEN_HIGH_RISK_PORT';

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
    // What the group looks like now: the same snapshot without the rules EC2 confirms are gone.
    const gone = new Set(ids.filter((id) => !applied.remaining.includes(id)));
    const rules = snapshot.rules?.filter((r) => !(r.SecurityGroupRuleId && gone.has(r.SecurityGroupRuleId)));
    const after = evaluateSecurityGroup({ ...snapshot, rules, IpPermissions: undefined }, deps.settings);
    return {
      verified: applied.verified,
      ...(applied.remaining.length ? { stillPresent: applied.remaining } : {}),
      after: summary(after.findings),
    };
  });
  return withRemediation(result, report, concernsExposure);
}
