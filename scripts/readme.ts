/**
 * Rewrites the README's generated sections in place: the check table (from the catalog) and
 * "What happens when…" (from the fault matrix), and the example messages (scripts/examples.ts). `npx tsx scripts/readme.ts`; tests hold them equal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCheckTable } from '../lambda/core/checks';
import { renderMatrix } from '../test/fault-matrix/table';
import { EXAMPLES, renderExampleSection } from './examples';

const file = join(__dirname, '..', 'README.md');
const sections: Record<string, string> = {
  checks: renderCheckTable(),
  'fault-matrix': renderMatrix(),
  ...Object.fromEntries(Object.keys(EXAMPLES).map((name) => [`email-example-${name}`, renderExampleSection(name)])),
};
let readme = readFileSync(file, 'utf8');
for (const [name, body] of Object.entries(sections)) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const [head, rest] = readme.split(start);
  const tail = rest?.split(end)[1];
  if (head === undefined || tail === undefined) throw new Error(`README.md has no ${start} … ${end} section`);
  readme = `${head}${start}\n${body}\n${end}${tail}`;
}
writeFileSync(file, readme);
