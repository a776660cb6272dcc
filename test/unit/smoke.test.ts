import { evaluateBucket } from '../../lambda/core/s3-evaluator';
test('a name-only snapshot is INCOMPLETE', () => {
  expect(evaluateBucket({ name: 'x' }).status).toBe('INCOMPLETE');
});
