#!/usr/bin/env node
// The `brain` CLI: runs the built CLI app (npm run build).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('brain: not built yet: run `npm run build` first\n');
  process.exit(1);
}
require(entry);
