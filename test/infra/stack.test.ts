/**
 * The stack by assertion: event patterns, exact IAM statements, DLQs and retries, retention,
 * encryption, config validation, and cdk-nag AwsSolutions clean.
 */
import { AUDIT_QUERIES } from '../../lib/operations';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ExposureGuardConfigInput, type ExposureGuardOptions } from '../../lib/config';
import { ExposureGuard } from '../../lib/exposure-guard';
import { ExposureGuardStack } from '../../lib/exposure-guard-stack';
import { acknowledgeNagFindings } from '../../lib/nag';
import type { GrantScope, ReadRow } from '../../lambda/core/model/reads';
import { ACCESS_POINT_LOOKUPS, ACCESS_POINT_READS, BUCKET_LISTINGS, BUCKET_READS, MULTI_REGION_ACCESS_POINT_READS } from '../../lambda/core/s3/reads';
import { GROUP_LISTINGS, GROUP_LOOKUPS, GROUP_READS } from '../../lambda/core/sg/reads';
import { MATRIX } from '../fault-matrix/table';
import { ASSUMPTIONS } from '../../bench/cost';

const FEATURE_FLAGS = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function synth(input: ExposureGuardConfigInput = {}, opts: { bundle?: boolean; nag?: boolean; tamper?: (s: ExposureGuardStack) => void } = {}) {
  const app = new App({
    context: { ...FEATURE_FLAGS, ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    builtinCloudFormationValidation: false,
  } as ConstructorParameters<typeof App>[0]);
  // Environment-agnostic, as bin/app.ts builds it.
  const stack = new ExposureGuardStack(app, 'ExposureGuard', { config: parseConfig(input) });
  opts.tamper?.(stack);
  if (opts.nag) {
    acknowledgeNagFindings(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stack, template: Template.fromStack(stack) };
}

function nagViolations(app: App): { ruleName?: string; description?: string }[] {
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations?: { ruleName?: string }[] }[] };
  return report.pluginReports.flatMap((r) => r.violations ?? []);
}

