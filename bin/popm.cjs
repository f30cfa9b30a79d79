#!/usr/bin/env node
/**
 * `popm` (package.json `bin`, so `npx popm` works after `npm ci`): runs the prebuilt bundle
 * dist/popm.cjs, building it once first when it is missing or older than its sources.
 */
'use strict';
const { ensureBundle } = require('../scripts/build-cli.cjs');

let bundle;
try {
  bundle = ensureBundle();
} catch (e) {
  process.stderr.write(
    `popm: could not build the CLI bundle (run npm ci, then npm run build:cli): ${e && e.message ? e.message : String(e)}\n`,
  );
  process.exit(70);
}
require(bundle);
