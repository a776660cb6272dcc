import { GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand, type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { BPA_FLAGS, type PublicAccessBlockFlags } from '../core/model/types';
import { errorName } from './aws-errors';

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

const allOn = (c: PublicAccessBlockFlags | undefined): boolean => BPA_FLAGS.every((f) => c?.[f] === true);

export interface AppliedBlock {
  /** What a re-read shows after the change; `verified` when all four flags read back on. */
  after: PublicAccessBlockFlags | null;
  verified: boolean;
}

/** PutPublicAccessBlock replaces the whole configuration, so all four flags are always sent. */
export async function blockBucketPublicAccess(s3: S3Client, bucket: string, account?: string): Promise<AppliedBlock> {
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, ExpectedBucketOwner: account, PublicAccessBlockConfiguration: ALL_ON }));
  try {
    const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
    return { after: out.PublicAccessBlockConfiguration ?? null, verified: allOn(out.PublicAccessBlockConfiguration) };
  } catch (error) {
    if (errorName(error) === 'NoSuchPublicAccessBlockConfiguration') return { after: null, verified: false };
    throw error;
  }
}

/** Account level: may be refused (403) when an AWS Organizations S3 policy manages these settings. */
export async function blockAccountPublicAccess(s3control: S3ControlClient, account: string): Promise<AppliedBlock> {
  await s3control.send(new PutAccountPublicAccessBlockCommand({ AccountId: account, PublicAccessBlockConfiguration: ALL_ON }));
  try {
    const out = await s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId: account }));
    return { after: out.PublicAccessBlockConfiguration ?? null, verified: allOn(out.PublicAccessBlockConfiguration) };
  } catch (error) {
    if (errorName(error) === 'NoSuchPublicAccessBlockConfiguration') return { after: null, verified: false };
    throw error;
  }
}
