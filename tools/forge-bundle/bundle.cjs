#!/usr/bin/env node
/**
 * Bundles the app's backend with @forge/bundler, the bundler `forge deploy` runs (webpack with
 * ts-loader over the app's own tsconfig.json), offline, and checks the result:
 * - every handler manifest.yml names (`function:` entries, `index.<export>`) is a function
 *   exported by the bundled module;
 * - no local-host, emulator or CLI code was pulled in (the source map lists every module);
 * Writes the bundle (index.cjs, its map, the runtime stand-ins, bundle-report.json) to OUT_DIR.
 *
 * The runtime loader and wrapper normally come from Atlassian's CDN at deploy time; here the
 * bundler's own LocalWrapperProvider reads the stand-ins in ./runtime/dist instead.
 * Run it through run.sh, which installs this folder's locked dependencies first.
 * Usage: node bundle.cjs [OUT_DIR]   (from the app root; default OUT_DIR dist/forge-bundle)
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { FileSystemReader } = require('@forge/cli-shared');
const { getNodeBundler, getEntryPoints, LocalWrapperProvider } = require('@forge/bundler');

/** Code that only the local world may run; none of it may reach a Forge function. */
const FORBIDDEN_SOURCES = /(^|\/)src\/(localhost|emulator|cli)\//;

const logger = {
  info: (m) => console.error(m),
  warn: (m) => console.error(`warning: ${m}`),
  error: (m) => console.error(m),
  debug: () => undefined,
  trace: () => undefined,
};

/** manifest.yml `function` entries as { key, module, exportName }. */
function handlersOf(manifest) {
  const functions = (manifest.modules && manifest.modules.function) || [];
  return functions.map((f) => {
    const dot = f.handler.lastIndexOf('.');
    return { key: f.key, module: f.handler.slice(0, dot), exportName: f.handler.slice(dot + 1) };
  });
}

/** Source files webpack put into the bundle, relative to the app root, from the source map. */
function bundledSources(mapFile, root) {
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
  return map.sources
    .map((s) => s.replace(/^webpack:\/\/[^/]*\//, ''))
    .map((s) => (path.isAbsolute(s) ? path.relative(root, s) : s.replace(/^\.\//, '')))
    .sort();
}

async function main() {
  const root = process.cwd();
  const outDir = path.resolve(root, process.argv[2] || 'dist/forge-bundle');
  const manifest = YAML.parse(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8'));
  const handlers = handlersOf(manifest);
  if (handlers.length === 0) throw new Error('manifest.yml names no function handlers');

  const wrapperProvider = new LocalWrapperProvider(new FileSystemReader(), path.join(__dirname, 'runtime'));
  const configReader = { readConfig: async () => manifest };
  const bundler = getNodeBundler(logger, wrapperProvider, configReader);
  const started = Date.now();
  const result = await bundler.bundle({ appDirectory: root, entryPoints: getEntryPoints(handlers) });

  fs.rmSync(outDir, { recursive: true, force: true });
  fs.cpSync(result.outputDir, outDir, { recursive: true });
  for (const [name, content] of result.additionalOutputs || []) {
    fs.mkdirSync(path.dirname(path.join(outDir, name)), { recursive: true });
    fs.writeFileSync(path.join(outDir, name), content);
  }

  const problems = [];
  const modules = [...new Set(handlers.map((h) => h.module))];
  const sources = {};
  for (const module of modules) {
    const file = path.join(outDir, `${module}.cjs`);
    if (!fs.existsSync(file)) {
      problems.push(`bundle has no ${module}.cjs`);
      continue;
    }
    sources[module] = bundledSources(`${file}.map`, root);
    for (const s of sources[module].filter((x) => FORBIDDEN_SOURCES.test(x)))
      problems.push(`${module}.cjs contains local-only code: ${s}`);
    // Loading the module runs its top level as Forge would, with no platform globals: module
    // initialisation must not need them.
    const exported = require(file);
    for (const h of handlers.filter((x) => x.module === module)) {
      if (typeof exported[h.exportName] !== 'function')
        problems.push(
          `function ${h.key}: handler ${h.module}.${h.exportName} is not a function exported by the bundle`,
        );
    }
  }

  const report = {
    handlers: handlers.map((h) => `${h.key} -> ${h.module}.${h.exportName}`),
    appSources: Object.fromEntries(
      Object.entries(sources).map(([m, list]) => [m, list.filter((s) => s.startsWith('src/'))]),
    ),
    packages: result.metadata && result.metadata.modules,
    problems,
  };
  fs.writeFileSync(path.join(outDir, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const size = modules
    .map((m) => path.join(outDir, `${m}.cjs`))
    .filter((f) => fs.existsSync(f))
    .reduce((sum, f) => sum + fs.statSync(f).size, 0);
  console.log(
    `forge bundle: ${handlers.length} handlers, ${Object.values(report.appSources).flat().length} app modules, ` +
      `${(size / 1024).toFixed(0)} KiB in ${path.relative(root, outDir) || '.'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  for (const p of problems) console.error(`forge bundle: ${p}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`forge bundle failed: ${error && error.stack ? error.stack : String(error)}`);
  process.exitCode = 2;
});
