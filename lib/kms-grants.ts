import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Exact grants for writing to a KMS-encrypted topic or queue. The L2 `grantPublish` /
 * `grantSendMessages` add `kms:ReEncrypt*` and `kms:GenerateDataKey*`, more than a producer
 * needs: SNS and SQS ask the producer's principal only for GenerateDataKey and Decrypt.
 */
function keyUse(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] });
}

export function grantPublishEncrypted(topic: sns.ITopic, key: kms.IKey, role: iam.IRole): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  role.addToPrincipalPolicy(keyUse(key));
}

/** A Lambda on-failure destination with the exact send grant (SqsDestination would use grantSendMessages). */
export class EncryptedQueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue, private readonly key: kms.IKey) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    fn.addToRolePolicy(keyUse(this.key));
    return { destination: this.queue.queueArn };
  }
}
