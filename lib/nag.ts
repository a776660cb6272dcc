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
    reason: 'The function re-reads whichever bucket a CloudTrail event names; bucket names are not known at deploy time. Actions are the exact Get* reads of the snapshot.',
  });
  Validations.of(guard.s3Function.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 's3:GetAccountPublicAccessBlock supports no resource-level permissions (Service Authorization Reference), so it stands alone in its own statement.',
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
