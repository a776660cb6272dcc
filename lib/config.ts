/**
 * The one configuration object (cdk.json `context.exposureGuard`, `-c exposureGuard='<json>'`,
 * or the CLI's `--config FILE`). Unknown keys and wrong types fail with one line naming the key.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { exemptionPatternProblem } from '../lambda/core/remediation/exemptions';

const SEVERITY = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
/** A name, id or glob, refused when it cannot be matched exactly and quickly (lambda/core/remediation/exemptions.ts). */
const EXEMPTION = z.string().superRefine((p, ctx) => {
  const problem = exemptionPatternProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
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
  exemptBuckets: z.array(EXEMPTION).default([]),
  exemptSecurityGroups: z.array(EXEMPTION).default([]),
  sweepSchedule: z.string().regex(/^(rate|cron)\(.+\)$/, 'must be an EventBridge schedule expression, rate(...) or cron(...)').default('rate(1 day)'),
  renotifyAfterHours: z.number().positive().default(24),
  logRetentionDays: z.number().int().refine((d) => RETENTION_DAYS.includes(d), {
    message: `must be one of CloudWatch Logs' retention periods (${RETENTION_DAYS.filter((d) => d < 9999).join(', ')})`,
  }).default(365),
  createTrail: z.boolean().default(false),
});

export type ExposureGuardConfig = z.infer<typeof CONFIG_SCHEMA>;
export type ExposureGuardConfigInput = z.input<typeof CONFIG_SCHEMA>;

type Severity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
type RemediationMode = 'off' | 'dry-run' | 'enforce';

/**
 * The configuration as written in cdk.json (`context.exposureGuard`), `-c exposureGuard='…'`, the
 * CLI's `--config FILE`, or the `ExposureGuard` construct's props. Every key is optional.
 */
export interface ExposureGuardOptions {
  /** Email addresses subscribed to the findings topic and the ops topic. @default [] */
  readonly notificationEmails?: string[];
  /** Lowest severity that sends a message; every evaluation is logged whatever its severity. @default 'MEDIUM' */
  readonly notifyMinSeverity?: Severity;
  /** Severity of EVALUATION_INCOMPLETE when what an unread field could hide is not bounded by what was read. @default 'HIGH' */
  readonly incompleteSeverity?: Severity;
  /** TCP ports that may be open to the internet (EC2.18 authorizedTcpPorts). @default [80, 443] */
  readonly allowedPublicPorts?: number[];
  /** UDP ports that may be open to the internet (EC2.18 authorizedUdpPorts). @default [] */
  readonly allowedPublicUdpPorts?: number[];
  /** Ports whose internet exposure is CRITICAL. @default EC2.19's list: 20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300 */
  readonly highRiskPorts?: number[];
  /** What the guard may change by itself. Every mode is `off` unless set. */
  readonly remediation?: {
    /** Apply all four bucket-level Block Public Access flags to a bucket that lacks any. @default 'off' */
    readonly s3BucketPublicAccess?: RemediationMode;
    /** The same for the account-level Block Public Access. @default 'off' */
    readonly s3AccountPublicAccess?: RemediationMode;
    /** Revoke world-open rules on high-risk ports and all traffic, one rule id at a time. @default 'off' */
    readonly securityGroupIngress?: RemediationMode;
  };
  /** Bucket names or glob patterns never remediated (still evaluated and notified). @default [] */
  readonly exemptBuckets?: string[];
  /** Security group ids, names or glob patterns never remediated; prefer ids (anyone can name a group). @default [] */
  readonly exemptSecurityGroups?: string[];
  /** EventBridge schedule expression of the sweep (and of the GUARD_BLIND self-check and its canary). @default 'rate(1 day)' */
  readonly sweepSchedule?: string;
  /** Re-send a still-open finding after this many hours. @default 24 */
  readonly renotifyAfterHours?: number;
  /** Audit log retention, one of CloudWatch Logs' retention periods. @default 365 */
  readonly logRetentionDays?: number;
  /** Create a multi-region trail of management write events, for an account that has none (GUARD_BLIND says so). @default false */
  readonly createTrail?: boolean;
}

// The documented options and the schema are one shape: a key added to one and not the other fails the type check.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Writable<T> = { -readonly [K in keyof T]: T[K] extends object ? T[K] extends unknown[] ? T[K] : Writable<T[K]> : T[K] };
const OPTIONS_MATCH_SCHEMA: Same<Required<Writable<ExposureGuardOptions>>, Required<ExposureGuardConfigInput>> = true;
void OPTIONS_MATCH_SCHEMA;

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
    renotifyAfterHours: config.renotifyAfterHours,
    ...(config.allowedPublicPorts ? { allowedPublicPorts: config.allowedPublicPorts } : {}),
    ...(config.allowedPublicUdpPorts ? { allowedPublicUdpPorts: config.allowedPublicUdpPorts } : {}),
    ...(config.highRiskPorts ? { highRiskPorts: config.highRiskPorts } : {}),
    remediation: config.remediation,
    exemptBuckets: config.exemptBuckets,
    exemptSecurityGroups: config.exemptSecurityGroups,
  };
}
