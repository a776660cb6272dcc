/** The SDK command class a table row names ("GetBucketPolicy" of S3 → GetBucketPolicyCommand). */
import * as DynamoDB from '@aws-sdk/client-dynamodb';
import * as EC2 from '@aws-sdk/client-ec2';
import * as S3 from '@aws-sdk/client-s3';
import * as S3Control from '@aws-sdk/client-s3-control';
import * as SNS from '@aws-sdk/client-sns';
import * as STS from '@aws-sdk/client-sts';
import type { AwsCommand } from 'aws-sdk-client-mock';

export type Service = 'S3' | 'S3 Control' | 'EC2' | 'SNS' | 'STS' | 'DynamoDB';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandClass = new (input: never) => AwsCommand<never, any, any, any>;

const MODULES: Record<Service, unknown> = { S3, 'S3 Control': S3Control, EC2, SNS, STS, DynamoDB };

export function commandOf(service: Service, command: string): CommandClass {
  const found = (MODULES[service] as Record<string, CommandClass | undefined>)[`${command}Command`];
  if (!found) throw new Error(`no ${command}Command in the ${service} client`);
  return found;
}
