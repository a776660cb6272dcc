#!/usr/bin/env node
/**
 * The compiled CLI: `npm ci` runs this as `prepare`, so `exposure-guard` starts without compiling
 * TypeScript (bin/exposure-guard.js runs dist/cli.js). Three bundles, so each command loads only
 * what it needs: dist/cli.js (evaluate, targets, help: no AWS SDK), dist/scan.js (scan, with the
 * SDK bundled and pinned), dist/config.js (--config's validator; aws-cdk-lib stays in node_modules).
 * Plain CommonJS: it must run before anything is compiled. `node scripts/build-cli.js`.
 */
'use strict';
const { build } = require('esbuild');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'dist');

const COMMON = {
  absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  minify: true, legalComments: 'none', logLevel: 'warning',
};

/** bin/cli.ts requires these lazily; in the bundle they stay separate files beside it. */
const LAZY = { './cli-scan': './scan.js', '../lib/config': './config.js' };
const lazyChunks = {
  name: 'lazy-chunks',
  setup(b) {
    b.onResolve({ filter: /^(\.\/cli-scan|\.\.\/lib\/config)$/ }, (args) => (
      args.importer.endsWith(join('bin', 'cli.ts')) ? { path: LAZY[args.path], external: true } : undefined));
  },
};

async function buildCli() {
  await Promise.all([
    build({ ...COMMON, entryPoints: ['bin/cli.ts'], outfile: join(OUT, 'cli.js'), plugins: [lazyChunks] }),
    build({ ...COMMON, entryPoints: ['bin/cli-scan.ts'], outfile: join(OUT, 'scan.js') }),
    build({ ...COMMON, entryPoints: ['lib/config.ts'], outfile: join(OUT, 'config.js'), external: ['aws-cdk-lib', 'aws-cdk-lib/*'] }),
  ]);
}

module.exports = { buildCli, OUT };

if (require.main === module) {
  buildCli().catch((error) => {
    process.stderr.write(`build-cli: ${error && error.message ? error.message : error}\n`);
    process.exit(1);
  });
}
