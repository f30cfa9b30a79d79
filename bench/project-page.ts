/**
 * The project page of a big project in a real browser: the local host on a generated site whose
 * team project T1 holds N stories (below ART's features), opened at /project/T1 in Debian's
 * chromium. The first visit scans the project; the measured visit is a second, fresh page over
 * the stored tree (what people see every day). Printed: time from navigation to the first tree
 * row, to the whole tree loaded, the JS heap then (CDP Runtime.getHeapUsage over the page, frames
 * included) and the table rows in the DOM.
 *
 * Options (environment): PAGE_SIZES=20000,100000 (the default).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildUi, isUiStale } from '../scripts/build-ui';
import { startLocalHost } from '../src/localhost/app';
import { mib, sizesFromEnv, storiesSite, type BenchSection } from './section';
import { CHROMIUM, CHROMIUM_ARGS, OFF_SITE } from '../scripts/chromium';

const ROOT = resolve(__dirname, '..');
const PROJECT = 'T1';
/** Generous: at 100,000 issues the unwindowed page takes minutes; the bench reports, never fails on time. */
const WAIT_MS = 15 * 60 * 1000;
const LOAD_LIMIT_MS = Number(process.env.PAGE_LOAD_LIMIT_MS ?? 5 * 60 * 1000);

const sizes = (): number[] => sizesFromEnv('PAGE_SIZES', [20_000, 100_000]);

const frameOf = (page: Page) => page.locator('iframe[data-surface="project-page"]').contentFrame();

/**
 * Runs in every frame before its scripts: in the project page's frame, notes the wall-clock time
 * (epoch ms) of the first frame painted with a tree row in it (a requestAnimationFrame callback
 * runs just before the paint; the message after it runs once the frame is out), and the times of
 * the frame's own navigation, so the bench can say where the time went.
 */
const MARK_FIRST_ROW = `(() => {
  const seen = () => document.querySelector('[data-row-key]');
  const note = () => requestAnimationFrame(() => {
    const c = new MessageChannel();
    c.port1.onmessage = () => { window.__popmFirstRow = performance.timeOrigin + performance.now(); };
    c.port2.postMessage(0);
  });
  const watch = () => {
    if (seen()) return note();
    const o = new MutationObserver(() => { if (seen()) { o.disconnect(); note(); } });
    o.observe(document, { childList: true, subtree: true });
  };
  watch();
})()`;

