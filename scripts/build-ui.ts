/**
 * Production bundles of the Custom UI surfaces: static/build/<surface>/index.html, index.js and
 * index.css, with relative asset paths so each folder works as a Forge `resources` entry.
 *
 *   npm run build:ui            build every surface
 *   npm run build:ui -- --check exit 1 when the build is missing or older than its sources
 */
import { build, type Metafile } from 'esbuild';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { SURFACES, type Surface } from '../src/shared/surfaces';

const ROOT = resolve(__dirname, '..');
export const BUILD_DIR = join(ROOT, 'static', 'build');
const STAMP = join(BUILD_DIR, 'build-inputs.json');

const TITLES: Record<Surface, string> = {
  'issue-panel': 'POPM Guard: ownership',
  'issue-context': 'POPM Guard: owners',
  'project-page': 'POPM Guard: project',
  gadget: 'POPM Guard gadget',
  admin: 'POPM Guard settings',
  'project-settings': 'POPM Guard project settings',
  queue: 'POPM Guard: awaiting my acceptance',
};

function html(surface: Surface): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLES[surface]}</title>
<link rel="stylesheet" href="./index.css">
</head>
<body>
<div id="root"></div>
<script src="./index.js"></script>
</body>
</html>
`;
}

async function buildSurface(surface: Surface): Promise<Metafile> {
  const outdir = join(BUILD_DIR, surface);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: { index: join(ROOT, 'static', 'src', surface, 'index.tsx') },
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.png': 'dataurl', '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    legalComments: 'none',
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
  });
  // Atlaskit ships no CSS for some surfaces; the page still links index.css, so make sure it exists.
  await writeFile(
    join(outdir, 'index.css'),
    await readFile(join(outdir, 'index.css'), 'utf8').catch(() => ''),
  );
  await writeFile(join(outdir, 'index.html'), html(surface));
  return result.metafile;
}

/** Builds every surface in parallel; records the inputs so staleness can be checked cheaply. */
export async function buildUi(log: (m: string) => void = () => undefined): Promise<void> {
  const started = Date.now();
  const metas = await Promise.all(SURFACES.map((s) => buildSurface(s)));
  const inputs = new Set<string>();
  for (const m of metas)
    for (const i of Object.keys(m.inputs)) if (!i.includes('node_modules')) inputs.add(i);
  await writeFile(
    STAMP,
    JSON.stringify({ builtAt: new Date().toISOString(), inputs: [...inputs].sort() }, null, 1),
  );
  log(`built ${SURFACES.length} UI bundles into ${BUILD_DIR} in ${Date.now() - started} ms`);
}

/** True when a bundle is missing or one of our own source files changed since the last build. */
export async function isUiStale(): Promise<boolean> {
  let stamp: { builtAt: string; inputs: string[] };
  try {
    const raw: unknown = JSON.parse(await readFile(STAMP, 'utf8'));
    if (!raw || typeof raw !== 'object' || !('builtAt' in raw) || !('inputs' in raw)) return true;
    const { builtAt, inputs } = raw;
    if (typeof builtAt !== 'string' || !Array.isArray(inputs)) return true;
    stamp = { builtAt, inputs: inputs.filter((x): x is string => typeof x === 'string') };
  } catch {
    return true;
  }
  const builtAt = Date.parse(stamp.builtAt);
  for (const s of SURFACES) {
    try {
      await stat(join(BUILD_DIR, s, 'index.js'));
    } catch {
      return true;
    }
  }
  // New files are caught too: any new import also changes an existing, listed file.
  for (const input of stamp.inputs) {
    try {
      if ((await stat(join(ROOT, input))).mtimeMs > builtAt) return true;
    } catch {
      return true;
    }
  }
  return false;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  (check
    ? isUiStale().then((stale) => {
        process.stderr.write(stale ? 'UI bundles are missing or stale\n' : 'UI bundles are up to date\n');
        process.exit(stale ? 1 : 0);
      })
    : buildUi((m) => process.stderr.write(m + '\n'))
  ).catch((e: unknown) => {
    process.stderr.write(`build-ui failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
