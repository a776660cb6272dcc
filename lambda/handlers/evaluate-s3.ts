import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { readAccount, readBucket } from '../adapters/bucket-reader';
import { evaluateAccount, evaluateBucket } from '../core/s3-evaluator';
import type { Evaluator } from './pipeline';

/** Buckets live in one region each; followRegionRedirects re-sends a misdirected call there. */
const S3_CONFIG = { followRegionRedirects: true };

export const evaluateS3Target: Evaluator = async (target, deps) => {
  const where = { account: target.account ?? deps.defaultAccount, region: target.region ?? deps.defaultRegion };
  const s3control = deps.clients.client(S3ControlClient, where);
  if (target.type === 's3-account') {
    return { result: evaluateAccount(await readAccount(s3control, target.account, where.region)) };
  }
  if (target.type !== 's3-bucket') throw new Error(`the S3 path cannot evaluate a ${target.type} target`);
  const read = await readBucket({ s3: deps.clients.client(S3Client, where, S3_CONFIG), s3control }, target.name, where);
  if (read.kind === 'gone') return { gone: read.reason };
  return { result: evaluateBucket(read.snapshot) };
};
