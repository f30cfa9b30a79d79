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

/** Atlaskit reads platform flags through this module; see static/src/stubs/feature-gates.ts. */
const FEATURE_GATE_PACKAGE = '@atlaskit/feature-gate-js-client';
const FEATURE_GATES = `${FEATURE_GATE_PACKAGE}/feature-gates`;

/**
 * The surfaces that build zod schemas in the browser (the configuration forms validate with the
 * contract's schemas). Only they get zod, and its jitless switch (static/src/zod-jitless.ts); the
 * build fails when zod reaches another surface, which is ~25 KB gzipped its view does not need.
 */
const SCHEMA_SURFACES: ReadonlySet<Surface> = new Set(['admin', 'project-settings']);
const ZOD = 'node_modules/zod/';

/** How the entry point reaches zod: the shortest chain of our imports, for the error message. */
export function zodChain(meta: Metafile, entry: string): string | null {
  const from = new Map<string, string>([[entry, '']]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { path } of meta.inputs[file]?.imports ?? []) {
      if (path.includes(ZOD)) {
        const chain = [path];
        for (let f: string | undefined = file; f; f = from.get(f)) chain.unshift(f);
        return chain.join(' > ');
      }
      if (!from.has(path)) {
        from.set(path, file);
        queue.push(path);
      }
    }
  }
  return null;
}

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
<script type="module" src="./index.js"></script>
</body>
</html>
`;
}

async function buildSurface(surface: Surface): Promise<Metafile> {
  const outdir = join(BUILD_DIR, surface);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const entry = `static/src/${surface}/index.tsx`;
  const result = await build({
    entryPoints: { index: entry },
    // Before any module of the surface builds a zod schema (see the file).
    inject: SCHEMA_SURFACES.has(surface) ? [join(ROOT, 'static', 'src', 'zod-jitless.ts')] : [],
    outdir,
    bundle: true,
    minify: true,
    // ES modules with splitting: what a view needs only sometimes (the token fallback, iframe
    // resizing for ADF) becomes a chunk fetched on demand instead of weighing on every load.
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    alias: { [FEATURE_GATES]: join(ROOT, 'static', 'src', 'stubs', 'feature-gates.ts') },
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
  const leaked = Object.keys(result.metafile.inputs).filter((i) => i.includes(FEATURE_GATE_PACKAGE));
  if (leaked.length > 0) {
    throw new Error(
      `${surface} bundles ${leaked.join(', ')}: something uses the feature-gate client beyond ${FEATURE_GATES}, which the stub cannot stand in for`,
    );
  }
  const zod = SCHEMA_SURFACES.has(surface) ? null : zodChain(result.metafile, entry);
  if (zod !== null) {
    throw new Error(
      `${surface} bundles zod (${zod}): the UI imports only types from src/shared/contract.ts; plain values belong in a zod-free module such as src/shared/limits.ts`,
    );
  }
  // Atlaskit's components bring their CSS with them; esbuild writes a lazily loaded chunk's CSS to a
  // file of its own that nothing would load, so all of it joins index.css (always loaded, cheap).
  const cssFiles = Object.keys(result.metafile.outputs)
    .filter((o) => o.endsWith('.css'))
    .map((o) => join(ROOT, o));
  const indexCss = join(outdir, 'index.css');
  const css: string[] = [];
  for (const f of [indexCss, ...cssFiles.filter((f) => f !== indexCss).sort()]) {
    css.push(await readFile(f, 'utf8').catch(() => ''));
    if (f !== indexCss) await rm(f, { force: true });
  }
  await writeFile(indexCss, css.filter(Boolean).join('\n'));
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
