/**
 * What remediation would do for one evaluation, decided from the result alone so dry-run and
 * enforce share every decision. Exemptions come from deploy-time config, never from tags that
 * anyone with tagging rights could set.
 */
import { BPA_FLAGS, type BpaFlag, type EvaluationResult, type Finding, type PublicAccessBlockFlags, type RemediationReport } from '../model/types';
import { remediationConcerns } from '../checks';
import { withEvidence } from '../findings';
import { exemptionFor } from './exemptions';
import { shellQuote } from './fix-commands';
import type { GuardSettings, RemediationMode } from '../model/settings';
import type { SgEvidenceRule } from '../sg/evaluator';
import { ipPermissionOf, removePrefixListEntriesCommand } from '../sg/fix';
import { portSpan } from '../sg/rules';

export type ActiveMode = Exclude<RemediationMode, 'off'>;

export type Plan<A> =
  | { kind: 'none' }
  | { kind: 'skip'; report: RemediationReport }
  | { kind: 'act'; mode: ActiveMode; action: A; report: RemediationReport };

const flagsOff = (flags: PublicAccessBlockFlags | null | undefined): BpaFlag[] => BPA_FLAGS.filter((f) => flags?.[f] !== true);

/** S3 bucket or account Block Public Access: apply all four flags when any is off. */
export function planBlockPublicAccess(args: {
  mode: RemediationMode;
  modeKey: keyof GuardSettings['remediation'];
  current: PublicAccessBlockFlags | null | undefined;
  what: string;
  names: string[];
  exemptions: string[];
  exemptionsKey?: string;
}): Plan<'PutPublicAccessBlock'> {
  const { mode, current, what } = args;
  if (mode === 'off') return { kind: 'none' };
  const action = `PutPublicAccessBlock (all four flags) on ${what}`;
  const exempt = args.exemptionsKey ? exemptionFor(args.names, args.exemptions) : undefined;
  if (exempt) {
    return { kind: 'skip', report: { action, mode, outcome: 'SKIPPED_EXEMPT', detail: `exempt: no action (${args.exemptionsKey} pattern "${exempt}")` } };
  }
  if (current === undefined) {
    return { kind: 'skip', report: { action, mode, outcome: 'SKIPPED_UNKNOWN', detail: `no action: Block Public Access of ${what} could not be read, so the change could not be verified` } };
  }
  const off = flagsOff(current);
  if (off.length === 0) return { kind: 'none' };
  const detail = mode === 'dry-run'
    ? `dry-run: would turn on ${off.join(', ')} on ${what} (all four flags set to true); nothing was changed`
    : `turned on ${off.join(', ')} on ${what} (all four flags set to true)`;
  return {
    kind: 'act', mode, action: 'PutPublicAccessBlock',
    report: { action, mode, outcome: mode === 'dry-run' ? 'DRY_RUN' : 'APPLIED', detail, flagsTurnedOn: off, previous: current },
  };
}

/** Checks whose world-open rules remediation may revoke (the catalog: every port, or an admin/high-risk port). */
const revocable = remediationConcerns('securityGroupIngress');

export interface Revocation {
  rule: SgEvidenceRule & { securityGroupRuleId: string };
  /** The one command that puts it back exactly as it was. */
  restore: string;
}

/** `aws ec2 authorize-security-group-ingress` that restores one single-source rule. */
export function restoreCommand(groupId: string, rule: SgEvidenceRule, region?: string): string {
  const permission = ipPermissionOf(rule, { withDescription: true });
  const r = region ? ` --region ${shellQuote(region)}` : '';
  return `aws ec2 authorize-security-group-ingress --group-id ${shellQuote(groupId)} --ip-permissions ${shellQuote(JSON.stringify([permission]))}${r}`;
}

function allowedPortsIn(rule: SgEvidenceRule, settings: GuardSettings): number[] {
  if (rule.protocol !== '-1' && rule.protocol !== 'tcp' && rule.protocol !== 'udp') return [];
  const span = portSpan({ protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort });
  const tcp = rule.protocol === '-1' || rule.protocol === 'tcp' ? settings.allowedPublicPorts : [];
  const udp = rule.protocol === '-1' || rule.protocol === 'udp' ? settings.allowedPublicUdpPorts : [];
  return [...new Set([...tcp, ...udp])].filter((p) => p >= span.lo && p <= span.hi).sort((a, b) => a - b);
}

