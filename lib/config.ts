/**
 * The one configuration object (cdk.json `context.exposureGuard`, `-c exposureGuard='<json>'`,
 * or the CLI's `--config FILE`). Unknown keys and wrong types fail with one line naming the key.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

const SEVERITY = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const MODE = z.enum(['off', 'dry-run', 'enforce']);
const PORT = z.number().int().min(0).max(65535);
const RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

export const CONFIG_SCHEMA = z.strictObject({
  notificationEmails: z.array(z.email()).default([]),
  notifyMinSeverity: SEVERITY.default('MEDIUM'),
  incompleteSeverity: SEVERITY.default('HIGH'),
  allowedPublicPorts: z.array(PORT).optional(),
  allowedPublicUdpPorts: z.array(PORT).optional(),
  highRiskPorts: z.array(PORT).optional(),
  remediation: z.strictObject({
    s3BucketPublicAccess: MODE.default('off'),
    s3AccountPublicAccess: MODE.default('off'),
    securityGroupIngress: MODE.default('off'),
  }).default({ s3BucketPublicAccess: 'off', s3AccountPublicAccess: 'off', securityGroupIngress: 'off' }),
  exemptBuckets: z.array(z.string().min(1)).default([]),
  exemptSecurityGroups: z.array(z.string().min(1)).default([]),
  sweepSchedule: z.string().regex(/^(rate|cron)\(.+\)$/, 'must be an EventBridge schedule expression, rate(...) or cron(...)').default('rate(1 day)'),
  renotifyAfterHours: z.number().positive().default(24),
  logRetentionDays: z.number().int().refine((d) => RETENTION_DAYS.includes(d), {
    message: `must be one of CloudWatch Logs' retention periods (${RETENTION_DAYS.filter((d) => d < 9999).join(', ')})`,
  }).default(365),
  createTrail: z.boolean().default(false),
});

export type ExposureGuardConfig = z.infer<typeof CONFIG_SCHEMA>;
export type ExposureGuardConfigInput = z.input<typeof CONFIG_SCHEMA>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describeIssue(issue: z.core.$ZodIssue, root: string): string {
  const path = [root, ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    return `${[path, ...issue.keys.slice(0, 1)].join('.')}: unknown key (known keys: ${knownKeys(issue.path).join(', ')})`;
  }
  return `${path}: ${issue.message}`;
}

function knownKeys(path: PropertyKey[]): string[] {
  if (path.length === 1 && path[0] === 'remediation') return ['s3BucketPublicAccess', 's3AccountPublicAccess', 'securityGroupIngress'];
  return Object.keys(CONFIG_SCHEMA.shape);
}

/** Accepts the object, or its JSON text (what `-c exposureGuard='…'` delivers). */
export function parseConfig(raw: unknown, root = 'exposureGuard'): ExposureGuardConfig {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new ConfigError(`${root}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const parsed = CONFIG_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(first ? describeIssue(first, root) : `${root}: invalid`);
  }
  return parsed.data;
}

/** The run-time subset the Lambda functions receive as GUARD_SETTINGS; they fill evaluation defaults themselves. */
export function runtimeSettings(config: ExposureGuardConfig): Record<string, unknown> {
  return {
    notifyMinSeverity: config.notifyMinSeverity,
    incompleteSeverity: config.incompleteSeverity,
    ...(config.allowedPublicPorts ? { allowedPublicPorts: config.allowedPublicPorts } : {}),
    ...(config.allowedPublicUdpPorts ? { allowedPublicUdpPorts: config.allowedPublicUdpPorts } : {}),
    ...(config.highRiskPorts ? { highRiskPorts: config.highRiskPorts } : {}),
    remediation: config.remediation,
    exemptBuckets: config.exemptBuckets,
    exemptSecurityGroups: config.exemptSecurityGroups,
  };
}
