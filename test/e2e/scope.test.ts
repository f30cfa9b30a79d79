/**
 * The project page and gadget in a scope (rules.md, "Scope within a project"), in chromium over the
 * local host and the sample site: `?sprint=` shows the findings and coverage `popm audit --sprint`
 * reports, and the picker changes the scope through the URL.
 */
import { runCli } from '../../src/cli/run';
import { percent } from '../../static/src/lib/format';
import { frameOf, startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

interface Report {
  findings: { rule: string; issueKey: string }[];
  summary: {
    issues: number;
    coverage: { featuresWithPm: number | null; doneStoriesAccepted: number | null };
  };
}

async function cli(...flags: string[]): Promise<Report> {
  let stdout = '';
  const code = await runCli(
    [
      'audit',
      '--project',
      'ORB',
      '--snapshot',
      'samples/sample-site.json',
      '--format',
      'json',
      '--fail-on',
      'never',
      ...flags,
    ],
    {},
    { stdout: (t) => (stdout += t), stderr: () => undefined },
  );
  expect(code).toBe(0);
  return JSON.parse(stdout) as Report;
}

type Frame = ReturnType<typeof frameOf>;

async function shownFindings(f: Frame): Promise<string[]> {
  const pairs = await f
    .locator('tbody [data-rule][data-issue-key]')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-issue-key')} ${e.getAttribute('data-rule')}`),
    );
  return [...new Set(pairs)].sort();
}

describe('project page in a scope', () => {
  it('?sprint=active shows what popm audit --sprint active reports', async () => {
    const expected = await cli('--sprint', 'active');
    const page = await h.open('/project/ORB?sprint=active');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
    await f.locator('[data-figures="scope"]').waitFor();
    expect(await f.locator('[data-figures="scope"]').innerText()).toMatch(/Active sprints/);
    expect(await shownFindings(f)).toEqual(
      [...new Set(expected.findings.map((x) => `${x.issueKey} ${x.rule}`))].sort(),
    );
    expect(await f.locator('[data-coverage="doneStoriesAccepted"]').innerText()).toBe(
      percent(expected.summary.coverage.doneStoriesAccepted),
    );
    expect(await f.locator('[data-coverage="featuresWithPm"]').innerText()).toBe(
      percent(expected.summary.coverage.featuresWithPm),
    );
  });

  it('the picker lists the sprints and versions and puts the choice in the URL', async () => {
    const page = await h.open('/project/ORB');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
    expect(await f.locator('[data-figures="project-wide"]').count()).toBe(1);
    await f.locator('[data-scope-picker] input').click();
    const options = f.locator('.popm-scope__option');
    await options.first().waitFor();
    const labels = await options.allInnerTexts();
    expect(labels).toEqual(
      expect.arrayContaining([
        'Active sprints',
        'ORB Sprint 3 (active)',
        'ORB Sprint 1 (closed)',
        'PI 2026.4',
      ]),
    );
    await options.filter({ hasText: 'PI 2026.4' }).click();
    await f.locator('[data-figures="scope"]').waitFor({ timeout: 30_000 });
    expect(page.url()).toContain('fixVersion=PI+2026.4');
    const expected = await cli('--fix-version', 'PI 2026.4');
    await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
    expect(await shownFindings(f)).toEqual(
      [...new Set(expected.findings.map((x) => `${x.issueKey} ${x.rule}`))].sort(),
    );
  });

  it('an unknown sprint says so and offers the way back', async () => {
    const page = await h.open('/project/ORB?sprint=No%20such%20sprint');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scope-picker]').waitFor({ timeout: 60_000 });
    await f.getByText('no story of ORB is in sprint "No such sprint"').waitFor();
  });
});

describe('gadget per sprint', () => {
  it('shows done stories accepted for each recent sprint, as the CLI counts them', async () => {
    const page = await h.open('/gadget?project=ORB');
    const f = frameOf(page, 'gadget');
    await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
    const sprints = f.locator('[data-sprint]');
    await sprints.first().waitFor();
    const ids = await sprints.evaluateAll((els) => els.map((e) => e.getAttribute('data-sprint') ?? ''));
    expect(ids).toEqual(['11', '12', '13']);
    for (const id of ids) {
      const expected = await cli('--sprint', id);
      expect(await f.locator(`[data-sprint="${id}"] strong`).innerText()).toBe(
        percent(expected.summary.coverage.doneStoriesAccepted),
      );
    }
  });

  it('the edit view picks the scope from the project’s sprints and versions, not typed text', async () => {
    const page = await h.open('/gadget?project=ORB&edit=1');
    const f = frameOf(page, 'gadget');
    const picker = f.locator('[data-scope-picker] input');
    await picker.click();
    const options = f.locator('.popm-scope__option');
    await options.first().waitFor({ timeout: 60_000 });
    expect(await options.allInnerTexts()).toEqual(
      expect.arrayContaining(['Active sprints', 'ORB Sprint 3 (active)', 'PI 2026.4']),
    );
    await options.filter({ hasText: 'ORB Sprint 1 (closed)' }).click();
    await Promise.all([page.waitForURL(/sprint=11/), f.getByRole('button', { name: 'Save' }).click()]);
    await frameOf(page, 'gadget').locator('[data-figures="scope"]').waitFor({ timeout: 60_000 });
  });

  it('raised no page errors', () => {
    expect(h.errors).toEqual([]);
  });
});
