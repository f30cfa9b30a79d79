#!/usr/bin/env node
/**
 * Runs @forge/lint's client-side linters (the ones `forge lint` runs before it asks the server)
 * against the app in the current directory, with no login and no network:
 * - the Statsig feature-flag service the CLI normally passes is replaced by a stub that answers
 *   "no deprecated runtimes" (the only question the client-side linters ask it);
 * - the permission linter reads Jira's OpenAPI from LOCAL_JIRA_SWAGGER (USE_LOCAL_SWAGGER=1).
 * Exits 1 on any error OR warning, so CI stays at zero of both.
 * Run it through run.sh, which sets the environment and the working directory.
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { lint, problemCount } = require('@forge/lint');

const SOURCE_EXTENSIONS = /\.(tsx?|jsx?|cjs)$/;

function listFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (SOURCE_EXTENSIONS.test(entry.name)) out.push(full);
  }
  return out;
}

const logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
  debug: () => undefined,
  trace: () => undefined,
};
const offlineStatsig = {
  getDeprecatedRuntimes: async () => [],
  checkGate: async () => false,
  getDynamicConfig: async () => null,
};

/**
 * @forge/lint only parses TypeScript files that the cwd's tsconfig.json `include` globs list file
 * by file; our tsconfig includes plain directories ("src"), which match no file, so every .ts file
 * would be skipped silently. Lint a staging copy instead: manifest.yml and src/ copied, the
 * resource and translation folders linked, and a tsconfig.json that includes src/**.
 */
function stage(root) {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'popm-forge-lint-'));
  fs.copyFileSync(path.join(root, 'manifest.yml'), path.join(dir, 'manifest.yml'));
  fs.cpSync(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
  for (const linked of ['static', 'assets', 'locales', 'package.json']) {
    if (fs.existsSync(path.join(root, linked)))
      fs.symlinkSync(path.join(root, linked), path.join(dir, linked));
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ include: ['src/**/*'] }));
  return dir;
}

async function main() {
  const root = process.cwd();
  const dir = stage(root);
  process.chdir(dir);
  try {
    await lintHere();
  } finally {
    process.chdir(root);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function lintHere() {
  const manifest = YAML.parse(fs.readFileSync('manifest.yml', 'utf8'));
  // Paths relative to the app root, as the Forge CLI passes them (the handler linter matches src/...).
  const files = listFiles('src');
  const results = await lint(files, manifest, 'development', logger, offlineStatsig, {
    linter: { mode: 'client-side' },
  });
  let shown = 0;
  for (const result of results) {
    const problems = [
      ...result.errors.map((p) => ['error', p]),
      ...result.warnings.map((p) => ['warning', p]),
      ...result.approvals.map((p) => ['approval', p]),
    ];
    for (const [level, p] of problems) {
      shown += 1;
      console.log(
        `${result.file}:${p.line}:${p.column} ${level}: ${p.message}${p.reference ? ` (${p.reference})` : ''}`,
      );
    }
  }
  const count = problemCount(results);
  console.log(
    `forge lint (client-side, offline): ${files.length} source files, ${count.errors} errors, ${count.warnings} warnings, ${count.approvals} approvals`,
  );
  process.exitCode = count.errors + count.warnings + count.approvals > 0 || shown > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`forge lint failed to run: ${error && error.stack ? error.stack : String(error)}`);
  process.exitCode = 2;
});
