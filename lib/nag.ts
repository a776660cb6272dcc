import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ExposureGuardStack } from './exposure-guard-stack';

/**
 * The cdk-nag AwsSolutions findings this stack acknowledges, each for exactly the finding id
 * and construct it concerns, with the reason a reviewer needs.
 */
export function acknowledgeNagFindings(stack: ExposureGuardStack): void {
  const guard = stack.guard;
  const acknowledgements: [IConstruct, string, string][] = [
    [guard.deadLetterQueue, 'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the functions\' on-failure destinations and of the EventBridge rule targets; an alarm watches its depth.'],
    [guard.s3Function.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::*]',
      'The function re-reads whichever bucket a CloudTrail event names; bucket names are not known at deploy time. Actions are the exact Get* reads of the snapshot, plus s3:PutBucketPublicAccessBlock only when bucket remediation is enforce (exempt buckets denied).'],
    [guard.s3Function.role, 'AwsSolutions-IAM5[Resource::*]',
      's3:GetAccountPublicAccessBlock and s3:ListAllMyBuckets (every bucket is re-evaluated after an account-level change), in one read statement derived from the reads table, and s3:PutAccountPublicAccessBlock (its own statement, present only when account remediation is enforce) support no resource-level permissions (Service Authorization Reference).'],
    [guard.securityGroupFunction.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group-rule/*]',
      'RevokeSecurityGroupIngress by SecurityGroupRuleIds (enforce only) may be authorised against the rule resources too; same account and region, the one action.'],
    [guard.securityGroupFunction.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group/*]',
      'Remediation (enforce only) revokes rules of whichever group an event names, in this account and region only; the action is RevokeSecurityGroupIngress alone and the code revokes single rule ids.'],
    [guard.securityGroupFunction.role, 'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeSecurityGroups, DescribeSecurityGroupRules, DescribeNetworkInterfaces, DescribeInstances (the groups of an instance that gained a public address) and DescribeManagedPrefixLists (whether a list change has been applied) support no resource-level permissions; the statement holds only these reads, derived from the reads table.'],
    [guard.securityGroupFunction.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:*:prefix-list/*]',
      'A rule may name an AWS-managed or shared prefix list whose owner account is not known at deploy time; the grant is the one read action, in this region.'],
    [guard.securityGroupFunction.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:prefix-list/*]',
      'A ModifyManagedPrefixList event may name any of this account\'s lists; the grant is ec2:GetManagedPrefixListAssociations alone (who uses the list), in this account and region.'],
    [guard.sweep.coordinator.role, 'AwsSolutions-IAM5[Resource::*]',
      's3:ListAllMyBuckets and ec2:DescribeSecurityGroups (the inventory it enqueues), derived from the listings tables, and cloudtrail:DescribeTrails (the GUARD_BLIND check, its own statement) support no resource-level permissions.'],
    [guard.sweep.coordinator.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudtrail:*:*:trail/*]',
      'The GUARD_BLIND check reads the status and event selectors of whichever trail covers this region: a multi-region trail of another home region or an organization trail of the management account, neither known at deploy time. The two read actions only.'],
    [guard.canary.bucket, 'AwsSolutions-S1',
      'The canary bucket never holds an object; its only writes are the sweep\'s own PutBucketPublicAccessBlock, which CloudTrail records (that record is the heartbeat). Access logs would add a second bucket with nothing to log.'],
    ...(guard.trail ? [[guard.trail.bucket, 'AwsSolutions-S1',
      'The trail\'s own log bucket: access logs of it would need a further bucket, and every change to it is itself a management event the trail records.'] as [IConstruct, string, string]] : []),
    [guard.sweep.worker.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::*]',
      'The worker reads every bucket the coordinator listed; names are not known at deploy time. The exact Get* reads of the snapshot (this account only), plus s3:PutBucketPublicAccessBlock only when bucket remediation is enforce (exempt buckets denied).'],
    [guard.sweep.worker.role, 'AwsSolutions-IAM5[Resource::*]',
      's3:GetAccountPublicAccessBlock and EC2\'s Describe* reads support no resource-level permissions; s3:PutAccountPublicAccessBlock (enforce only) neither. The statement holds only the reads tables\' actions.'],
    [guard.sweep.worker.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:*:prefix-list/*]',
      'A swept group\'s rule may name an AWS-managed or shared prefix list whose owner is not known at deploy time; ec2:GetManagedPrefixListEntries alone, in this region.'],
    [guard.sweep.worker.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group-rule/*]',
      'As the security-group function: RevokeSecurityGroupIngress (enforce only) of swept groups, this account and region.'],
    [guard.sweep.worker.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group/*]',
      'As the security-group function: RevokeSecurityGroupIngress (enforce only) of swept groups, this account and region.'],
    ...[guard.s3Function.role, guard.sweep.worker.role].flatMap((role): [IConstruct, string, string][] => [
      [role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:*:<AWS::AccountId>:accesspoint/*]',
        'The bucket under evaluation may have any of this account\'s access points, in the bucket\'s region (every region\'s sweep reads every bucket); names are not known at deploy time. s3:GetAccessPointPolicy and s3:GetAccessPointPolicyStatus only (s3:GetAccessPoint has no resource-level permission).'],
      [role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3::<AWS::AccountId>:accesspoint/*]',
        'Multi-Region Access Points of this account (their ARNs have no region) that include the bucket: s3:GetMultiRegionAccessPointPolicy and its status (and, for the event function, s3:GetMultiRegionAccessPoint to find the buckets behind one).'],
    ]),
    [guard.s3Function.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3-object-lambda:<AWS::Region>:<AWS::AccountId>:accesspoint/*]',
      'An Object Lambda access point event names the access point, not its bucket: s3:GetAccessPointConfigurationForObjectLambda alone finds the access point it stands on, this account and region.'],
    [guard.sweep.deadLetterQueue, 'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the sweep\'s batch queue; an alarm watches its depth.'],
  ];
  for (const [construct, id, reason] of acknowledgements) Validations.of(construct).acknowledge({ id, reason });
}
