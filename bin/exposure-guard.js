#!/usr/bin/env node
// The `exposure-guard` command: runs the TypeScript CLI through tsx, so it works right after `npm ci`.
require('tsx/cjs/api').require('./cli.ts', __filename).main();
