import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GuardFunction } from './guard-function';

export interface OperationsProps {
  /** Where alarms go (the operators of the guard, not the responders to findings). */
  readonly opsTopic: sns.ITopic;
  readonly functions: GuardFunction[];
  /** Each queue where something the guard should have evaluated ends up, and what it means there. */
  readonly deadLetterQueues: { id: string; queue: sqs.IQueue; what: string }[];
  /**
   * Seconds between sweeps, when the schedule is a rate: no canary heartbeat in two of them is an
   * alarm of its own, which holds even when the sweep itself never runs.
   */
  readonly sweepIntervalSeconds?: number;
}

/** A Logs Insights query as written: QueryString cannot put a filter after stats. */
class RawQuery extends logs.QueryString {
  constructor(private readonly query: string) {
    super();
  }

  public toString(): string {
    return this.query;
  }
}

/**
 * The saved queries auditors start from, by name (shown as `ExposureGuard/<name>`). They read the
 * audit record schema (docs/audit-records.md); a test holds every field they name to it.
 * `REPLACE_…` is the value an auditor types in.
 */
export const AUDIT_QUERIES: Record<string, string> = {
  'Open exposures by severity': [
    'filter message = "evaluation"',
    'stats latest(status) as lastStatus, latest(severity) as worst, latest(checkIds) as checks, latest(@timestamp) as lastEvaluated by resource.type, resource.id, resource.account, resource.region',
    'filter lastStatus = "NON_COMPLIANT"',
    'sort worst asc, lastEvaluated desc',
  ].join('\n| '),
  'Exposures in a period, who and from where': [
    'fields @timestamp, severity, resource.type, resource.id, checkIds, trigger.actor, trigger.sourceIp, trigger.eventName, trigger.userAgent',
    'filter message = "evaluation" and status = "NON_COMPLIANT"',
    'sort @timestamp desc',
  ].join('\n| '),
  'Everything one actor changed': [
    'fields @timestamp, trigger.eventName, resource.type, resource.id, status, severity, checkIds, trigger.sourceIp',
    'filter message = "evaluation" and trigger.actor = "REPLACE_WITH_ACTOR_ARN"',
    'sort @timestamp asc',
  ].join('\n| '),
  'Remediations and their outcome': [
    'fields @timestamp, resource.type, resource.id, remediation.action, remediation.mode, remediation.outcome, remediation.verified, remediation.detail, remediation.error.name, trigger.actor',
    'filter message = "evaluation" and ispresent(remediation.outcome)',
    'sort @timestamp desc',
  ].join('\n| '),
  'What could not be evaluated, and why': [
    'fields @timestamp, message, resource.type, resource.id, status, unknown.0, unknown.1, unknown.2, unknownReasons.policy, unknownReasons.acl, reason, error.name, error.message',
    'filter (message = "evaluation" and ispresent(unknown.0)) or message in ["event failed", "notification failed", "ledger unavailable", "sweep batch failed", "sweep failed", "sweep unfinished"]',
    'sort @timestamp desc',
  ].join('\n| '),
  'History of one resource': [
    'fields @timestamp, message, status, severity, checkIds, trigger.actor, trigger.eventName, remediation.outcome, notification.sent, notification.subject',
    // Records about a target that could not be evaluated (gone, skipped) name it as target, not resource.
    'filter resource.id = "REPLACE_WITH_BUCKET_NAME_OR_GROUP_ID" or target.name = "REPLACE_WITH_BUCKET_NAME_OR_GROUP_ID" or target.groupId = "REPLACE_WITH_BUCKET_NAME_OR_GROUP_ID"',
    'sort @timestamp asc',
  ].join('\n| '),
  'Findings by control id': [
    'filter message = "evaluation"',
    'stats latest(status) as lastStatus, latest(controlIds) as controls, latest(severity) as worst by resource.type, resource.id',
    // FSBP:S3.2 must not match FSBP:S3.24: the id ends at a space or the end.
    'filter lastStatus = "NON_COMPLIANT" and controls like /FSBP:REPLACE_WITH_CONTROL_ID( |$)/',
  ].join('\n| '),
  'Skipped events': [
    'fields @timestamp, reason, trigger.eventName, trigger.eventId, trigger.actor',
    'filter message = "event skipped"',
    'sort @timestamp desc',
  ].join('\n| '),
  'Sweep runs': [
    'fields @timestamp, message, run, baseline, batches, buckets, groups, counts.evaluated, counts.incomplete, counts.failed, open, detail, step, error.name, error.message',
    'filter message in ["sweep started", "sweep digest", "sweep unfinished", "sweep failed", "sweep batch failed", "canary heartbeat", "guard health"]',
    'sort @timestamp desc',
  ].join('\n| '),
};

/** CloudWatch evaluates at most seven days of periods; a period is at most a day. */
const MAX_ALARM_SPAN_S = 7 * 86_400;

