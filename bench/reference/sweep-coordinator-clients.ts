/** Cold-start reference for the sweep coordinator: the SDK clients it uses (and the DynamoDB marshaller), nothing else. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export const clients = [
  new S3Client({ region: 'eu-west-1' }),
  new S3ControlClient({ region: 'eu-west-1' }),
  new EC2Client({ region: 'eu-west-1' }),
  new SQSClient({ region: 'eu-west-1' }),
  new SNSClient({ region: 'eu-west-1' }),
  new DynamoDBClient({ region: 'eu-west-1' }),
  // The GUARD_BLIND check reads the trails.
  new CloudTrailClient({ region: 'eu-west-1' }),
];
export const codec = { marshall, unmarshall };
