/** The README's example messages are what the code sends: regenerate with `npx tsx scripts/readme.ts`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, renderExampleSection } from '../../../scripts/examples';

const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

test.each(Object.keys(EXAMPLES))('README example "%s" is the message the code composes', (name) => {
  const section = readme.split(`<!-- email-example-${name}:start -->`)[1]?.split(`<!-- email-example-${name}:end -->`)[0]?.trim();
  expect(section).toBe(renderExampleSection(name));
});