/** The frame's marks as epoch ms: first row painted, document start, DOMContentLoaded. */
interface FrameMarks {
  painted: number | null;
  start: number | null;
  ready: number | null;
}
const READ_MARKS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    painted: window.__popmFirstRow ?? null,
    start: performance.timeOrigin,
    ready: nav ? performance.timeOrigin + nav.domContentLoadedEventEnd : null,
  };
})()`;

interface Call {
  /** Epoch ms the request left the page, and the response ended. */
  start: number;
  end: number;
  /** Bytes of the response's JSON. */
  bytes: number;
  what: string;
}

/** What a visit saw: times in ms after the navigation started (null when not reached in time). */
interface Visit {
  firstRow: number;
  painted: number | null;
  loaded: number | null;
  /** The project page frame's document: navigation start, DOMContentLoaded. */
  frameStart: number | null;
  frameReady: number | null;
  calls: Call[];
}

/** Records every resolver call the page makes (the local host's /__invoke), with its size. */
function recordCalls(page: Page): Call[] {
  const calls: Call[] = [];
  page.on('requestfinished', (request) => {
    if (!request.url().endsWith('/__invoke')) return;
    void (async () => {
      const timing = request.timing();
      // The decoded body: the local host gzips, Forge's invoke does not say.
      const bytes = (await (await request.response())?.body())?.length ?? 0;
      const body = request.postData() ?? '';
      const what = /"functionKey":"(\w+)"/.exec(body)?.[1] ?? '?';
      const cursor = /"cursor"/.test(body) ? ' (next page)' : '';
      calls.push({
        start: timing.startTime,
        end: timing.startTime + timing.responseEnd,
        bytes,
        what: what + cursor,
      });
    })();
  });
  return calls;
}

/**
 * Opens the page: the times (ms after navigation) of the first row in the DOM, of the first frame
 * painted with it, and of the whole tree, or null when the tree was not all in after LOAD_LIMIT_MS.
 */
async function visit(page: Page, url: string): Promise<Visit> {
  const calls = recordCalls(page);
  await page.goto(url, { waitUntil: 'commit' });
  const origin = await page.evaluate(() => performance.timeOrigin);
  const frame = frameOf(page);
  await frame.locator('[data-row-key]').first().waitFor({ state: 'attached', timeout: WAIT_MS });
  const firstRow = Date.now() - origin;
  const handle = await page.locator('iframe[data-surface="project-page"]').elementHandle();
  const inner = await handle.contentFrame();
  const marks = inner
    ? await inner.evaluate<FrameMarks>(READ_MARKS)
    : { painted: null, start: null, ready: null };
  // The CSV button is enabled once every page of the tree is in.
  const loaded = await frame
    .locator('[data-action="export-csv"]:not([disabled])')
    .waitFor({ timeout: LOAD_LIMIT_MS })
    .then(
      () => Date.now() - origin,
      () => null,
    );
  const since = (v: number | null) => (v === null ? null : Math.round(v - origin));
  return {
    firstRow,
    painted: since(marks.painted),
    loaded,
    frameStart: since(marks.start),
    frameReady: since(marks.ready),
    calls: calls.map((c) => ({ ...c, start: c.start - origin, end: c.end - origin })),
  };
}

const ms = (v: number | null): string =>
  v === null ? `not in after ${LOAD_LIMIT_MS} ms` : `${Math.round(v)} ms`;

/** Where a visit's time went: the frame's load and the resolver calls before the first row. */
function timeline(v: Visit): string {
  const before = v.calls.filter((c) => c.start < (v.painted ?? v.firstRow)).sort((a, b) => a.start - b.start);
  const later = v.calls.filter((c) => !before.includes(c));
  const sum = (cs: Call[]) => cs.reduce((n, c) => n + c.bytes, 0);
  const lines = [
    `      frame document at ${ms(v.frameStart)}, DOMContentLoaded ${ms(v.frameReady)}; first row painted ${ms(v.painted)} (seen by the bench's polling at ${Math.round(v.firstRow)} ms)`,
    ...before.map(
      (c) =>
        `      ${c.what}: ${Math.round(c.start)} -> ${Math.round(c.end)} ms (${Math.round(c.end - c.start)} ms, ${(c.bytes / 1024).toFixed(0)} KiB)`,
    ),
  ];
  if (later.length > 0) {
    const server = later.reduce((n, c) => n + (c.end - c.start), 0);
    lines.push(
      `      then ${later.length} calls, ${Math.round(server)} ms in calls, ${(sum(later) / 1024 / 1024).toFixed(1)} MiB of JSON`,
    );
  }
  return lines.join('\n');
}

async function measure(stories: number, dir: string): Promise<void> {
  const file = join(dir, `page-${stories}.json`);
  const site = storiesSite(stories);
  writeFileSync(file, JSON.stringify(site));
  const host = await startLocalHost({ port: 0, buildDir: join(ROOT, 'static', 'build'), snapshotPath: file });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.route(OFF_SITE, (r) => r.fulfill({ status: 200, body: '' }));
    await context.addInitScript(MARK_FIRST_ROW);
    const url = `${host.url}/project/${PROJECT}`;
    // First visit: the scan, so the measured visit reads a stored tree.
    const first = await context.newPage();
    const scanned = await visit(first, url);
    await first.close();

    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const t = await visit(page, url);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const domRows = await frameOf(page).locator('tr[data-row-key]').count();
    console.log(
      `${stories.toLocaleString('en-US').padStart(8)} stories (${site.issues.length.toLocaleString('en-US')} issues on the site): ` +
        `first rows painted ${ms(t.painted)}, whole tree ${ms(t.loaded)}, JS heap ${mib(heap.usedSize)} ` +
        `(of ${mib(heap.totalSize)}), rows in the DOM ${domRows.toLocaleString('en-US')}; ` +
        `first visit (scan) rows painted ${ms(scanned.painted)}, whole tree ${ms(scanned.loaded)}`,
    );
    if (process.env.PAGE_TIMELINE !== '0') console.log(`    warm visit:\n${timeline(t)}`);
  } finally {
    await browser.close();
    await host.close();
  }
}

export const projectPageBench: BenchSection = {
  name: 'project-page',
  description: 'project page of a big project in chromium: time to first rows, whole tree, JS heap',
  async run() {
    if (await isUiStale()) await buildUi((m) => process.stderr.write(`${m}\n`));
    const dir = mkdtempSync(join(tmpdir(), 'popm-page-'));
    try {
      for (const n of sizes()) await measure(n, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
