/**
 * Cold-start reference for the S3 function: nothing but the AWS SDK clients it uses, constructed
 * once. Whatever the real bundle costs beyond this is our code, Powertools and wiring.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

// Exported so the bundler keeps the constructions, as the handler keeps its clients.
export const clients = [
  new S3Client({ region: 'eu-west-1' }),
  new S3ControlClient({ region: 'eu-west-1' }),
  new SNSClient({ region: 'eu-west-1' }),
  // the findings ledger
  new DynamoDBClient({ region: 'eu-west-1' }),
];
export const codec = { marshall, unmarshall };
