/**
 * Cold-start reference for the security-group function: nothing but the AWS SDK clients it uses,
 * constructed once. Whatever the real bundle costs beyond this is our code, Powertools and wiring.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

// Exported so the bundler keeps the constructions, as the handler keeps its clients.
export const clients = [
  new EC2Client({ region: 'eu-west-1' }),
  new SNSClient({ region: 'eu-west-1' }),
  // the findings ledger
  new DynamoDBClient({ region: 'eu-west-1' }),
];
export const codec = { marshall, unmarshall };
