#!/usr/bin/env node
// The `exposure-guard` command: the compiled CLI (dist/, built by `npm ci` through the `prepare`
// script, or `npm run build:cli`). Without it (installed with --ignore-scripts) it runs the
// TypeScript sources through tsx, which starts several times slower, and says so.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(bundle)) {
  require(bundle).main();
} else {
  process.stderr.write('exposure-guard: dist/cli.js is missing (installed with --ignore-scripts?): running from the TypeScript sources, slower; `npm run build:cli` builds it\n');
  require('tsx/cjs/api').require('./cli.ts', __filename).main();
}
