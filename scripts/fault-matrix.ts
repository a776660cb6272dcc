/** Prints the README's "What happens when…" table from the fault matrix: `npx tsx scripts/fault-matrix.ts`. */
import { renderMatrix } from '../test/fault-matrix/table';

process.stdout.write(`${renderMatrix()}\n`);
