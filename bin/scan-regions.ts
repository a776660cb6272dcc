/**
 * Which regions a scan covers. Security groups are regional, so they are read per region; buckets
 * are listed once for the account (ListBuckets names each bucket's region), and reported only for
 * the regions asked for, when any were.
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ClientConfig, ClientFactory } from '../lambda/adapters/clients';
import { InputError } from './cli-errors';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export interface RegionChoice {
  /** Where STS, the bucket listing and DescribeRegions are called. */
  home: string | undefined;
  /** The regions asked for: a list, every enabled one, or (nothing given) the home region only. */
  groups: { kind: 'list'; regions: string[] } | { kind: 'all' } | { kind: 'home' };
  /** The regions whose buckets are reported; undefined: every bucket. */
  bucketRegions: ReadonlySet<string> | undefined;
}

export function chooseRegions(flags: { region?: string; regions?: string }, env: NodeJS.ProcessEnv): RegionChoice {
  if (flags.region !== undefined && flags.regions !== undefined) throw new InputError('scan: --region and --regions: give one of them', true);
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const check = (r: string, flag: string) => { if (!REGION.test(r)) throw new InputError(`scan: ${flag}: "${r}" is not a region name (e.g. eu-west-1)`); return r; };
  if (flags.region !== undefined) {
    const region = check(flags.region, '--region');
    return { home: region, groups: { kind: 'list', regions: [region] }, bucketRegions: new Set([region]) };
  }
  if (flags.regions === 'all') return { home: envRegion ?? 'us-east-1', groups: { kind: 'all' }, bucketRegions: undefined };
  if (flags.regions !== undefined) {
    const regions = [...new Set(flags.regions.split(',').map((r) => r.trim()).filter(Boolean))].map((r) => check(r, '--regions'));
    if (regions.length === 0) throw new InputError('scan: --regions: give "all" or a comma-separated list of regions');
    return { home: envRegion && regions.includes(envRegion) ? envRegion : regions[0], groups: { kind: 'list', regions }, bucketRegions: new Set(regions) };
  }
  return { home: envRegion, groups: { kind: 'home' }, bucketRegions: undefined };
}

/** The regions enabled for the account (opt-in regions only once opted in): DescribeRegions' default answer. */
export async function enabledRegions(clients: ClientFactory, home: string | undefined, config: ClientConfig): Promise<string[]> {
  const out = await clients.client(EC2Client, { region: home }, config).send(new DescribeRegionsCommand({}));
  return (out.Regions ?? [])
    .filter((r) => r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName).filter((n): n is string => !!n).sort();
}
