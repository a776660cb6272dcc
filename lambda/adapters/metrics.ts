/**
 * Counters in CloudWatch's embedded metric format: one JSON line per metric and dimension set,
 * written at flush. CloudWatch Logs turns the lines into metrics; no PutMetricData call and no
 * permission. Hand-written (a dozen lines) rather than Powertools Metrics, to keep 10 KiB out of
 * every bundle (see docs/benchmarks.md).
 */

export interface MetricsSink {
  count(name: string, dimensions?: Record<string, string>): void;
  /** A measured value (a delivery latency); sinks that keep only counts may leave it out. */
  observe?(name: string, value: number, unit: 'Milliseconds', dimensions?: Record<string, string>): void;
  flush(): void;
}

/** EMF takes at most 100 values of one metric per record. */
const MAX_VALUES = 100;

export const METRICS_NAMESPACE = 'ExposureGuard';
const SERVICE = 'exposure-guard';

export class EmfMetricsSink implements MetricsSink {
  private readonly counts = new Map<string, { name: string; dimensions: Record<string, string>; value: number }>();
  private readonly values = new Map<string, { name: string; unit: string; dimensions: Record<string, string>; values: number[] }>();

  /** Written raw to stdout: Lambda's JSON log format wraps console.* output, which would hide the EMF. */
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  count(name: string, dimensions: Record<string, string> = {}): void {
    const key = `${name}\u0000${JSON.stringify(dimensions)}`;
    const entry = this.counts.get(key);
    if (entry) entry.value += 1;
    else this.counts.set(key, { name, dimensions, value: 1 });
  }

  observe(name: string, value: number, unit: 'Milliseconds', dimensions: Record<string, string> = {}): void {
    const key = `${name}\u0000${JSON.stringify(dimensions)}`;
    const entry = this.values.get(key);
    if (entry) entry.values.push(value);
    else this.values.set(key, { name, unit, dimensions, values: [value] });
  }

  flush(): void {
    const timestamp = Date.now();
    const record = (name: string, unit: string, dimensions: Record<string, string>, value: number | number[]) => {
      const dims = { service: SERVICE, ...dimensions };
      this.write(`${JSON.stringify({
        _aws: { Timestamp: timestamp, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(dims)], Metrics: [{ Name: name, Unit: unit }] }] },
        ...dims,
        [name]: value,
      })}\n`);
    };
    for (const { name, dimensions, value } of this.counts.values()) record(name, 'Count', dimensions, value);
    for (const { name, unit, dimensions, values } of this.values.values()) {
      for (let i = 0; i < values.length; i += MAX_VALUES) record(name, unit, dimensions, values.slice(i, i + MAX_VALUES));
    }
    this.counts.clear();
    this.values.clear();
  }
}
