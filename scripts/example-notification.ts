/**
 * Prints one of the README's example messages (scripts/examples.ts), produced by the code the Lambda runs.
 *   npx tsx scripts/example-notification.ts [bucket|sg|unread|resolved|digest]
 */
import { EXAMPLES, renderExample } from './examples';

const name = process.argv[2] ?? 'bucket';
if (!EXAMPLES[name]) {
  console.error(`usage: example-notification.ts [${Object.keys(EXAMPLES).join('|')}]`);
  process.exit(2);
}
console.log(renderExample(name));
