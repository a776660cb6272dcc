import { exemptionPatternProblem } from '../remediation/exemptions';
import { errorMessage } from './errors';
import { isSeverity } from './severity';
import type { Severity } from './types';

export type RemediationMode = 'off' | 'dry-run' | 'enforce';
export const REMEDIATION_MODES: readonly RemediationMode[] = ['off', 'dry-run', 'enforce'];

/** What the Lambda functions and the CLI need at run time; synth validated it already. */
export interface GuardSettings {
  notifyMinSeverity: Severity;
  /** Severity of EVALUATION_INCOMPLETE when what an unread exposure field could hide is not bounded by what was read. */
  incompleteSeverity: Severity;
  /** With the findings ledger: an exposure still open this long is told again. */
  renotifyAfterHours: number;
  /** TCP ports that may be open to the internet (EC2.18 authorizedTcpPorts). */
  allowedPublicPorts: number[];
  /** UDP ports that may be open to the internet (EC2.18 authorizedUdpPorts; no default). */
  allowedPublicUdpPorts: number[];
  /** Ports whose internet exposure is CRITICAL. */
  highRiskPorts: number[];
  remediation: {
    s3BucketPublicAccess: RemediationMode;
    s3AccountPublicAccess: RemediationMode;
    securityGroupIngress: RemediationMode;
  };
  exemptBuckets: string[];
  exemptSecurityGroups: string[];
}

/** Security Hub EC2.19's fixed list (22 and 3389 are on it). */
export const EC2_19_HIGH_RISK_PORTS: readonly number[] = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
  8080, 8088, 8888, 9200, 9300,
];

export const DEFAULT_SETTINGS: GuardSettings = {
  notifyMinSeverity: 'MEDIUM',
  incompleteSeverity: 'HIGH',
  renotifyAfterHours: 24,
  allowedPublicPorts: [80, 443],
  allowedPublicUdpPorts: [],
  highRiskPorts: [...EC2_19_HIGH_RISK_PORTS],
  remediation: { s3BucketPublicAccess: 'off', s3AccountPublicAccess: 'off', securityGroupIngress: 'off' },
  exemptBuckets: [],
  exemptSecurityGroups: [],
};

export type RemediationModes = GuardSettings['remediation'];

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function ports(value: unknown, key: string): number[] {
  if (!Array.isArray(value) || !value.every((p) => Number.isInteger(p) && p >= 0 && p <= 65535)) {
    throw new SettingsError(`${key} must be an array of port numbers (0-65535)`);
  }
  return value as number[];
}

function strings(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new SettingsError(`${key} must be an array of strings`);
  }
  return value as string[];
}

/** A pattern refused at synth cannot reach here from the stack; from anywhere else it fails loudly at init. */
function exemptions(value: unknown, key: string): string[] {
  const list = strings(value, key);
  list.forEach((p, i) => {
    const problem = exemptionPatternProblem(p);
    if (problem) throw new SettingsError(`${key}.${i}: ${problem}`);
  });
  return list;
}

function mode(value: unknown, key: string): RemediationMode {
  if (!REMEDIATION_MODES.includes(value as RemediationMode)) {
    throw new SettingsError(`${key} must be one of ${REMEDIATION_MODES.join(', ')}`);
  }
  return value as RemediationMode;
}

/**
 * Settings from a partial object (the evaluation subset of the stack config), defaults filled in.
 * Kept free of a schema library so the Lambda bundles stay small; lib/config.ts is the full validator.
 */
export function resolveSettings(partial: Record<string, unknown> = {}): GuardSettings {
  const s = { ...DEFAULT_SETTINGS, remediation: { ...DEFAULT_SETTINGS.remediation } };
  if (partial.notifyMinSeverity !== undefined) {
    if (!isSeverity(partial.notifyMinSeverity)) throw new SettingsError('notifyMinSeverity must be a severity');
    s.notifyMinSeverity = partial.notifyMinSeverity;
  }
  if (partial.renotifyAfterHours !== undefined) {
    if (typeof partial.renotifyAfterHours !== 'number' || !(partial.renotifyAfterHours > 0)) throw new SettingsError('renotifyAfterHours must be a positive number');
    s.renotifyAfterHours = partial.renotifyAfterHours;
  }
  if (partial.incompleteSeverity !== undefined) {
    if (!isSeverity(partial.incompleteSeverity)) throw new SettingsError('incompleteSeverity must be a severity');
    s.incompleteSeverity = partial.incompleteSeverity;
  }
  if (partial.allowedPublicPorts !== undefined) s.allowedPublicPorts = ports(partial.allowedPublicPorts, 'allowedPublicPorts');
  if (partial.allowedPublicUdpPorts !== undefined) s.allowedPublicUdpPorts = ports(partial.allowedPublicUdpPorts, 'allowedPublicUdpPorts');
  if (partial.highRiskPorts !== undefined) s.highRiskPorts = ports(partial.highRiskPorts, 'highRiskPorts');
  if (partial.exemptBuckets !== undefined) s.exemptBuckets = exemptions(partial.exemptBuckets, 'exemptBuckets');
  if (partial.exemptSecurityGroups !== undefined) s.exemptSecurityGroups = exemptions(partial.exemptSecurityGroups, 'exemptSecurityGroups');
  const r = partial.remediation;
  if (r !== undefined) {
    if (typeof r !== 'object' || r === null) throw new SettingsError('remediation must be an object');
    const modes = r as Record<string, unknown>;
    for (const key of Object.keys(s.remediation) as (keyof GuardSettings['remediation'])[]) {
      if (modes[key] !== undefined) s.remediation[key] = mode(modes[key], `remediation.${key}`);
    }
  }
  return s;
}

/** Reads GUARD_SETTINGS (JSON) at init; a bad value fails fast naming the variable. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): GuardSettings {
  const raw = env.GUARD_SETTINGS;
  if (raw === undefined || raw === '') return resolveSettings();
  try {
    return resolveSettings(JSON.parse(raw) as Record<string, unknown>);
  } catch (error) {
    throw new SettingsError(`GUARD_SETTINGS: ${errorMessage(error)}`);
  }
}
