/**
 * Counters in CloudWatch's embedded metric format: one JSON line per metric and dimension set,
 * written at flush. CloudWatch Logs turns the lines into metrics; no PutMetricData call and no
 * permission. Hand-written (a dozen lines) rather than Powertools Metrics, to keep 10 KiB out of
 * every bundle (see docs/benchmarks.md).
 */

export interface MetricsSink {
  count(name: string, dimensions?: Record<string, string>): void;
  flush(): void;
}

export const METRICS_NAMESPACE = 'ExposureGuard';
const SERVICE = 'exposure-guard';

export class EmfMetricsSink implements MetricsSink {
  private readonly counts = new Map<string, { name: string; dimensions: Record<string, string>; value: number }>();

  /** Written raw to stdout: Lambda's JSON log format wraps console.* output, which would hide the EMF. */
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  count(name: string, dimensions: Record<string, string> = {}): void {
    const key = `${name}\u0000${JSON.stringify(dimensions)}`;
    const entry = this.counts.get(key);
    if (entry) entry.value += 1;
    else this.counts.set(key, { name, dimensions, value: 1 });
  }

  flush(): void {
    const timestamp = Date.now();
    for (const { name, dimensions, value } of this.counts.values()) {
      const dims = { service: SERVICE, ...dimensions };
      this.write(`${JSON.stringify({
        _aws: { Timestamp: timestamp, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(dims)], Metrics: [{ Name: name, Unit: 'Count' }] }] },
        ...dims,
        [name]: value,
      })}\n`);
    }
    this.counts.clear();
  }
}
