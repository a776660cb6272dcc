/** The embedded-metric-format lines CloudWatch turns into the guard's metrics (and its alarm). */
import { EmfMetricsSink } from '../../../lambda/adapters/metrics';

test('counts are aggregated per name and dimensions, one EMF line each, with the service dimension the alarm filters on', () => {
  const lines: string[] = [];
  const sink = new EmfMetricsSink((l) => lines.push(l));
  sink.count('Findings', { severity: 'HIGH' });
  sink.count('Findings', { severity: 'HIGH' });
  sink.count('RemediationFailures');
  sink.flush();
  const docs = lines.map((l) => JSON.parse(l));
  expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
  expect(docs).toEqual([
    {
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ExposureGuard', Dimensions: [['service', 'severity']], Metrics: [{ Name: 'Findings', Unit: 'Count' }] }] },
      service: 'exposure-guard', severity: 'HIGH', Findings: 2,
    },
    {
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ExposureGuard', Dimensions: [['service']], Metrics: [{ Name: 'RemediationFailures', Unit: 'Count' }] }] },
      service: 'exposure-guard', RemediationFailures: 1,
    },
  ]);
  lines.length = 0;
  sink.flush();
  expect(lines).toEqual([]);
});

test('measured values (delivery latency) go out in milliseconds, as EMF value arrays of at most 100, per dimension set', () => {
  const lines: string[] = [];
  const sink = new EmfMetricsSink((l) => lines.push(l));
  for (let i = 0; i < 101; i++) sink.observe('DeliveryLatency', i, 'Milliseconds', { path: 'event' });
  sink.observe('DeliveryLatency', 41_000, 'Milliseconds', { path: 'canary' });
  sink.flush();
  const docs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(docs.map((d) => [d.path, (d.DeliveryLatency as number[]).length])).toEqual([['event', 100], ['event', 1], ['canary', 1]]);
  expect(docs[2]).toEqual({
    _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ExposureGuard', Dimensions: [['service', 'path']], Metrics: [{ Name: 'DeliveryLatency', Unit: 'Milliseconds' }] }] },
    service: 'exposure-guard', path: 'canary', DeliveryLatency: [41_000],
  });
  lines.length = 0;
  sink.flush();
  expect(lines).toEqual([]);
});
