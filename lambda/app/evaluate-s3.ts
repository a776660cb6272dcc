import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { blockAccountPublicAccess, blockBucketPublicAccess } from '../adapters/block-public-access';
import { accessPointListings, listMultiRegionAccessPoints } from '../adapters/access-point-reader';
import { accountSnapshotOf, readAccount, readBucket, type BucketClients } from '../adapters/bucket-reader';
import type { ClientConfig } from '../adapters/clients';
import { MULTI_REGION_CONTROL_REGION } from '../core/s3/reads';
import { planBlockPublicAccess, withRemediation } from '../core/remediation/plan';
import { evaluateAccount, evaluateBucket } from '../core/s3/evaluator';
import { remediationConcerns } from '../core/checks';
import type { BucketSnapshot, EvaluationResult } from '../core/model/types';
import { journalRemediation, type Evaluator, type PipelineDeps } from './pipeline';
import { carryOut, summary } from './remediate';

/** Buckets live in one region each; followRegionRedirects re-sends a misdirected call there. */
const S3_CONFIG = { followRegionRedirects: true };

const concernsBucket = remediationConcerns('s3BucketPublicAccess');

/**
 * The clients one bucket's reads need: S3 in the bucket's region, S3 Control in the function's
 * region (the account setting), in the bucket's (its access points) and in us-west-2 (Multi-Region
 * Access Points); the shared account-wide reads when many buckets are read together.
 */
export function bucketClients(deps: PipelineDeps, account: string | undefined, bucketRegion: string | undefined, extra: ClientConfig = {}): BucketClients {
  const home = { account, region: deps.defaultRegion };
  const local = { account, region: bucketRegion ?? deps.defaultRegion };
  return {
    s3: deps.clients.client(S3Client, local, { ...S3_CONFIG, ...extra }),
    s3control: deps.clients.client(S3ControlClient, home, extra),
    s3controlBucketRegion: deps.clients.client(S3ControlClient, local, extra),
    s3controlMultiRegion: deps.clients.client(S3ControlClient, { account, region: MULTI_REGION_CONTROL_REGION }, extra),
    ...(deps.accountPublicAccessBlock ? { accountPublicAccessBlock: deps.accountPublicAccessBlock } : {}),
    ...(deps.multiRegionAccessPoints ? { multiRegionAccessPoints: deps.multiRegionAccessPoints } : {}),
    ...(deps.accessPointListings ? { accessPointListings: deps.accessPointListings } : {}),
  };
}
/**
 * The account-wide access-point listings many buckets share (a sweep batch, a scan): each made
 * once, lazily per region for access points; they never reject (a failure is a field).
 */
export function sharedAccessPointReads(deps: PipelineDeps, account: string | undefined, extra: ClientConfig = {}): Pick<PipelineDeps, 'multiRegionAccessPoints' | 'accessPointListings'> {
  return {
    multiRegionAccessPoints: deps.multiRegionAccessPoints
      ?? listMultiRegionAccessPoints(deps.clients.client(S3ControlClient, { account, region: MULTI_REGION_CONTROL_REGION }, extra), account),
    accessPointListings: deps.accessPointListings
      ?? accessPointListings((region) => deps.clients.client(S3ControlClient, { account, region }, extra), account),
  };
}
const concernsAccount = remediationConcerns('s3AccountPublicAccess');

export const evaluateS3Target: Evaluator = async (target, deps) => {
  const where = { account: target.account ?? deps.defaultAccount, region: target.region ?? deps.defaultRegion };
  const s3control = deps.clients.client(S3ControlClient, where);
  if (target.type === 's3-account') {
    const { remediation } = deps.settings;
    // Shared when many buckets are evaluated together (the scan): the setting is read once.
    const snapshot = deps.accountPublicAccessBlock
      ? accountSnapshotOf(await deps.accountPublicAccessBlock, target.account, where.region)
      : await readAccount(s3control, target.account, where.region);
    const result = evaluateAccount(snapshot);
    const plan = planBlockPublicAccess({
      mode: remediation.s3AccountPublicAccess, modeKey: 's3AccountPublicAccess',
      current: snapshot.accountPublicAccessBlock, what: `account ${target.account}`, names: [target.account], exemptions: [],
    });
    if (plan.kind === 'none') return { result };
    if (plan.kind === 'skip') return { result: withRemediation(result, plan.report, concernsAccount) };
    const report = await carryOut(plan, () => blockAccountPublicAccess(s3control, target.account), (applied) => ({
      verified: applied.verified,
      after: summary(evaluateAccount({ ...snapshot, accountPublicAccessBlock: applied.after }).findings),
    }), journalRemediation(deps, result.resource));
    return { result: withRemediation(result, report, concernsAccount) };
  }

  if (target.type !== 's3-bucket') throw new Error(`the S3 path cannot evaluate a ${target.type} target`);
  const clients = bucketClients(deps, where.account, where.region);
  const read = await readBucket(clients, target.name, where);
  if (read.kind === 'gone') return { gone: read.reason };
  return { result: await evaluateAndRemediateBucket(read.snapshot, clients.s3, deps) };
};

/** Evaluation and, per mode, Block Public Access for one bucket snapshot (events and the sweep alike). */
export async function evaluateAndRemediateBucket(snapshot: BucketSnapshot, s3: S3Client, deps: PipelineDeps): Promise<EvaluationResult> {
  const result = evaluateBucket(snapshot, deps.settings);
  const plan = planBlockPublicAccess({
    mode: deps.settings.remediation.s3BucketPublicAccess, modeKey: 's3BucketPublicAccess',
    current: snapshot.publicAccessBlock, what: `bucket ${snapshot.name}`, names: [snapshot.name],
    exemptions: deps.settings.exemptBuckets, exemptionsKey: 'exemptBuckets',
  });
  if (plan.kind === 'none') return result;
  if (plan.kind === 'skip') return withRemediation(result, plan.report, concernsBucket);
  const report = await carryOut(plan, () => blockBucketPublicAccess(s3, snapshot.name, snapshot.account), (applied) => ({
    verified: applied.verified,
    after: summary(evaluateBucket({ ...snapshot, publicAccessBlock: applied.after }, deps.settings).findings),
  }), journalRemediation(deps, result.resource));
  return withRemediation(result, report, concernsBucket);
}
