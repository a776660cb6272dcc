/**
 * Evaluation throughput on one core, against the cost of merely parsing the same snapshots.
 *
 * JSON.parse of the snapshot text is the floor every evaluation pays anyway (the reader builds the
 * snapshot from SDK responses of about that size), so "evaluation costs at most 3× parsing"
 * is a budget that scales with input size rather than a fixed per-item number that depends on
 * the machine. Run directly: `npx tsx bench/throughput.ts [--buckets N] [--groups N] [--seed S] [--min-ms MS]`.
 */
import { evaluateBucket } from '../lambda/core/s3/evaluator';
import { resolveSettings, type GuardSettings } from '../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../lambda/core/sg/evaluator';
import type { BucketSnapshot, SecurityGroupSnapshot } from '../lambda/core/model/types';
import { generateBucketSnapshots, generateSecurityGroupSnapshots } from './generate';

export const EVAL_TO_PARSE_TARGET = 3;

export interface Rate {
  /** Items handled per second. */
  perSec: number;
  /** Passes over the whole set, and the time they took. */
  passes: number;
  totalMs: number;
}

export interface KindReport {
  items: number;
  /** Mean size of one snapshot's JSON text. */
  meanBytes: number;
  parsePerSec: number;
  evalPerSec: number;
  /** Time to evaluate ÷ time to parse the same items. */
  evalToParse: number;
  met: boolean;
  /** Findings produced per pass: proves the work was done, and lets runs be compared. */
  findings: number;
}

export interface ThroughputReport {
  buckets: KindReport;
  groups: KindReport;
  combined: KindReport;
  target: { evalToParse: number };
  met: boolean;
  seed: number;
  minMs: number;
  node: string;
}

type Item = { kind: 'bucket'; snapshot: BucketSnapshot } | { kind: 'group'; snapshot: SecurityGroupSnapshot };

/** Runs `pass` until `minMs` have elapsed (at least once); the rate is items per second over all passes. */
function timeUntil(minMs: number, items: number, pass: () => void): Rate {
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed: number;
  do {
    pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  } while (elapsed < minMs);
  return { perSec: (items * passes) / (elapsed / 1000), passes, totalMs: elapsed };
}

/** A value the passes feed, so the JIT cannot prove their results unused and drop the work. */
let sink = 0;

function parseAll(texts: readonly string[]): void {
  for (const t of texts) sink += (JSON.parse(t) as object) === null ? 1 : 0;
}

function evaluate(item: Item, settings: GuardSettings): number {
  const result = item.kind === 'bucket' ? evaluateBucket(item.snapshot) : evaluateSecurityGroup(item.snapshot, settings);
  return result.findings.length;
}

function evaluateAll(items: readonly Item[], settings: GuardSettings): number {
  let findings = 0;
  for (const item of items) findings += evaluate(item, settings);
  sink += findings;
  return findings;
}

/** Parse and evaluate rates for one set of snapshots, each after its own warm-up. */
const ROUNDS = 5;

function measureKind(items: readonly Item[], settings: GuardSettings, minMs: number): KindReport {
  const texts = items.map((i) => JSON.stringify(i.snapshot));
  // Evaluate what JSON.parse produced, as the Lambda does, not the generator's objects.
  const parsed: Item[] = items.map((item, i) => ({ kind: item.kind, snapshot: JSON.parse(texts[i] as string) }) as Item);
  const warmMs = Math.min(500, minMs / 3);
  timeUntil(warmMs, texts.length, () => parseAll(texts));
  timeUntil(warmMs, parsed.length, () => evaluateAll(parsed, settings));
  // Parse and evaluation alternate in rounds and the median round is reported: a machine whose
  // speed drifts (other tenants, GC, frequency) then moves both sides of the ratio together.
  let findings = 0;
  const rounds: { parse: Rate; evaluation: Rate }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const parseRate = timeUntil(minMs / ROUNDS, texts.length, () => parseAll(texts));
    const evalRate = timeUntil(minMs / ROUNDS, parsed.length, () => { findings = evaluateAll(parsed, settings); });
    rounds.push({ parse: parseRate, evaluation: evalRate });
  }
  rounds.sort((a, b) => a.parse.perSec / a.evaluation.perSec - b.parse.perSec / b.evaluation.perSec);
  const { parse, evaluation } = rounds[Math.floor(ROUNDS / 2)]!;
  const evalToParse = parse.perSec / evaluation.perSec;
  return {
    items: items.length,
    meanBytes: Math.round(texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length),
    parsePerSec: Math.round(parse.perSec),
    evalPerSec: Math.round(evaluation.perSec),
    evalToParse: Number(evalToParse.toFixed(2)),
    met: evalToParse <= EVAL_TO_PARSE_TARGET,
    findings,
  };
}

/** Buckets and groups alternating, as a mixed event stream would interleave them. */
function interleave(a: readonly Item[], b: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i] as Item);
    if (b[i]) out.push(b[i] as Item);
  }
  return out;
}

export function measureThroughput(opts: { buckets?: number; groups?: number; seed?: number; minMs?: number } = {}): ThroughputReport {
  const { buckets: nb = 2000, groups: ng = 2000, seed = 20240601, minMs = 1500 } = opts;
  const settings = resolveSettings();
  const buckets: Item[] = generateBucketSnapshots(nb, seed).map((snapshot) => ({ kind: 'bucket', snapshot }));
  // A different seed for groups, so changing the bucket count does not shift the group data.
  const groups: Item[] = generateSecurityGroupSnapshots(ng, seed + 1).map((snapshot) => ({ kind: 'group', snapshot }));
  const report = {
    buckets: measureKind(buckets, settings, minMs),
    groups: measureKind(groups, settings, minMs),
    combined: measureKind(interleave(buckets, groups), settings, minMs),
  };
  return {
    ...report,
    target: { evalToParse: EVAL_TO_PARSE_TARGET },
    met: report.buckets.met && report.groups.met && report.combined.met,
    seed,
    minMs,
    node: process.version,
  };
}

/* ---- command line ---- */

function numberFlag(args: readonly string[], name: string): number | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

function printTable(r: ThroughputReport): void {
  const rows = (['buckets', 'groups', 'combined'] as const).map((k) => ({
    kind: k, items: r[k].items, meanBytes: r[k].meanBytes, parsePerSec: r[k].parsePerSec, evalPerSec: r[k].evalPerSec,
    evalToParse: r[k].evalToParse, target: `≤ ${r.target.evalToParse}`, met: r[k].met,
  }));
  console.table(rows);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const report = measureThroughput({
    buckets: numberFlag(args, 'buckets'), groups: numberFlag(args, 'groups'), seed: numberFlag(args, 'seed'), minMs: numberFlag(args, 'min-ms'),
  });
  if (args.includes('--json-only')) console.log(JSON.stringify(report));
  else {
    printTable(report);
    console.log(JSON.stringify(report, null, 2));
  }
  if (sink === -1) console.log(''); // keeps `sink` observable
}
