/**
 * The project page of a project too big to render whole: only the rows in view are in the DOM,
 * the table still says how many rows it has, scrolling brings the last rows, collapsing still
 * works, every key is a link, and axe stays clean. A generated site: T1 holds 480 stories below
 * ART's features (over WINDOW_FROM = 400 rows with the features and the epic as context).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSite } from '../../src/emulator';
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
    const page = await h.open('/project/T1');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-action="export-csv"]:not([disabled])').waitFor({ timeout: 110000 });
    const table = f.locator('table[aria-rowcount]');
    const total = Number(await table.getAttribute('aria-rowcount')) - 1;
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
});
