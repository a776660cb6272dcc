import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Counters the pipeline emits; an interface so tests can record them. */
export interface MetricsSink {
  count(name: string, dimensions?: Record<string, string>): void;
  flush(): void;
}

export const METRICS_NAMESPACE = 'ExposureGuard';

/** CloudWatch embedded-metric-format lines via Powertools: no PutMetricData calls, no extra permission. */
export class PowertoolsMetricsSink implements MetricsSink {
  constructor(private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'exposure-guard' })) {}

  count(name: string, dimensions?: Record<string, string>): void {
    if (!dimensions) {
      this.metrics.addMetric(name, MetricUnit.Count, 1);
      return;
    }
    const single = this.metrics.singleMetric();
    for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
    single.addMetric(name, MetricUnit.Count, 1);
  }

  flush(): void {
    this.metrics.publishStoredMetrics();
  }
}
