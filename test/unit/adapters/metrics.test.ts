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
