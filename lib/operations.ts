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
    const queries: [string, logs.QueryString][] = [
      ['Open findings', new logs.QueryString({
        fields: ['@timestamp', 'resource.type', 'resource.id', 'resource.account', 'findings.0.checkId', 'findings.0.severity', 'trigger.actor'],
        filterStatements: ['message = "evaluation"', 'status = "NON_COMPLIANT"'],
        sort: '@timestamp desc',
      })],
      ['Who changed what', new logs.QueryString({
        filterStatements: ['message = "evaluation"'],
        statsStatements: ['count(*) as changes, latest(status) as lastStatus by trigger.actor, trigger.eventName, resource.id'],
      })],
      ['Incomplete evaluations (could not read)', new logs.QueryString({
        fields: ['@timestamp', 'resource.type', 'resource.id', 'status', 'unknown.0', 'unknown.1', 'unknown.2', 'notification.sent'],
        // Any unread field, whatever the status: a NON_COMPLIANT result can hide more than it shows.
        filterStatements: ['message = "evaluation"', 'ispresent(unknown.0)'],
        sort: '@timestamp desc',
      })],
      ['Remediations', new logs.QueryString({
        fields: ['@timestamp', 'resource.id', 'remediation.outcome', 'remediation.verified', 'remediation.detail', 'trigger.actor'],
        filterStatements: ['message = "evaluation"', 'ispresent(remediation.outcome)'],
        sort: '@timestamp desc',
      })],
      ['Skipped events', new logs.QueryString({
        fields: ['@timestamp', 'reason', 'trigger.eventName', 'trigger.eventId'],
        filterStatements: ['message = "event skipped"'],
        sort: '@timestamp desc',
      })],
    ];
    queries.forEach(([name, queryString], i) => {
      new logs.QueryDefinition(this, `Query${i}`, { queryDefinitionName: `ExposureGuard/${name}`, queryString, logGroups });
    });
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
