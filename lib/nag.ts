import { Validations } from 'aws-cdk-lib';
import type { ExposureGuardStack } from './exposure-guard-stack';

/**
 * The cdk-nag AwsSolutions findings this stack acknowledges, each for exactly the finding id
 * and construct it concerns, with the reason a reviewer needs.
 */
export function acknowledgeNagFindings(stack: ExposureGuardStack): void {
  const guard = stack.guard;
  Validations.of(guard.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the functions\' on-failure destinations and of the EventBridge rule targets; an alarm watches its depth.',
  });
  Validations.of(guard.s3Function.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::*]',
    reason: 'The function re-reads whichever bucket a CloudTrail event names; bucket names are not known at deploy time. Actions are the exact Get* reads of the snapshot, plus s3:PutBucketPublicAccessBlock only when bucket remediation is enforce (exempt buckets denied).',
  });
  Validations.of(guard.s3Function.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 's3:GetAccountPublicAccessBlock (and s3:PutAccountPublicAccessBlock, present only when account remediation is enforce) support no resource-level permissions (Service Authorization Reference); each stands in its own statement.',
  });
  Validations.of(guard.securityGroupFunction.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group-rule/*]',
    reason: 'RevokeSecurityGroupIngress by SecurityGroupRuleIds (enforce only) may be authorised against the rule resources too; same account and region, the one action.',
  });
  Validations.of(guard.securityGroupFunction.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group/*]',
    reason: 'Remediation (enforce only) revokes rules of whichever group an event names, in this account and region only; the action is RevokeSecurityGroupIngress alone and the code revokes single rule ids.',
  });
  Validations.of(guard.securityGroupFunction.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeSecurityGroups, DescribeSecurityGroupRules and DescribeNetworkInterfaces support no resource-level permissions; the statement holds only these three reads.',
  });
  Validations.of(guard.securityGroupFunction.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:*:prefix-list/*]',
    reason: 'A rule may name an AWS-managed or shared prefix list whose owner account is not known at deploy time; the grant is the one read action, in this region.',
  });
}
