/**
 * AWS errors as the SDK v3 deserialises them: a ServiceException subclass whose `name` is the
 * service's error code, with $fault and $metadata. Names are the real ones S3, S3 Control, EC2, SNS, STS, DynamoDB and CloudTrail return.
 */
import { CloudTrailServiceException } from '@aws-sdk/client-cloudtrail';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { S3ControlServiceException } from '@aws-sdk/client-s3-control';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { STSServiceException } from '@aws-sdk/client-sts';

const meta = (status: number) => ({ httpStatusCode: status, requestId: 'EXAMPLE1234567890', attempts: 1, totalRetryDelay: 0 });

export function s3Error(name: string, status: number, message: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}
export function s3ControlError(name: string, status: number, message: string): S3ControlServiceException {
  return new S3ControlServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}
export function ec2Error(name: string, status: number, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}
export function stsError(name: string, status: number, message: string): STSServiceException {
  return new STSServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}
export function dynamoError(name: string, status: number, message: string): DynamoDBServiceException {
  return new DynamoDBServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}
export function cloudTrailError(name: string, status: number, message: string): CloudTrailServiceException {
  return new CloudTrailServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}
export function snsError(name: string, status: number, message: string): SNSServiceException {
  return new SNSServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}

export const S3_ERRORS = {
  noSuchBucketPolicy: () => s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist'),
  noSuchPublicAccessBlock: () => s3Error('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  ownershipNotFound: () => s3Error('OwnershipControlsNotFoundError', 404, 'The bucket ownership controls were not found'),
  noSuchWebsite: () => s3Error('NoSuchWebsiteConfiguration', 404, 'The specified bucket does not have a website configuration'),
  noSuchTagSet: () => s3Error('NoSuchTagSet', 404, 'The TagSet does not exist'),
  noSuchBucket: () => s3Error('NoSuchBucket', 404, 'The specified bucket does not exist'),
  accessDenied: () => s3Error('AccessDenied', 403, 'Access Denied'),
  slowDown: () => s3Error('SlowDown', 503, 'Please reduce your request rate.'),
};
