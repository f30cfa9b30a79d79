/**
 * The project page of a project too big to render whole: only the rows in view are in the DOM,
 * the table still says how many rows it has, scrolling brings the last rows, collapsing still
 * works, every key is a link, and axe stays clean. It is a treegrid the arrow keys walk, with one
 * row in the tab order that keeps its focus while scrolled out of the window. A generated site: T1 holds 480 stories below
 * ART's features (over WINDOW_FROM = 400 rows with the features and the epic as context).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSite } from '../../src/emulator';
import type { Frame } from 'playwright-core';
import { frameOf, seriousViolations, startHarness, type Harness } from './support/harness';

let h: Harness;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'popm-window-'));
  const file = join(dir, 'site.json');
  writeFileSync(
    file,
    JSON.stringify(generateSite({ features: 8, storiesPerFeature: 60, teamProjects: 1, seed: 3 })),
  );
  h = await startHarness(file);
});
afterAll(async () => {
  await (h as Harness | undefined)?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('project page of a big project', () => {
  it('renders only the rows in view, and reaches every row by scrolling', async () => {
    const { f, table, total } = await openTree();
    // WINDOW_FROM in static/src/project-page/ProjectTree.tsx: from 400 rows on, the table is windowed.
    expect(total).toBeGreaterThanOrEqual(400);
    expect(await f.locator('[data-windowed]').count()).toBe(1);
    const inDom = await f.locator('tbody tr[data-row-key]').count();
    expect(inDom).toBeGreaterThan(0);
    expect(inDom).toBeLessThan(100);

    // Every row's key is a link, and every finding's data-issue-key is in or around one (contracts.md).
    const unlinked = await f
      .locator('tbody tr[data-row-key]')
      .evaluateAll((rows) => [
        ...rows
          .filter(
            (r) =>
              ![...r.querySelectorAll('a[href]')].some(
                (a) => a.textContent === r.getAttribute('data-row-key'),
              ),
          )
          .map((r) => r.getAttribute('data-row-key')),
        ...[...rows.flatMap((r) => [...r.querySelectorAll('[data-issue-key]')])]
          .filter((e) => !e.closest('a[href]') && !e.querySelector('a[href]'))
          .map((e) => e.getAttribute('data-issue-key')),
      ]);
    expect(unlinked).toEqual([]);
    expect(await seriousViolations(f)).toEqual([]);

    // The last row of the table comes into the DOM when the box is scrolled to the end.
    const last = f.locator(`tbody tr[aria-rowindex="${total + 1}"]`);
    expect(await last.count()).toBe(0);
    await f.locator('.popm-tree-window').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await last.waitFor();
    expect(await f.locator('tbody tr[data-row-key]').count()).toBeLessThan(100);

    // Collapsing a feature takes its stories out of the table's row count.
    await f.locator('.popm-tree-window').evaluate((el) => el.scrollTo(0, 0));
    const collapse = f.getByRole('button', { name: /^Collapse ART-/ }).first();
    await collapse.click();
    await f.locator(`table[aria-rowcount]:not([aria-rowcount="${total + 1}"])`).waitFor();
    expect(Number(await table.getAttribute('aria-rowcount')) - 1).toBeLessThan(total);
  });

  it('moves between rows with the arrow keys, Home and End, keeping focus on a row scrolled away', async () => {
    const { page, f, table, total } = await openTree();
    // One row is in the tab order: the first.
    expect(await f.locator('tbody tr[tabindex="0"]').count()).toBe(1);
    const first = f.locator('tbody tr[aria-rowindex="2"]');
    expect(await first.getAttribute('tabindex')).toBe('0');
    await first.focus();
    const focused = () => focusedRow(f);

    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatchObject({ index: 3, tabindex: '0' });
    expect(await first.getAttribute('tabindex')).toBe('-1');
    await page.keyboard.press('ArrowUp');
    expect((await focused()).index).toBe(2);

    // End reaches the last row, which was not in the DOM; Home comes back.
    expect(await f.locator(`tbody tr[aria-rowindex="${total + 1}"]`).count()).toBe(0);
    await page.keyboard.press('End');
    expect(await until(async () => (await focused()).index, total + 1)).toBe(total + 1);
    await page.keyboard.press('Home');
    expect(await until(async () => (await focused()).index, 2)).toBe(2);

    // The first row is a parent: Left collapses it, Right expands it, Right again goes to its first child.
    const root = await focused();
    expect(root).toMatchObject({ level: '1', expanded: 'true' });
    await page.keyboard.press('ArrowLeft');
    expect(await until(async () => (await focused()).expanded, 'false')).toBe('false');
    expect(Number(await table.getAttribute('aria-rowcount')) - 1).toBeLessThan(total);
    await page.keyboard.press('ArrowRight');
    expect(await until(async () => (await focused()).expanded, 'true')).toBe('true');
    expect(Number(await table.getAttribute('aria-rowcount')) - 1).toBe(total);
    await page.keyboard.press('ArrowRight');
    const child = await focused();
    expect(child).toMatchObject({ index: 3, level: '2' });
    // On a child, Left collapses it first when it is an open parent, then goes to its parent.
    if (child.expanded === 'true') await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toMatchObject({ index: 2, key: root.key });

    // Scrolled far away, the focused row stays in the DOM and keeps focus; Down brings the window back.
    const rowsNow = Number(await table.getAttribute('aria-rowcount')) - 1;
    await page.keyboard.press('ArrowDown');
    await f.locator('.popm-tree-window').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await f.locator(`tbody tr[aria-rowindex="${rowsNow + 1}"]`).waitFor();
    expect(await focused()).toMatchObject({ index: 3, tabindex: '0' });
    await page.keyboard.press('ArrowDown');
    expect(await until(async () => (await focused()).index, 4)).toBe(4);
    expect(await f.locator('tbody tr[aria-rowindex="4"]').isVisible()).toBe(true);
    expect(await seriousViolations(f)).toEqual([]);
  });
});

/** The project page with every row loaded: its frame, the treegrid and how many rows it has. */
async function openTree() {
  const page = await h.open('/project/T1');
  const f = frameOf(page, 'project-page');
  await f.locator('[data-action="export-csv"]:not([disabled])').waitFor({ timeout: 110000 });
  const table = f.locator('table[role="treegrid"][aria-rowcount]');
  return { page, f, table, total: Number(await table.getAttribute('aria-rowcount')) - 1 };
}

/** The row that has focus in the frame: its place in the table, level, state and tab stop. */
async function focusedRow(f: Frame) {
  return f.evaluate(() => {
    const el = document.activeElement;
    const row = el instanceof HTMLTableRowElement ? el : null;
    return {
      index: Number(row?.getAttribute('aria-rowindex') ?? NaN),
      key: row?.dataset.rowKey,
      level: row?.getAttribute('aria-level'),
      expanded: row?.getAttribute('aria-expanded'),
      tabindex: row?.getAttribute('tabindex'),
    };
  });
}

/** The value once it is `want` (a focus moved by a scroll lands a render or two later), or the last seen. */
async function until<T>(read: () => Promise<T>, want: T, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await read();
  while (v !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}
