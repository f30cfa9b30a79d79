/**
 * The `popm` bundle: src/cli/main.ts and everything it imports in one file, dist/popm.cjs, so a
 * start is one `node` process reading one file instead of tsx compiling TypeScript every time.
 *
 *   npm run build:cli      build it now
 *   bin/popm.cjs           builds it on first use, and again when a source it holds has changed
 *
 * Plain CommonJS (no tsx) because bin/popm.cjs loads it on every start.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'src', 'cli', 'main.ts');
const BUNDLE = path.join(ROOT, 'dist', 'popm.cjs');
/** The files the bundle was built from (esbuild's metafile), to tell when it is stale. */
const INPUTS = path.join(ROOT, 'dist', 'popm.inputs.json');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when the bundle exists and no file it was built from is newer. */
function isFresh() {
  const built = mtime(BUNDLE);
  if (built === undefined) return false;
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(INPUTS, 'utf8'));
  } catch {
    return false;
  }
  if (!Array.isArray(inputs)) return false;
  for (const input of inputs) {
    const changed = mtime(path.join(ROOT, input));
    // A deleted input means the sources moved: rebuild.
    if (changed === undefined || changed > built) return false;
  }
  return true;
}

function build() {
  // esbuild is a devDependency: present after `npm ci` in the repository.
  const esbuild = require('esbuild');
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  inputs.push('package.json', 'package-lock.json', 'scripts/build-cli.cjs');
  // Written then renamed, so two first runs at once never read half a bundle.
  fs.writeFileSync(INPUTS, JSON.stringify(inputs));
  fs.renameSync(tmp, BUNDLE);
  return { bundle: BUNDLE, inputs: inputs.length };
}

/** The bundle's path, building it first when it is missing or stale. */
function ensureBundle() {
  if (!isFresh()) build();
  return BUNDLE;
}

module.exports = { BUNDLE, build, ensureBundle, isFresh };

if (require.main === module) {
  const t = Date.now();
  const { bundle, inputs } = build();
  const kib = (fs.statSync(bundle).size / 1024).toFixed(0);
  console.log(
    `built ${path.relative(ROOT, bundle)} (${kib} KiB from ${inputs} sources) in ${Date.now() - t} ms`,
  );
}