/**
 * Watching the watcher: alarms when events are lost or a function fails, and the saved Logs
 * Insights queries auditors start from. The queries read the audit record schema (schemaVersion 1).
 */
export class Operations extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.opsTopic);

    for (const { id: alarmId, queue, what } of props.deadLetterQueues) {
      this.alarms.push(new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `Exposure Guard: ${what}. Redrive after fixing the cause.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }

    for (const fn of props.functions) {
      this.alarms.push(new cloudwatch.Alarm(fn, 'Errors', {
        alarmDescription: `Exposure Guard: ${fn.node.id} failed; Lambda retries, then the dead-letter queue keeps the event.`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    this.alarms.push(this.onGuardMetric('RemediationFailures',
      'Exposure Guard: a remediation failed or did not verify; the exposure it was meant to close is still open (see the finding email and the audit log).'));
    this.alarms.push(this.onGuardMetric('NotificationFailures',
      'Exposure Guard: a finding message could not be published to the findings topic (after the SDK\'s retries). The evaluation is in the audit log ("notification failed"); check the topic, its key and the function\'s role.'));
    this.alarms.push(this.onGuardMetric('UnreachableTargets',
      'Exposure Guard: a changed prefix list of this account is used by security groups of other accounts, which the guard cannot read from here. Re-evaluate them in those accounts (the "prefix list shared" record names them).'));
    this.alarms.push(this.onGuardMetric('RemediationUnreported',
      'Exposure Guard: the guard changed something (or failed to) and could not publish the message about it; the retry will find nothing to do. Read the "notification failed" records with notification.unreportedRemediation in the audit log.'));
    this.alarms.push(this.onGuardMetric('LedgerFailures',
      'Exposure Guard: the findings ledger could not be read or written; messages are sent without it, so responders may get repeats. Read the "ledger unavailable" records in the audit log; check the table, its key and the function\'s role.'));
    this.alarms.push(this.onGuardMetric('SweepUnfinished',
      'Exposure Guard: the previous sweep never finished (some batches are still queued or in the sweep\'s dead-letter queue), so its resources were not all swept and it sent no digest. Read the "sweep unfinished" and "sweep batch failed" records.'));
    this.alarms.push(this.onGuardMetric('CanaryFailures',
      'Exposure Guard: the sweep could not write its canary (or record the write), so the next sweep cannot prove the event path works and reports it INCOMPLETE. Read the "canary write failed" records; check the canary bucket, the coordinator\'s role and any SCP.'));
    this.alarms.push(this.onGuardMetric('OracleUnavailable',
      'Exposure Guard: AWS\'s own policy status (GetBucketPolicyStatus, GetAccessPointPolicyStatus) could not be read, so a policy AWS calls public that the guard\'s reading does not would go unnoticed. Read the evaluation records\' oracleUnread; check the role and any SCP.'));
    const heartbeat = props.sweepIntervalSeconds !== undefined ? this.heartbeatAlarm(props.sweepIntervalSeconds) : undefined;
    if (heartbeat) this.alarms.push(heartbeat);
    for (const alarm of this.alarms) alarm.addAlarmAction(action);

    const logGroups = props.functions.map((f) => f.logGroup);
    for (const [name, query] of Object.entries(AUDIT_QUERIES)) {
      new logs.QueryDefinition(this, `Query${name.replace(/[^A-Za-z0-9]/g, '')}`, {
        queryDefinitionName: `ExposureGuard/${name}`, queryString: new RawQuery(query), logGroups,
      });
    }
  }

  /**
   * The dead man's switch: no canary heartbeat over two sweep intervals. Missing data breaches, so
   * a sweep that stopped running (schedule disabled, coordinator failing early) is heard too.
   */
  private heartbeatAlarm(intervalSeconds: number): cloudwatch.Alarm | undefined {
    const period = Math.min(86_400, Math.max(300, Math.ceil(intervalSeconds / 60) * 60));
    const periods = Math.ceil((2 * intervalSeconds) / period);
    if (period * periods > MAX_ALARM_SPAN_S) return undefined;
    return new cloudwatch.Alarm(this, 'CanaryHeartbeatMissing', {
      alarmDescription: 'Exposure Guard: no canary heartbeat for two sweep intervals: either the sweep is not running (its schedule rule, the coordinator\'s errors) or its canary change never reaches the S3 function (trail, EventBridge rule, the function). Until it clears, changes may go unseen.',
      metric: new cloudwatch.Metric({
        namespace: 'ExposureGuard', metricName: 'DeliveryLatency', dimensionsMap: { service: 'exposure-guard', path: 'canary' }, period: Duration.seconds(period), statistic: 'SampleCount',
      }),
      threshold: 1,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  /** Fires on any count of one of the guard's own EMF metrics in five minutes. */
  private onGuardMetric(metricName: string, alarmDescription: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, metricName, {
      alarmDescription,
      metric: new cloudwatch.Metric({
        namespace: 'ExposureGuard', metricName, dimensionsMap: { service: 'exposure-guard' }, period: Duration.minutes(5), statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