/** Every function's own statements: its log group, the dead-letter queue, the key for both, the findings topic. */
function houseStatements(fn: string) {
  return [
    { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Guard${fn}Logs`)), 'Arn'] } },
    { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GuardDeadLetters/), 'Arn'] } },
    { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GuardKey/), 'Arn'] } },
    { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^GuardFindings/) } },
  ];
}

/** Written out, not derived: the independent check of what the bucket reads table grants. */
const READ_BUCKETS = {
  Sid: 'ReadBuckets', Effect: 'Allow',
  Action: ['s3:GetBucketAcl', 's3:GetBucketLogging', 's3:GetBucketOwnershipControls', 's3:GetBucketPolicy', 's3:GetBucketPolicyStatus',
    's3:GetBucketPublicAccessBlock', 's3:GetBucketTagging', 's3:GetBucketWebsite'],
  Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::*']] },
  Condition: { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } },
};
/** Every access point of this account, in any region (the bucket's), for its policy and AWS's status of it. */
const READ_ACCESS_POINTS = {
  Sid: 'ReadAccessPoints', Effect: 'Allow', Action: ['s3:GetAccessPointPolicy', 's3:GetAccessPointPolicyStatus'],
  Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:*:', { Ref: 'AWS::AccountId' }, ':accesspoint/*']] },
};
const readMultiRegionAccessPoints = (actions: string[]) => ({
  Sid: 'ReadMultiRegionAccessPoints', Effect: 'Allow', Action: actions,
  Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3::', { Ref: 'AWS::AccountId' }, ':accesspoint/*']] },
});

/** The ledger grant, written out: the table's actions, and the key only through DynamoDB in this region. */
function ledgerStatements(actions: string[]) {
  const writes = actions.includes('dynamodb:PutItem') || actions.includes('dynamodb:UpdateItem');
  return [
    { Sid: 'FindingsLedger', Effect: 'Allow', Action: actions, Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GuardLedgerTable/), 'Arn'] } },
    {
      Sid: 'FindingsLedgerKey', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GuardKey/), 'Arn'] },
      Action: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'] : [])],
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } },
    },
  ];
}

function policyStatementsOf(template: Template, roleLogicalIdPrefix: string): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Record<string, unknown>[] = [];
  for (const policy of Object.values(policies)) {
    const roles = JSON.stringify(policy.Properties.Roles);
    if (roles.includes(roleLogicalIdPrefix)) statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  return statements;
}

describe('the S3 EventBridge rule', () => {
  const { template } = synth();

  test('matches every S3 call that can expose a bucket, successful calls only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          // S3 Control's access point calls are recorded as s3.amazonaws.com; the other two names cost nothing if they ever appear.
          eventSource: ['s3.amazonaws.com', 's3-control.amazonaws.com', 's3control.amazonaws.com'],
          eventName: [
            'CreateBucket', 'PutBucketAcl', 'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketPublicAccessBlock',
            'DeleteBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
            'PutBucketWebsite', 'PutBucketLogging', 'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
            'CreateAccessPoint', 'DeleteAccessPoint', 'PutAccessPointPolicy', 'DeleteAccessPointPolicy',
            'CreateMultiRegionAccessPoint', 'PutMultiRegionAccessPointPolicy', 'DeleteMultiRegionAccessPoint',
            'CreateAccessPointForObjectLambda', 'PutAccessPointConfigurationForObjectLambda', 'PutAccessPointPolicyForObjectLambda',
            'DeleteAccessPointPolicyForObjectLambda', 'DeleteAccessPointForObjectLambda',
          ],
          errorCode: [{ exists: false }],
        },
      },
      State: 'ENABLED',
    });
  });

  test('targets the S3 function with a dead-letter queue and a retry policy', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardS3EvaluatorFunction'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDeadLetters'), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
      })],
    });
  });
});

describe('the EC2 EventBridge rule', () => {
  const { template } = synth();

  test('matches security-group rule changes and group attachments, successful calls only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: [
            'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
            'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup',
            'ModifyNetworkInterfaceAttribute', 'RunInstances', 'CreateNetworkInterface', 'ModifyInstanceAttribute',
            'AssociateAddress', 'StartInstances', 'AssignIpv6Addresses',
            'ModifyManagedPrefixList', 'RestoreManagedPrefixListVersion',
          ],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardSecurityGroupEvaluatorFunction'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDeadLetters'), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
      })],
    });
  });

  test('the security-group role has exactly the reads it needs', () => {
    expect(policyStatementsOf(template, 'GuardSecurityGroupEvaluatorRole')).toEqual([
      ...houseStatements('SecurityGroupEvaluator'),
      {
        Sid: 'ReadWithoutResourceLevelPermissions', Effect: 'Allow', Resource: '*',
        // Written out, not derived: this is the independent check of what the reads table grants.
        Action: ['ec2:DescribeInstances', 'ec2:DescribeManagedPrefixLists', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups'],
      },
      {
        Sid: 'ReadPrefixListEntries', Effect: 'Allow', Action: 'ec2:GetManagedPrefixListEntries',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':*:prefix-list/*']] },
      },
      {
        Sid: 'FindPrefixListUsers', Effect: 'Allow', Action: 'ec2:GetManagedPrefixListAssociations',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':prefix-list/*']] },
      },
      ...ledgerStatements(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
    ]);
  });

  test('and an Errors alarm of its own', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^GuardSecurityGroupEvaluatorFunction') } }],
    });
  });
});

describe('the S3 function', () => {
  const { template } = synth();

  test('runs the current Node.js runtime on arm64 with source maps and its settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 120,
      MemorySize: 256,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^GuardS3EvaluatorLogs') } },
      Environment: { Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'exposure-guard',
        TOPIC_ARN: { Ref: Match.stringLikeRegexp('^GuardFindings') },
        GUARD_SETTINGS: JSON.stringify({
          notifyMinSeverity: 'MEDIUM',
          incompleteSeverity: 'HIGH',
          renotifyAfterHours: 24,
          remediation: { s3BucketPublicAccess: 'off', s3AccountPublicAccess: 'off', securityGroupIngress: 'off' },
          exemptBuckets: [], exemptSecurityGroups: [],
        }),
      } },
    });
  });

  test('async invocations retry twice, then go to the encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDeadLetters'), 'Arn'] } } },
    });
  });

  test('the role has exactly the statements it needs, no managed policies', () => {
    const roles = template.findResources('AWS::IAM::Role');
    const s3Role = Object.entries(roles).find(([id]) => id.startsWith('GuardS3EvaluatorRole'));
    expect(s3Role?.[1].Properties.ManagedPolicyArns).toBeUndefined();
    expect(policyStatementsOf(template, 'GuardS3EvaluatorRole')).toEqual([
      ...houseStatements('S3Evaluator'),
      READ_BUCKETS,
      {
        Sid: 'ReadWithoutResourceLevelPermissions', Effect: 'Allow', Resource: '*',
        Action: ['s3:GetAccessPoint', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints'],
      },
      READ_ACCESS_POINTS,
      readMultiRegionAccessPoints(['s3:GetMultiRegionAccessPoint', 's3:GetMultiRegionAccessPointPolicy', 's3:GetMultiRegionAccessPointPolicyStatus']),
      {
        Sid: 'FindObjectLambdaAccessPointBuckets', Effect: 'Allow', Action: 's3:GetAccessPointConfigurationForObjectLambda',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3-object-lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':accesspoint/*']] },
      },
      ...ledgerStatements(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem']),
    ]);
  });

  test('no remediation permission exists while every remediation mode is off (the canary\'s one write is the coordinator\'s, on its own bucket)', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: { Sid?: string }[] } } }[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((st) => st.Sid !== 'WriteCanary');
    expect(JSON.stringify(statements)).not.toMatch(/PutBucketPublicAccessBlock|PutAccountPublicAccessBlock|RevokeSecurityGroupIngress/);
  });

  test('its log group keeps the audit trail for logRetentionDays (default 365) and is retained', () => {
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    synth({ logRetentionDays: 731 }).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });
});

describe('topic, queue and key', () => {
  test('the findings topic is KMS-encrypted and TLS-only, with one email subscription per configured address', () => {
    const { template } = synth({ notificationEmails: ['secops@example.com', 'oncall@example.com'] });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny', Action: 'sns:Publish', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]) },
    });
    // each address on the findings topic and on the ops topic (alarms about the guard itself)
    template.resourceCountIs('AWS::SNS::Subscription', 4);
    for (const topic of ['^GuardFindings', '^GuardOps']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com', TopicArn: { Ref: Match.stringLikeRegexp(topic) } });
    }
  });

  test('no email subscription when none is configured', () => {
    synth().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('the dead-letter queue is KMS-encrypted, TLS-only and keeps messages 14 days', () => {
    const { template } = synth();
    // the event path's dead-letter queue, the sweep's batch queue and its dead-letter queue
    template.resourceCountIs('AWS::SQS::Queue', 3);
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^GuardKey/), 'Arn'] });
    }
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
      ]) },
    });
  });

  test('the key rotates, and EventBridge may use it only for this account\'s rules in this region', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([{
        Sid: 'EventBridgeDeadLetters', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/*']] } },
        },
      }]) },
    });
  });
});

describe('operations', () => {
  const { template } = synth();

  test('alarms on the dead-letter queue and on each function\'s errors notify the ops topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^GuardS3EvaluatorFunction') } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }],
    });
  });

  test('CloudWatch alarms of this account and region may publish to the TLS-only ops topic (its own policy replaced SNS\'s default)', () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'))
      .filter((p) => JSON.stringify(p.Properties.Topics).includes('GuardOps'));
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
      Resource: { Ref: expect.stringMatching(/^GuardOps/) },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
      },
    });
  });

  test('every service that writes to a resource of the guard is allowed by that resource\'s policy', () => {
    // EventBridge → dead-letter queue: one Allow per rule, pinned to that rule's ARN.
    const queuePolicy = Object.values(template.findResources('AWS::SQS::QueuePolicy'))[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    const rules = Object.keys(template.findResources('AWS::Events::Rule'));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(queuePolicy).toContainEqual(expect.objectContaining({
        Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
      }));
    }
    // Every alarm acts on the ops topic, which CloudWatch may publish to (above) and whose key it may use (below).
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^GuardOps/) }]);
    }
    // The findings topic is written only by the guard's own roles (identity policies, same account).
    const findingsPolicy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))
      .find((p) => JSON.stringify(p.Properties.Topics).includes('GuardFindings'));
    expect(findingsPolicy?.Properties.PolicyDocument.Statement.filter((st: { Effect: string }) => st.Effect === 'Allow')).toEqual([]);
  });

  test('CloudWatch may use the key to publish alarms to the encrypted ops topic (its documented policy: no source conditions)', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([{
      Sid: 'CloudWatchAlarms', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*',
    }]) } });
  });

  test('saved Logs Insights queries for auditors read the audit record', () => {
    const logGroups = [{ Ref: Match.stringLikeRegexp('^GuardS3EvaluatorLogs') }, { Ref: Match.stringLikeRegexp('^GuardSecurityGroupEvaluatorLogs') },
      { Ref: Match.stringLikeRegexp('^GuardSweepCoordinatorLogs') }, { Ref: Match.stringLikeRegexp('^GuardSweepWorkerLogs') }];
    for (const [name, query] of Object.entries(AUDIT_QUERIES)) {
      template.hasResourceProperties('AWS::Logs::QueryDefinition', { Name: `ExposureGuard/${name}`, QueryString: query, LogGroupNames: logGroups });
    }
    template.resourceCountIs('AWS::Logs::QueryDefinition', Object.keys(AUDIT_QUERIES).length);
    // every result with an unread field, NON_COMPLIANT ones included
    template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'ExposureGuard/What could not be evaluated, and why',
      QueryString: Match.stringLikeRegexp('filter \\(message = "evaluation" and ispresent\\(unknown\\.0\\)\\)'),
    });
  });
});

describe('remediation permissions', () => {
  const writes = (template: Template, role: string) => policyStatementsOf(template, role)
    .filter((st) => /Put(Bucket|Account)PublicAccessBlock|RevokeSecurityGroupIngress/.test(JSON.stringify(st.Action)));

  test.each(['off', 'dry-run'] as const)('absent in %s mode (dry-run writes nothing)', (mode) => {
    const { template } = synth({ remediation: { s3BucketPublicAccess: mode, s3AccountPublicAccess: mode, securityGroupIngress: mode } });
    expect(writes(template, 'GuardS3EvaluatorRole')).toEqual([]);
    expect(writes(template, 'GuardSecurityGroupEvaluatorRole')).toEqual([]);
  });

  test('bucket enforce: only s3:PutBucketPublicAccessBlock, and an explicit Deny on exempt buckets IAM can express', () => {
    const { template } = synth({ remediation: { s3BucketPublicAccess: 'enforce' }, exemptBuckets: ['acme-site', 'public-*', '{a,b}-assets'] });
    expect(writes(template, 'GuardS3EvaluatorRole')).toEqual([
      {
        Sid: 'RemediateBucketPublicAccess', Effect: 'Allow', Action: 's3:PutBucketPublicAccessBlock', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::*']] },
        Condition: { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } },
      },
      { Sid: 'NeverRemediateExemptBuckets', Effect: 'Deny', Action: 's3:PutBucketPublicAccessBlock', Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-site']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::public-*']] },
      ] },
    ]);
    expect(writes(template, 'GuardSecurityGroupEvaluatorRole')).toEqual([]);
  });

  test('account enforce: only s3:PutAccountPublicAccessBlock (no resource-level support)', () => {
    const { template } = synth({ remediation: { s3AccountPublicAccess: 'enforce' } });
    expect(writes(template, 'GuardS3EvaluatorRole')).toEqual([
      { Sid: 'RemediateAccountPublicAccess', Effect: 'Allow', Action: 's3:PutAccountPublicAccessBlock', Resource: '*' },
    ]);
  });

  test('security-group enforce: only ec2:RevokeSecurityGroupIngress, on this account\'s groups in this region', () => {
    const { template } = synth({ remediation: { securityGroupIngress: 'enforce' } });
    expect(writes(template, 'GuardSecurityGroupEvaluatorRole')).toEqual([{
      Sid: 'RevokeWorldOpenIngress', Effect: 'Allow', Action: 'ec2:RevokeSecurityGroupIngress',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':security-group-rule/*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':security-group/*']] },
      ],
    }]);
    expect(writes(template, 'GuardS3EvaluatorRole')).toEqual([]);
  });

  test('every enforce mode together stays cdk-nag clean', () => {
    const { app } = synth({ remediation: { s3BucketPublicAccess: 'enforce', s3AccountPublicAccess: 'enforce', securityGroupIngress: 'enforce' }, exemptBuckets: ['site-*'] }, { nag: true });
    expect(nagViolations(app)).toEqual([]);
  });

  test('each function knows its own role, to recognise its own remediation calls', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({
      GUARD_ROLE_NAME: { Ref: Match.stringLikeRegexp('^GuardSecurityGroupEvaluatorRole') },
    }) } });
  });

  test.each(['RemediationFailures', 'RemediationUnreported', 'NotificationFailures', 'UnreachableTargets', 'LedgerFailures'])('%s raises an alarm on the ops topic', (metric) => {
    synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ExposureGuard', MetricName: metric, Dimensions: [{ Name: 'service', Value: 'exposure-guard' }],
      Threshold: 1, AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }],
    });
  });
});

describe('every read of the reads tables is granted to the function that makes it, at its scope and no wider', () => {
  const { template } = synth();
  const SCOPE: Record<GrantScope, RegExp> = {
    bucket: /^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":s3:::\*"\]\]\}$/,
    none: /^"\*"$/,
    'prefix-list': /":ec2:",\{"Ref":"AWS::Region"\},":\*:prefix-list\/\*"/,
    'own-prefix-list': /":ec2:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":prefix-list\/\*"/,
    'access-point': /":s3:\*:",\{"Ref":"AWS::AccountId"\},":accesspoint\/\*"/,
    'multi-region-access-point': /":s3::",\{"Ref":"AWS::AccountId"\},":accesspoint\/\*"/,
    'object-lambda-access-point': /":s3-object-lambda:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":accesspoint\/\*"/,
  };
  const rows = [
    ...[BUCKET_READS, ACCESS_POINT_READS, MULTI_REGION_ACCESS_POINT_READS, ACCESS_POINT_LOOKUPS, BUCKET_LISTINGS]
      .flatMap((t) => Object.values(t) as ReadRow[]).map((r) => ['GuardS3EvaluatorRole', r] as const),
    ...[GROUP_READS, GROUP_LOOKUPS].flatMap((t) => Object.values(t) as ReadRow[]).map((r) => ['GuardSecurityGroupEvaluatorRole', r] as const),
    ...[BUCKET_READS, ACCESS_POINT_READS, MULTI_REGION_ACCESS_POINT_READS, GROUP_READS].flatMap((t) => Object.values(t) as ReadRow[]).map((r) => ['GuardSweepWorkerRole', r] as const),
    ...[BUCKET_LISTINGS, GROUP_LISTINGS].flatMap((t) => Object.values(t) as ReadRow[]).map((r) => ['GuardSweepCoordinatorRole', r] as const),
  ];
  test.each(rows.map(([role, r]) => [r.command, r.iam, role, r] as const))('%s → %s on %s', (_command, action, role, row) => {
    const granting = policyStatementsOf(template, role).filter((st) => ([] as string[]).concat(st.Action as string | string[]).includes(action));
    expect(granting).toHaveLength(1);
    expect(JSON.stringify(granting[0]!.Resource)).toMatch(SCOPE[row.grant]);
  });
});

describe('every AWS call the functions make is granted (the fault matrix names each call and its IAM action)', () => {
  const { template } = synth({ remediation: { s3BucketPublicAccess: 'enforce', s3AccountPublicAccess: 'enforce', securityGroupIngress: 'enforce' } });
  const actionsOf = (role: string) => new Set(policyStatementsOf(template, role)
    .filter((st) => st.Effect === 'Allow').flatMap((st) => ([] as string[]).concat(st.Action as string | string[])));
  const roles = { S3: 'GuardS3EvaluatorRole', 'S3 Control': 'GuardS3EvaluatorRole', EC2: 'GuardSecurityGroupEvaluatorRole' } as const;
  test.each(MATRIX.filter((r) => r.iam).map((r) => [r.call, r.service, r.iam!] as const))('%s (%s) → %s', (_call, service, action) => {
    // The findings topic and the ledger serve both event functions (and the sweep's worker).
    const needed = service === 'SNS' || service === 'DynamoDB' ? ['GuardS3EvaluatorRole', 'GuardSecurityGroupEvaluatorRole', 'GuardSweepWorkerRole'] : [roles[service as keyof typeof roles]];
    for (const role of needed) expect({ role, granted: actionsOf(role).has(action) }).toEqual({ role, granted: true });
  });
});

describe('configuration', () => {
  test.each([
    [{ notificationEmails: ['not-an-email'] }, /^exposureGuard\.notificationEmails\.0: Invalid email address$/],
    [{ notifyMinSeverity: 'LOUD' }, /^exposureGuard\.notifyMinSeverity: /],
    [{ allowedPublicPorts: [443, 70000] }, /^exposureGuard\.allowedPublicPorts\.1: /],
    [{ remediation: { s3BucketPublicAccess: 'yes' } }, /^exposureGuard\.remediation\.s3BucketPublicAccess: /],
    [{ remediation: { s3Bucket: 'enforce' } }, /^exposureGuard\.remediation\.s3Bucket: unknown key/],
    [{ notifyEmails: ['a@example.com'] }, /^exposureGuard\.notifyEmails: unknown key/],
    [{ logRetentionDays: 10 }, /^exposureGuard\.logRetentionDays: must be one of/],
    [{ exemptBuckets: ['!prod-*'] }, /^exposureGuard\.exemptBuckets\.0: a leading "!" would exempt every resource/],
    [{ sweepSchedule: 'every day' }, /^exposureGuard\.sweepSchedule: must be an EventBridge schedule expression/],
    [{ createTrail: 'yes' }, /^exposureGuard\.createTrail: /],
    ['{"notifyMinSeverity": ', /^exposureGuard: not valid JSON/],
  ])('%j is rejected with one line naming the key', (input, message) => {
    expect(() => synth(input as ExposureGuardConfigInput)).toThrow(message);
  });

  test('every option is built: nothing warns "not built yet" at synth', () => {
    const { stack } = synth({ createTrail: true, sweepSchedule: 'rate(6 hours)', renotifyAfterHours: 8 });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('not built yet'))).toEqual([]);
  });

  test('createTrail (default off): a multi-region trail of management write events, log file validation, its own private bucket with a lifecycle', () => {
    expect(Object.keys(synth().template.findResources('AWS::CloudTrail::Trail'))).toEqual([]);
    const { template: withTrail } = synth({ createTrail: true, logRetentionDays: 400 });
    withTrail.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true, IsLogging: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
      S3BucketName: { Ref: Match.stringLikeRegexp('^GuardTrailLogs') },
    });
    withTrail.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })] },
      }),
    });
    withTrail.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^GuardTrailLogs') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the ExposureGuard construct validates what it is given (embedded in another CDK app), naming the key', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const host = new Stack(app, 'Host');
    expect(() => new ExposureGuard(host, 'Guard', { config: { notifyEmails: ['a@example.com'] } as ExposureGuardOptions })).toThrow(/^exposureGuard\.notifyEmails: unknown key/);
    expect(() => new ExposureGuard(host, 'Guard2', { config: '{"remediation":{"securityGroupIngress":"always"}}' })).toThrow(/^exposureGuard\.remediation\.securityGroupIngress: /);
    // a minimal deployment is a single `new`, every key at its default
    const guard = new ExposureGuard(new Stack(app, 'Minimal'), 'Guard');
    expect(guard.findingsTopic).toBeDefined();
  });

  test('the -c form (a JSON string) is accepted', () => {
    expect(parseConfig('{"notifyMinSeverity":"HIGH","allowedPublicPorts":[443]}')).toMatchObject({ notifyMinSeverity: 'HIGH', allowedPublicPorts: [443] });
  });

  test('explicit evaluation settings reach the function environment', () => {
    const { template } = synth({ allowedPublicPorts: [443, 8443], highRiskPorts: [22], notifyMinSeverity: 'HIGH' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({
      GUARD_SETTINGS: Match.serializedJson(Match.objectLike({ notifyMinSeverity: 'HIGH', allowedPublicPorts: [443, 8443], highRiskPorts: [22] })),
    }) } });
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['defaults', {}],
    ['every option set', { notificationEmails: ['secops@example.com'], notifyMinSeverity: 'HIGH', allowedPublicPorts: [443], logRetentionDays: 90, createTrail: true }],
  ])('%s: no unacknowledged finding, and every acknowledgement has a reason', (_name, input) => {
    const { app, stack } = synth(input as ExposureGuardConfigInput, { nag: true });
    expect(nagViolations(app)).toEqual([]);
    const acks = stack.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>)));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/^Annotation::AwsSolutions-/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  test('the check is live: an unacknowledged wildcard grant fails it', () => {
    expect(() => synth({}, { nag: true, tamper: (s) => s.guard.s3Function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::*'] })) })).toThrow(/AwsSolutions-IAM5|Validation failed/);
  });
});

describe('the sweep and the findings ledger', () => {
  const { template } = synth();
  const resources = template.toJSON().Resources as Record<string, unknown>;
  const idOf = (prefix: string) => Object.keys(resources).find((id) => id.startsWith(prefix))!;

  test('the ledger table: on demand, encrypted with the stack key, point-in-time recovery, TTL on expiresAt, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardKey'), 'Arn'] } },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
      DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
    });
  });

  test('the schedule runs the coordinator on sweepSchedule, with retries and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardSweepCoordinatorFunction'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDeadLetters'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      })],
    });
    expect(synth({ sweepSchedule: 'cron(0 3 * * ? *)' }).template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'cron(0 3 * * ? *)' } })).not.toEqual({});
  });

  test('the batch queue: encrypted, TLS-only, visibility six times the worker timeout, three receives then its own dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 1800,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf('GuardSweepDeadLetters'), 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300, Description: Match.stringLikeRegexp('one batch of the scheduled sweep') });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: idOf('GuardSweepBatches') }],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('the worker takes batches through an event source mapping with maximumConcurrency and per-message failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf('GuardSweepBatches'), 'Arn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^GuardSweepWorkerFunction') },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  test('the first sweep starts right after the deploy, asynchronously (the deploy does not wait), once', () => {
    template.hasResourceProperties('Custom::Trigger', {
      HandlerArn: Match.anyValue(),
      InvocationType: 'Event',
      ExecuteOnHandlerChange: false,
    });
  });

  test('the coordinator role: lists, enqueues, keeps the run, checks the guard\'s sight (trails, its canary, both topics); nothing else', () => {
    const [logs, deadLetters, key] = houseStatements('SweepCoordinator');
    expect(policyStatementsOf(template, 'GuardSweepCoordinatorRole')).toEqual([
      logs, deadLetters, key,
      // GUARD_BLIND goes to the operations topic as well as the findings topic.
      { Action: 'sns:Publish', Effect: 'Allow', Resource: [{ Ref: expect.stringMatching(/^GuardFindings/) }, { Ref: expect.stringMatching(/^GuardOps/) }] },
      { Sid: 'ReadWithoutResourceLevelPermissions', Effect: 'Allow', Action: ['ec2:DescribeSecurityGroups', 's3:ListAllMyBuckets'], Resource: '*' },
      ...ledgerStatements(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
      { Sid: 'EnqueueSweepBatches', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [idOf('GuardSweepBatches'), 'Arn'] } },
      { Sid: 'WriteSweepBatches', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GuardKey/), 'Arn'] } },
      {
        Sid: 'WriteCanary', Effect: 'Allow', Action: 's3:PutBucketPublicAccessBlock', Resource: { 'Fn::GetAtt': [idOf('GuardCanaryBucket'), 'Arn'] },
        Condition: { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } },
      },
      { Sid: 'ReadTrails', Effect: 'Allow', Action: 'cloudtrail:DescribeTrails', Resource: '*' },
      {
        Sid: 'ReadTrailStatus', Effect: 'Allow', Action: ['cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:*:trail/*']] },
      },
    ]);
  });

  test('the canary: a private bucket of the stack\'s own (encrypted, Block Public Access, TLS only) that only the coordinator may write, named to the S3 function', () => {
    const canary = idOf('GuardCanaryBucket');
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: canary },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const env = (prefix: string) => (Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))?.[1] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
    expect(env('GuardS3Evaluator')).toMatchObject({ CANARY_BUCKET: { Ref: canary }, CANARY_WRITER_ROLE: { Ref: expect.stringMatching(/^GuardSweepCoordinatorRole/) } });
    expect(env('GuardSweepCoordinator')).toMatchObject({ CANARY_BUCKET: { Ref: canary }, OPS_TOPIC_ARN: { Ref: expect.stringMatching(/^GuardOps/) } });
    // Nobody else writes it: the canary's event is trusted as a heartbeat only from the coordinator's role.
    const writers = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) => JSON.stringify(p).includes('PutBucketPublicAccessBlock')).map(([id]) => id);
    expect(writers).toEqual([expect.stringMatching(/^GuardSweepCoordinatorRole/)]);
  });

  test('the first sweep (the first canary) runs only after the path it must come back through exists: the S3 rule, its function, the canary, the trail', () => {
    const { template: withTrail } = synth({ createTrail: true });
    const trigger = Object.values(withTrail.findResources('Custom::Trigger'))[0] as { DependsOn: string[] };
    for (const id of [/^GuardS3Calls/, /^GuardS3EvaluatorFunction/, /^GuardCanaryBucket/, /^GuardTrail[0-9A-F]{8}$/]) {
      expect(trigger.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(id)]));
    }
  });

  test('the dead man\'s switch: no canary heartbeat in two sweep intervals (missing data breaches) alarms on the ops topic, whether or not the sweep runs', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryLatency', Namespace: 'ExposureGuard', Statistic: 'SampleCount', Period: 86_400, EvaluationPeriods: 2, DatapointsToAlarm: 2,
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
      Dimensions: Match.arrayWith([{ Name: 'path', Value: 'canary' }]), AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }],
    });
    synth({ sweepSchedule: 'rate(6 hours)' }).template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeliveryLatency', Period: 21_600, EvaluationPeriods: 2 });
    expect(JSON.stringify(synth({ sweepSchedule: 'cron(0 3 * * ? *)' }).template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('DeliveryLatency');
  });

  test('a failed canary write raises an alarm on the ops topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CanaryFailures', Namespace: 'ExposureGuard', AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }],
    });
  });

  test('the worker role: the event path\'s reads, the ledger, and consuming its queue; nothing else', () => {
    expect(policyStatementsOf(template, 'GuardSweepWorkerRole')).toEqual([
      ...houseStatements('SweepWorker'),
      READ_BUCKETS,
      {
        Sid: 'ReadWithoutResourceLevelPermissions', Effect: 'Allow', Resource: '*',
        Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 's3:GetAccessPoint',
          's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListMultiRegionAccessPoints'],
      },
      READ_ACCESS_POINTS,
      readMultiRegionAccessPoints(['s3:GetMultiRegionAccessPointPolicy', 's3:GetMultiRegionAccessPointPolicyStatus']),
      {
        Sid: 'ReadPrefixListEntries', Effect: 'Allow', Action: 'ec2:GetManagedPrefixListEntries',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':*:prefix-list/*']] },
      },
      ...ledgerStatements(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
      {
        Sid: 'ConsumeSweepBatches', Effect: 'Allow', Resource: { 'Fn::GetAtt': [idOf('GuardSweepBatches'), 'Arn'] },
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      },
      { Sid: 'ReadSweepBatches', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GuardKey/), 'Arn'] } },
    ]);
  });

  test('the worker remediates what it finds only in enforce modes, with the event path\'s exact grants', () => {
    const enforced = synth({ remediation: { s3BucketPublicAccess: 'enforce', s3AccountPublicAccess: 'enforce', securityGroupIngress: 'enforce' } }).template;
    const sids = policyStatementsOf(enforced, 'GuardSweepWorkerRole').map((st) => st.Sid).filter(Boolean);
    expect(sids).toEqual(expect.arrayContaining(['RemediateBucketPublicAccess', 'RemediateAccountPublicAccess', 'RevokeWorldOpenIngress']));
    expect(JSON.stringify(policyStatementsOf(template, 'GuardSweepWorkerRole'))).not.toMatch(/PutBucketPublicAccessBlock|PutAccountPublicAccessBlock|Revoke/);
  });

  test('the sweep\'s dead-letter queue and an unfinished sweep each raise an alarm on the ops topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('GuardSweepDeadLetters'), 'QueueName'] } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SweepUnfinished', AlarmActions: [{ Ref: Match.stringLikeRegexp('^GuardOps') }] });
  });
});

describe('the cost model', () => {
  test('prices as many alarms as the stack makes', () => {
    const { template } = synth();
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(ASSUMPTIONS.alarms);
  });
});
