/**
 * The `popm` CLI: start-up time of the command (tsx on the sources vs the prebuilt bundle that
 * bin/popm.cjs runs), and a 100,000-story `audit --snapshot` three ways: the old round trip through
 * the in-process emulator's REST answers, the direct path (scanSnapshot) the CLI now takes, and the
 * floor (reading the file, JSON.parse and the engine alone). Goal: direct within 2x of the floor.
 *
 * Options (environment): CLI_STORIES=100000, CLI_STARTS=10 (spawns per start-up figure).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from '../src/cli/run';
import { DEFAULT_CONFIG } from '../src/domain/config';
import { evaluate } from '../src/domain/engine';
import { createEmulator } from '../src/emulator';
import { JiraApi } from '../src/jira/api';
import { scanProject } from '../src/jira/scan';
import { loadSnapshotFile } from '../src/snapshot/load';
import { defaultAccount, scanSnapshot } from '../src/snapshot/scan';
import { parseSnapshot } from '../src/snapshot/format';
import { mib, storiesSite, type BenchSection } from './section';

const ROOT = resolve(__dirname, '..');
const PROJECT = 'ART';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const row = (cells: (string | number)[]): string =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(44) : String(c).padStart(12))).join('');
const ms = (x: number): string => `${x.toFixed(0)} ms`;

/** Wall and CPU time of `fn` (CPU: this process, GC helper threads included). */
async function timed(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** GNU time, when installed, gives the CPU time of a spawned command and its children (tsx forks node). */
const GNU_TIME = '/usr/bin/time';

/** Wall time of one spawned command, and its CPU time (children included) when GNU time is there. */
function spawnTimed(command: string, args: string[]): { wall: number; cpu: number } {
  const out = join(ROOT, '.bench-tmp', 'time.txt');
  const timing = existsSync(GNU_TIME);
  const t0 = performance.now();
  const r = timing
    ? spawnSync(GNU_TIME, ['-f', '%U %S', '-o', out, command, ...args], { cwd: ROOT, maxBuffer: 1 << 30 })
    : spawnSync(command, args, { cwd: ROOT, maxBuffer: 1 << 30 });
  const wall = performance.now() - t0;
  // popm audit exits 1 when there are findings: that is a result, not a failure.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} exited ${r.status}: ${String(r.stderr)}`);
  if (!timing) return { wall, cpu: NaN };
  // The last line: GNU time puts "Command exited with non-zero status 1" before it.
  const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
  const [user, sys] = last.trim().split(/\s+/).map(Number);
  return { wall, cpu: ((user ?? NaN) + (sys ?? NaN)) * 1000 };
}

function startups(label: string, command: string, args: string[], n: number): void {
  const runs = Array.from({ length: n }, () => spawnTimed(command, args));
  const cpu = median(runs.map((r) => r.cpu));
  const walls = runs.map((r) => r.wall);
  console.log(row([label, ms(median(walls)), ms(Math.min(...walls)), Number.isNaN(cpu) ? '-' : ms(cpu)]));
}

export const cliBench: BenchSection = {
  name: 'cli',
  description: 'popm start-up, and a 100,000-story audit --snapshot: emulator round trip vs direct vs floor',
  async run() {
    const starts = Number(process.env.CLI_STARTS ?? 10);
    const stories = Number(process.env.CLI_STORIES ?? 100_000);

    // The bundle must exist and be fresh before start-ups are timed (the first run would build it).
    spawnSync(process.execPath, ['bin/popm.cjs', '--version'], { cwd: ROOT });
    const dir = join(ROOT, '.bench-tmp');
    mkdirSync(dir, { recursive: true });
    console.log(
      `start-up of popm --version (${starts} spawns each: wall median and best; cpu median, children included)`,
    );
    console.log(row(['', 'wall', 'best', 'cpu']));
    startups('node -e 0 (node itself)', process.execPath, ['-e', '0'], starts);
    startups(
      'before: tsx src/cli/main.ts',
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', '--version'],
      starts,
    );
    startups('after: node bin/popm.cjs (bundle)', process.execPath, ['bin/popm.cjs', '--version'], starts);

    const file = join(dir, `cli-${stories}.json`);
    const site = storiesSite(stories);
    writeFileSync(file, JSON.stringify(site));
    const size = readFileSync(file).length;
    console.log(
      `\naudit --project ${PROJECT} --snapshot of ${site.issues.length.toLocaleString('en-US')} issues (${mib(size)}; ` +
        `${stories.toLocaleString('en-US')} stories in T1 below ART's features)`,
    );
    console.log(row(['', 'wall', 'cpu', 'wall/floor', 'cpu/floor']));

    // Floor: read + JSON.parse + the engine over the issues the audit reads.
    const account = defaultAccount(site) ?? '';
    const data = scanSnapshot(site, PROJECT, DEFAULT_CONFIG, account);
    const floors = [];
    for (let i = 0; i < 3; i++) {
      floors.push(
        await timed(() => {
          JSON.parse(readFileSync(file, 'utf8'));
          evaluate(data, DEFAULT_CONFIG, PROJECT);
        }),
      );
    }
    const floor = { wall: median(floors.map((f) => f.wall)), cpu: median(floors.map((f) => f.cpu)) };
    const parts = await timed(() => parseSnapshot(JSON.parse(readFileSync(file, 'utf8'))));
    const show = (label: string, t: { wall: number; cpu: number }): void =>
      console.log(
        row([
          label,
          ms(t.wall),
          Number.isNaN(t.cpu) ? '-' : ms(t.cpu),
          `${(t.wall / floor.wall).toFixed(2)}x`,
          Number.isNaN(t.cpu) ? '-' : `${(t.cpu / floor.cpu).toFixed(2)}x`,
        ]),
      );
    show('floor: read + JSON.parse + evaluate()', floor);
    show('  read + JSON.parse + snapshot validation', parts);

    // Direct: the CLI's own code path, in-process, report rendered and discarded.
    let bytes = 0;
    const directs = [];
    let code = -1;
    for (let i = 0; i < 3; i++) {
      directs.push(
        await timed(async () => {
          code = await runCli(
            ['audit', '--project', PROJECT, '--snapshot', file, '--format', 'json'],
            {},
            {
              stdout: (t) => (bytes = t.length),
              stderr: () => undefined,
            },
          );
        }),
      );
    }
    if (code !== 0 && code !== 1) throw new Error(`popm audit exited ${code}`);
    show('now: runCli audit --snapshot (direct)', {
      wall: median(directs.map((d) => d.wall)),
      cpu: median(directs.map((d) => d.cpu)),
    });

    // The whole command as a user runs it: one spawn of the bundle.
    const spawned = spawnTimed(process.execPath, [
      'bin/popm.cjs',
      'audit',
      '--project',
      PROJECT,
      '--snapshot',
      file,
      '--format',
      'json',
    ]);
    show('now: node bin/popm.cjs audit (spawned)', spawned);

    // Before: the same scan through the in-process emulator's REST answers (what popm did).
    const before = await timed(async () => {
      const snapshot = await loadSnapshotFile(file);
      const emulator = createEmulator(snapshot);
      const scanned = await scanProject(new JiraApi(emulator.transportFor(account)), PROJECT, DEFAULT_CONFIG);
      evaluate(scanned, DEFAULT_CONFIG, PROJECT);
    });
    show('before: scan through the in-process emulator', before);
    console.log(
      [
        `report: ${bytes.toLocaleString('en-US')} bytes of JSON. wall = elapsed; cpu = CPU time of this process`,
        "(GC threads included; for the spawned run, GNU time's user + sys). Floor and direct: median of 3;",
        'the rest one run. On a shared machine compare cpu/floor: wall time also counts other processes.',
      ].join('\n'),
    );
  },
};
