/**
 * An access point call re-evaluates the bucket behind the access point. A live access point names
 * its bucket (S3 Control); a deleted one cannot, so the ledger's open findings that name it do.
 * Whatever cannot be resolved is logged with the reason; an error propagates (Lambda retries).
 */
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  bucketOfAccessPoint, bucketOfObjectLambdaAccessPoint, bucketsOfMultiRegionAccessPoint, type AccessPointResolution,
} from '../adapters/access-point-resolver';
import type { Target } from '../core/events/target';
import { accessPathName } from '../core/ledger/policy';
import { MULTI_REGION_CONTROL_REGION } from '../core/s3/reads';
import type { Trigger } from '../core/model/types';
import { AUDIT_SCHEMA_VERSION, type Expander, type PipelineDeps } from './pipeline';

type AccessPointTarget = Extract<Target, { type: 'access-point' | 'multi-region-access-point' | 'object-lambda-access-point' }>;

const isAccessPointTarget = (t: Target): t is AccessPointTarget =>
  t.type === 'access-point' || t.type === 'multi-region-access-point' || t.type === 'object-lambda-access-point';

/** `s3-bucket#111122223333##name` → the bucket's name and account. */
function bucketOfKey(resourceKey: string): { name: string; account?: string } | undefined {
  const [type, account, , name] = resourceKey.split('#');
  return type === 's3-bucket' && name ? { name, ...(account ? { account } : {}) } : undefined;
}

/** The buckets whose open findings name a deleted access point: the ones its deletion may close. */
async function bucketsNaming(target: AccessPointTarget, deps: PipelineDeps): Promise<AccessPointResolution> {
  const what = `${target.type === 'access-point' ? 'access point' : 'Multi-Region Access Point'} ${target.name}`;
  if (!deps.ledger) return { kind: 'gone', reason: `${what} no longer exists, and without a ledger nothing names its bucket: the next sweep re-checks every bucket` };
  const path = accessPathName(target.type === 'access-point' ? 'access point' : 'multi-region access point', target.name);
  const entries = await deps.ledger.store.openFindingsNaming(path);
  const buckets = entries.flatMap((e) => {
    const b = bucketOfKey(e.resourceKey);
    return b ? [{ ...b, ...(e.accessPaths?.region ? { region: e.accessPaths.region } : {}) }] : [];
  });
  return buckets.length > 0
    ? { kind: 'buckets', buckets }
    : { kind: 'gone', reason: `${what} no longer exists, and no open finding names it: its deletion closes nothing the guard reported` };
}

async function resolve(target: AccessPointTarget, deps: PipelineDeps): Promise<AccessPointResolution> {
  const account = target.account ?? deps.defaultAccount;
  const region = target.region ?? deps.defaultRegion;
  if (!account || !region) return { kind: 'gone', reason: `${target.type} ${target.name}: the event names no account or region` };
  const control = (r: string) => deps.clients.client(S3ControlClient, { account, region: r });
  if ('deleted' in target && target.deleted) return bucketsNaming(target, deps);
  switch (target.type) {
    case 'access-point': {
      const live = await bucketOfAccessPoint(control(region), account, target.name, region);
      // Deleted since the call: the ledger still knows what it exposed.
      return live.kind === 'gone' ? bucketsNaming(target, deps) : live;
    }
    case 'multi-region-access-point':
      return bucketsOfMultiRegionAccessPoint(control(MULTI_REGION_CONTROL_REGION), account, target.name);
    case 'object-lambda-access-point':
      return bucketOfObjectLambdaAccessPoint(control, account, target.name, region);
  }
}

/** The S3 handler's expander: access point targets become the buckets behind them; the rest pass through. */
export const expandAccessPointTargets: Expander = async (targets, deps, trigger?: Trigger) => {
  const out = new Map<string, Target>();
  const add = (t: Target & { type: 's3-bucket' | 's3-account' }) => out.set(`${t.type}:${t.type === 's3-bucket' ? t.name : t.account}`, t);
  let failed: unknown;
  const settled = await Promise.allSettled(targets.map((t) => (isAccessPointTarget(t) ? resolve(t, deps) : Promise.resolve(undefined))));
  for (const [i, target] of targets.entries()) {
    if (!isAccessPointTarget(target)) {
      if (target.type === 's3-bucket' || target.type === 's3-account') add(target);
      continue;
    }
    const outcome = settled[i]!;
    if (outcome.status === 'rejected') {
      failed ??= outcome.reason;
      continue;
    }
    const resolution = outcome.value!;
    if (resolution.kind === 'gone') {
      deps.logger.info('resource gone', { schemaVersion: AUDIT_SCHEMA_VERSION, target, reason: resolution.reason, trigger });
      continue;
    }
    if (resolution.kind === 'elsewhere') {
      deps.logger.info('event skipped', { schemaVersion: AUDIT_SCHEMA_VERSION, target, reason: resolution.reason, trigger });
      continue;
    }
    const account = target.account ?? deps.defaultAccount;
    for (const b of resolution.buckets) {
      if (b.account && account && b.account !== account) {
        // A cross-account access point: the bucket is judged by its owner's guard (its policy must delegate here).
        deps.logger.info('event skipped', {
          schemaVersion: AUDIT_SCHEMA_VERSION, target, trigger,
          reason: `${target.name} stands on bucket ${b.name} of account ${b.account}: that bucket is judged by its owner's guard`,
        });
        continue;
      }
      add({ type: 's3-bucket', name: b.name, ...(account ? { account } : {}), ...(b.region ?? target.region ? { region: b.region ?? target.region } : {}) });
    }
  }
  return { targets: [...out.values()], ...(failed !== undefined ? { failed } : {}) };
};
