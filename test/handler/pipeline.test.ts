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
