/** The shared pipeline: every target of an event finishes before a failure propagates. */
import { buildResult } from '../../lambda/core/model/result';
import { resolveSettings } from '../../lambda/core/model/settings';
import { processEvent, type Evaluator, type PipelineDeps } from '../../lambda/app/pipeline';
import { cloudTrailFixture } from '../fixtures/load';
import { ec2Error } from '../helpers/aws-errors';
import { RecordingLogger } from '../helpers/recording-logger';

function twoGroupEvent() {
  const event = cloudTrailFixture('ec2-modify-network-interface-groups.json');
  const rp = event.detail.requestParameters as Record<string, unknown>;
  rp.groupSet = { items: [{ groupId: 'sg-0aaaaaaaaaaaaaaa1' }, { groupId: 'sg-0bbbbbbbbbbbbbbb2' }] };
  return event;
}

test('one failing target: the others finish (evaluated, logged, metrics flushed once after all), then the error propagates', async () => {
  const logger = new RecordingLogger();
  const order: string[] = [];
  const metrics = { count: () => undefined, flush: () => { order.push('flush'); } };
  const throttled = ec2Error('RequestLimitExceeded', 503, 'Request limit exceeded.');
  const evaluate: Evaluator = async (target) => {
    if (target.type !== 'security-group') throw new Error('unexpected');
    if (target.groupId === 'sg-0aaaaaaaaaaaaaaa1') throw throttled;
    // the healthy target is still reading when the other one fails
    await new Promise((resolve) => setImmediate(resolve));
    order.push('second done');
    return { result: buildResult({ type: 'security-group', id: target.groupId }, [], [], {}) };
  };
  const deps: PipelineDeps = { settings: resolveSettings(), clients: { client: () => { throw new Error('no clients'); } }, logger, notifier: { publish: async () => 'm' }, metrics };

  await expect(processEvent(twoGroupEvent(), deps, evaluate)).rejects.toBe(throttled);
  expect(order).toEqual(['second done', 'flush']);
  expect(logger.find('evaluation').map((e) => (e.data.resource as { id: string }).id)).toEqual(['sg-0bbbbbbbbbbbbbbb2']);
  expect(logger.find('event failed')[0]?.data).toMatchObject({ failedTargets: 1, targets: 2, errors: [{ name: 'RequestLimitExceeded' }] });
});

describe('delivery latency (eventTime → the function taking the event up)', () => {
  const observing = () => {
    const observed: [string, number, Record<string, string> | undefined][] = [];
    return { observed, metrics: { count: () => undefined, observe: (n: string, v: number, _u: 'Milliseconds', d?: Record<string, string>) => { observed.push([n, v, d]); }, flush: () => undefined } };
  };
  const evaluate: Evaluator = async (target) => ({ result: buildResult({ type: 'security-group', id: target.type === 'security-group' ? target.groupId : '?' }, [], [], {}) });
  const base = (logger: RecordingLogger, metrics: PipelineDeps['metrics'], receivedAt: Date): PipelineDeps => ({
    settings: resolveSettings(), clients: { client: () => { throw new Error('no clients'); } }, logger, notifier: { publish: async () => 'm' }, metrics, receivedAt,
  });

  test('is a metric of its own series and in the event\'s and each evaluation\'s audit record', async () => {
    const logger = new RecordingLogger();
    const { observed, metrics } = observing();
    const event = twoGroupEvent();
    const at = Date.parse(event.detail.eventTime as string);
    await processEvent(event, base(logger, metrics, new Date(at + 87_500)), evaluate);
    expect(observed).toEqual([['DeliveryLatency', 87_500, { path: 'event' }]]);
    expect(logger.find('event received')[0]?.data.deliveryLatencyMs).toBe(87_500);
    expect(logger.find('evaluation').map((e) => e.data.deliveryLatencyMs)).toEqual([87_500, 87_500]);
  });

  test('a skipped event was delivered too: measured and logged', async () => {
    const logger = new RecordingLogger();
    const { observed, metrics } = observing();
    const event = cloudTrailFixture('ec2-authorize-ingress-error.json');
    const at = Date.parse(event.detail.eventTime as string);
    await processEvent(event, base(logger, metrics, new Date(at + 5_000)), evaluate);
    expect(observed).toEqual([['DeliveryLatency', 5_000, { path: 'event' }]]);
    expect(logger.find('event skipped')[0]?.data.deliveryLatencyMs).toBe(5_000);
  });

  test('no usable eventTime: nothing measured (never a made-up number); a clock behind eventTime counts as 0', async () => {
    const logger = new RecordingLogger();
    const { observed, metrics } = observing();
    const event = twoGroupEvent();
    const at = Date.parse(event.detail.eventTime as string);
    await processEvent(event, base(logger, metrics, new Date(at - 800)), evaluate);
    delete event.detail.eventTime;
    delete (event as Record<string, unknown>).time;
    await processEvent(event, base(logger, metrics, new Date(at)), evaluate);
    expect(observed).toEqual([['DeliveryLatency', 0, { path: 'event' }]]);
  });
});
