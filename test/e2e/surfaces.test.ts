/**
 * Every surface of the production bundles, in chromium, over the local host and the sample site:
 * renders real data, carries the contract's data attributes, raises no page errors, and has no
 * serious or critical accessibility violations.
 */
import { RULE_IDS } from '../../src/domain/types';
import { frameOf, loadSample, seriousViolations, startHarness, type Harness } from './support/harness';
import { chooseOption } from './support/select';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await (h as Harness | undefined)?.close();
});

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

async function findingAttrs(frame: ReturnType<typeof frameOf>) {
  return frame
    .locator('[data-rule]')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-rule'), e.getAttribute('data-issue-key')]));
}

describe('every surface renders the sample site', () => {
  it('issue panel and issue context show the chain, owners and findings of a feature', async () => {
    const page = await h.open('/issue/ART-32', { frames: 2 });
    const panel = frameOf(page, 'issue-panel');
    await panel.locator('[data-rule]').first().waitFor();
    // The chain goes from the portfolio epic down to this feature, with owners from the field.
    const chain = await panel.locator('.popm-chain li').allInnerTexts();
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(chain[0]).toMatch(/Epic[\s\S]*PORT-1/);
    expect(chain[chain.length - 1]).toMatch(/ART-32/);
    // A feature shows the items below it.
    expect(await panel.locator('table.popm-table tbody tr').count()).toBeGreaterThan(0);
    const attrs = await findingAttrs(panel);
    expect(attrs.length).toBeGreaterThan(0);
    for (const [rule, key] of attrs) {
      expect(rule).toMatch(/^[a-z-]+$/);
      expect(key).toMatch(ISSUE_KEY);
    }
    const context = frameOf(page, 'issue-context');
    expect(await context.locator('dl').innerText()).toMatch(/Product Manager/);
    expect((await findingAttrs(context)).every(([, k]) => k === 'ART-32')).toBe(true);
  });

  it('project page shows the tree, coverage and findings of every in-scope issue', async () => {
    const page = await h.open('/project/ART');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status]').waitFor();
    const rows = await f.locator('tbody tr[data-row-key]').count();
    const sample = loadSample();
    expect(rows).toBeGreaterThanOrEqual(sample.issues.filter((i) => i.fields.project === 'ART').length);
    expect(await f.locator('[data-coverage="featuresWithPm"]').innerText()).toMatch(/^\d+%$/);
    const attrs = await findingAttrs(f);
    expect(attrs.length).toBeGreaterThan(0);
    for (const [, key] of attrs) expect(key).toMatch(/^ART-\d+$/);
    // Collapsing the epic hides its descendants; keyboard users reach the toggle as a button.
    const before = await f.locator('tbody tr[data-row-key]').count();
    const toggle = f.getByRole('button', { name: 'Collapse PORT-1' });
    await toggle.click();
    expect(await f.locator('tbody tr[data-row-key]').count()).toBeLessThan(before);
    const expand = f.getByRole('button', { name: 'Expand PORT-1' });
    expect(await expand.getAttribute('aria-expanded')).toBe('false');
    await expand.click();
    expect(await f.locator('tbody tr[data-row-key]').count()).toBe(before);
    // Filtering by a rule leaves only rows with that rule (plus their ancestors).
    await chooseOption(f, f.getByLabel('Rule', { exact: true }), 'Feature without Product Manager');
    const rules = await f
      .locator('[data-rule]')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-rule')))]);
    expect(rules).toEqual(['feature-missing-pm']);
  });

  it('gadget shows coverage and counts by rule for the configured project', async () => {
    const page = await h.open('/gadget?project=ART');
    const f = frameOf(page, 'gadget');
    // The first view of a project may start its scan; the gadget shows the counts once it lands.
    await f.locator('[data-count-rule]').first().waitFor();
    expect(await f.locator('h2').innerText()).toMatch(/\(ART\)/);
    expect(await f.locator('[data-coverage="doneStoriesAccepted"]').innerText()).toMatch(/^(\d+%|—)$/);
    expect(await f.locator('[data-count-rule]').count()).toBeGreaterThan(0);
  });

  it('gadget draws the coverage trend once there are two days of history', async () => {
    // Days of history as the daily job records them (src/scale/daily.ts), for a project with none yet.
    await h.host.store.set('trend:NEB', [
      { date: '2026-11-20', featuresWithPm: 0.5, doneStoriesAccepted: 0.25 },
      { date: '2026-11-21', featuresWithPm: 0.75, doneStoriesAccepted: 0.5 },
    ]);
    const page = await h.open('/gadget?project=NEB');
    const f = frameOf(page, 'gadget');
    const chart = f.getByRole('img', { name: /Coverage trend from 2026-11-20/ });
    await chart.waitFor();
    expect(await chart.locator('path, polyline').count()).toBeGreaterThan(0);
  });

  it('gadget edit view saves through view.submit and the view follows the new project', async () => {
    const page = await h.open('/gadget?project=ART&edit=1');
    const f = frameOf(page, 'gadget');
    await chooseOption(f, f.getByLabel('Project'), 'Nebula Team (NEB)');
    await Promise.all([page.waitForURL(/project=NEB/), f.getByRole('button', { name: 'Save' }).click()]);
    await page.frameLocator('iframe').locator('main h2').waitFor();
    expect(await frameOf(page, 'gadget').locator('main h2').innerText()).toMatch(/\(NEB\)/);
    expect(page.url()).not.toMatch(/edit=1/);
  });

  it('admin page lists the site issue types and user fields', async () => {
    const page = await h.open('/admin');
    const f = frameOf(page, 'admin');
    const sample = loadSample();
    for (const t of sample.issueTypes) {
      const select = f.locator(`tr[data-level-type="${t.name}"] [role="combobox"]`);
      // Select's code loads on demand (SelectField): its input appears a moment after the row.
      await select.first().waitFor();
      expect(await select.count()).toBe(1);
    }
    const text = await f.locator('form').innerText();
    expect(text).toMatch(/Product Owner \(customfield_10103/);
  });

  it('project settings page loads the project override form', async () => {
    const page = await h.open('/project/ART/settings');
    const f = frameOf(page, 'project-settings');
    expect(await f.locator('main').innerText()).toMatch(/apply to ART only/);
    expect(await f.locator('[data-rule-setting]').count()).toBe(RULE_IDS.length);
  });

  it('follows the host theme: dark from the context, then light after the toggle', async () => {
    const page = await h.open('/project/ART?theme=dark');
    const f = frameOf(page, 'project-page');
    expect(await f.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe('dark');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await f.waitForFunction(() => document.documentElement.getAttribute('data-color-mode') === 'light');
  });

  it('has no serious or critical accessibility violations on any surface', async () => {
    const found: string[] = [];
    const pages: [string, string[]][] = [
      ['/issue/ART-2', ['issue-panel', 'issue-context']],
      ['/issue/NEB-5', ['issue-panel']],
      ['/project/ART', ['project-page']],
      ['/gadget?project=ART', ['gadget']],
      ['/gadget?project=ART&edit=1', ['gadget']],
      ['/admin', ['admin']],
      ['/project/ART/settings', ['project-settings']],
    ];
    for (const [path, surfaces] of pages) {
      const page = await h.open(path, { frames: surfaces.length });
      for (const v of await seriousViolations(page)) found.push(`${path} host: ${v}`);
      for (const s of surfaces)
        for (const v of await seriousViolations(frameOf(page, s))) found.push(`${path} ${s}: ${v}`);
    }
    expect(found).toEqual([]);
  });

  it('raised no page errors and no console errors on any of the pages above', () => {
    expect(h.errors).toEqual([]);
  });
});
