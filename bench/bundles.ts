/**
 * UI weight: per surface, the gzipped JavaScript and CSS a browser fetches to show the view (the
 * entry and every chunk it imports statically), against issue 13's goals; chunks fetched only on
 * demand (the error message, the token fallback for hosts without theming) are listed apart.
 * Builds the production bundles first (`npm run build:ui`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUILD_DIR, buildUi } from '../scripts/build-ui';
import { SURFACES, type Surface } from '../src/shared/surfaces';
import type { BenchSection } from './section';

/** Goals in KiB of gzipped JavaScript (issue 13, point 10, measured the JS); CSS is shown apart. */
const GOAL_KIB: Record<Surface, number> = {
  'issue-panel': 220,
  'issue-context': 120,
  'project-page': 220,
  gadget: 220,
  admin: 220,
  'project-settings': 220,
  queue: 220,
};

const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.js)"/g;
const DYNAMIC_IMPORT = /\bimport\(\s*"(\.{1,2}\/[^"]+\.js)"\s*\)/g;

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;
const kib = (n: number) => (n / 1024).toFixed(1);

/** Files reachable from `entry` by static imports, and the dynamic ones they name. */
async function walk(entry: string): Promise<{ initial: Map<string, Buffer>; lazy: Set<string> }> {
  const initial = new Map<string, Buffer>();
  const lazy = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() ?? '';
    if (initial.has(file)) continue;
    const body = await readFile(file);
    initial.set(file, body);
    const text = body.toString('utf8');
    for (const m of text.matchAll(STATIC_IMPORT)) todo.push(normalize(join(dirname(file), m[1] ?? '')));
    for (const m of text.matchAll(DYNAMIC_IMPORT)) lazy.add(normalize(join(dirname(file), m[1] ?? '')));
  }
  for (const f of initial.keys()) lazy.delete(f);
  return { initial, lazy };
}

/** Gzipped bytes of everything loaded by `files` (dynamic chunks and what they import). */
async function lazyWeight(files: Set<string>, loaded: Map<string, Buffer>): Promise<number> {
  const seen = new Map<string, Buffer>();
  for (const f of files) for (const [k, v] of (await walk(f)).initial) if (!loaded.has(k)) seen.set(k, v);
  let total = 0;
  for (const b of seen.values()) total += gz(b);
  return total;
}

export const bundlesBench: BenchSection = {
  name: 'bundles',
  description: 'gzipped UI weight per surface (what a view loads to show), against the goals',
  async run() {
    await buildUi();
    const header = [
      'surface',
      'files',
      'JS KiB gz',
      'CSS KiB gz',
      'total KiB gz',
      'JS goal KiB',
      'result',
      'on demand KiB gz',
    ];
    const rows: string[][] = [];
    for (const s of SURFACES) {
      const dir = join(BUILD_DIR, s);
      const { initial, lazy } = await walk(join(dir, 'index.js'));
      let js = 0;
      for (const b of initial.values()) js += gz(b);
      const css = gz(await readFile(join(dir, 'index.css')));
      const total = js + css;
      const goal = GOAL_KIB[s] * 1024;
      rows.push([
        s,
        String(initial.size),
        kib(js),
        kib(css),
        kib(total),
        String(GOAL_KIB[s]),
        js <= goal ? 'within' : 'OVER',
        kib(await lazyWeight(lazy, initial)),
      ]);
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    for (const r of rows) console.log(line(r));
  },
};