/**
 * Security groups: revoke exactly the world-open ingress rules of the all-traffic and high-risk
 * findings, one rule id each. Never another source of the same permission (each source is its
 * own rule), never egress, and never a rule that also opens an allowed port: revoking it would
 * break the legitimate service, so it is left for a human with the reason.
 */
export function planSecurityGroupRevocations(result: EvaluationResult, settings: GuardSettings, names: { groupId: string; groupName?: string }):
  Plan<Revocation[]> & { kept?: { rule: SgEvidenceRule; reason: string }[] } {
  const mode = settings.remediation.securityGroupIngress;
  if (mode === 'off') return { kind: 'none' };
  const findings = result.findings.filter(revocable);
  if (findings.length === 0) return { kind: 'none' };
  const action = `RevokeSecurityGroupIngress on world-open admin/all-traffic rules of ${names.groupId}`;
  const exempt = exemptionFor([names.groupId, names.groupName], settings.exemptSecurityGroups);
  if (exempt) {
    return { kind: 'skip', report: { action, mode, outcome: 'SKIPPED_EXEMPT', detail: `exempt: no action (exemptSecurityGroups pattern "${exempt}")` } };
  }
  // Group names cannot start with "sg-", so any other pattern is one a name could match: with the
  // name unread, whether the group is exempt is unknown, and an exempt group must never be cut.
  const namePatterns = settings.exemptSecurityGroups.filter((p) => !p.startsWith('sg-'));
  if (names.groupName === undefined && namePatterns.length > 0) {
    return { kind: 'skip', report: {
      action, mode, outcome: 'SKIPPED_UNKNOWN',
      detail: `no action: the group's name could not be read, so whether it matches exemptSecurityGroups name pattern(s) ${namePatterns.map((p) => `"${p}"`).join(', ')} is unknown`,
    } };
  }
  const revocations = new Map<string, Revocation>();
  const kept: { rule: SgEvidenceRule; reason: string }[] = [];
  for (const f of findings) {
    for (const rule of f.evidence.rules) {
      if (rule.direction !== 'ingress') continue;
      const allowed = allowedPortsIn(rule, settings);
      if (rule.sourceType === 'prefix-list') {
        // Revoking the rule would cut every legitimate entry of the list with the world-open one.
        kept.push({ rule, reason: `not revoked: its source is prefix list ${rule.source}; remove the world-open entry from the list instead: ${removePrefixListEntriesCommand(rule.source, rule.prefixListEntries ?? [], result.resource.region)}` });
      } else if (allowed.length > 0) {
        kept.push({ rule, reason: `not revoked: the rule also opens allowed port(s) ${allowed.join(', ')}; narrow it by hand` });
      } else if (!rule.securityGroupRuleId) {
        kept.push({ rule, reason: 'not revoked: its security group rule id could not be read' });
      } else if (!revocations.has(rule.securityGroupRuleId)) {
        revocations.set(rule.securityGroupRuleId, {
          rule: { ...rule, securityGroupRuleId: rule.securityGroupRuleId },
          restore: restoreCommand(names.groupId, rule, result.resource.region),
        });
      }
    }
  }
  const list = [...revocations.values()];
  const revoked = list.map((r) => ({
    securityGroupRuleId: r.rule.securityGroupRuleId, protocol: r.rule.protocol, ports: r.rule.ports,
    source: r.rule.source, description: r.rule.description, restore: r.restore,
  }));
  if (list.length === 0) {
    return { kind: 'skip', kept, report: { action, mode, outcome: 'SKIPPED_UNSAFE', detail: kept.map((k) => `${k.rule.securityGroupRuleId ?? k.rule.source}: ${k.reason}`).join('; '), kept } };
  }
  const ids = list.map((r) => r.rule.securityGroupRuleId).join(', ');
  const detail = mode === 'dry-run'
    ? `dry-run: would revoke ${ids}; nothing was changed`
    : `revoked ${ids}`;
  return {
    kind: 'act', mode, action: list, kept,
    report: { action, mode, outcome: mode === 'dry-run' ? 'DRY_RUN' : 'APPLIED', detail, revoked, ...(kept.length ? { kept } : {}) },
  };
}

/** Marks each finding remediation concerns with what was done about it, so the finding says so too. */
export function withRemediation(result: EvaluationResult, report: RemediationReport, concerns: (f: Finding) => boolean): EvaluationResult {
  const note = `${report.outcome}: ${report.detail}`;
  return {
    ...result,
    remediation: report,
    findings: result.findings.map((f) => (concerns(f) ? withEvidence(f, { remediation: note }) : f)),
  };
}
