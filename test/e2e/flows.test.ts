/**
 * The flows people rely on, end to end in chromium over the local host: a PO accepts and revokes,
 * a non-owner cannot, an admin's level mapping changes the findings, and the project page's CSV
 * export matches the audit.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { frameOf, loadSample, ROOT, startHarness, type Harness } from './support/harness';
import { chooseOption } from './support/select';
import { pickStory } from './support/stories';

const run = promisify(execFile);
const sample = loadSample();
const poField = sample.fields.find((f) => f.name === 'Product Owner')?.id ?? '';

describe('acceptance by the PO', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });
  const story = pickStory();

  it('the PO accepts, sees the record, then revokes', async () => {
    const page = await h.open(`/issue/${story.key}?as=${story.owner}`, { frames: 2 });
    const f = frameOf(page, 'issue-panel');
    const missing = f.locator(`[data-rule="story-missing-po-acceptance"][data-issue-key="${story.key}"]`);
    expect(await missing.count()).toBe(1);
    expect(await f.locator('[data-action="revoke"]').count()).toBe(0);

    await f.locator('[data-action="accept"]').click();
    await f.locator('[data-action="revoke"]').waitFor();
    expect(await f.locator('[data-acceptance-record]').innerText()).toContain(story.ownerName);
    expect(
      await f.locator(`[data-rule="story-missing-po-acceptance"][data-issue-key="${story.key}"]`).count(),
    ).toBe(0);
    // The host showed the app's flag.
    await page.locator('#flags .flag').first().waitFor();

    // The record lasts: a fresh page load still shows it.
    const again = await h.open(`/issue/${story.key}?as=${story.owner}`, { frames: 2 });
    const g = frameOf(again, 'issue-panel');
    await g.locator('[data-action="revoke"]').click();
    await g.locator('[data-action="confirm-revoke"]').click();
    await g.locator(`[data-rule="story-missing-po-acceptance"][data-issue-key="${story.key}"]`).waitFor();
    expect(await g.locator('[data-action="revoke"]').count()).toBe(0);
    expect(await g.locator('[data-acceptance-record]').count()).toBe(0);
  });

  it('someone who is neither the PO nor a delegate sees no accept or revoke button', async () => {
    const page = await h.open(`/issue/${story.key}?as=${story.other}`, { frames: 2 });
    const f = frameOf(page, 'issue-panel');
    await f.locator('#popm-acc-h').waitFor();
    expect(await f.locator('[data-action="accept"]').count()).toBe(0);
    expect(await f.locator('[data-action="revoke"]').count()).toBe(0);
    // The findings are the same for everyone.
    expect(
      await f.locator(`[data-rule="story-missing-po-acceptance"][data-issue-key="${story.key}"]`).count(),
    ).toBe(1);
  });

  it('raised no page errors', () => {
    expect(h.errors).toEqual([]);
  });
});

describe('an admin changes the level mapping', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  async function artRules(): Promise<string[]> {
    const page = await h.open('/project/ART');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status]').waitFor();
    return f
      .locator('[data-rule]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-issue-key')}:${e.getAttribute('data-rule')}`).sort(),
      );
  }

  it('previews, saves, and the project findings follow the new mapping', async () => {
    const before = await artRules();
    expect(before).toContain('ART-1:epic-missing-owner');

    const admin = await h.open('/admin');
    const f = frameOf(admin, 'admin');
    await chooseOption(f, f.locator('tr[data-level-type="Epic"] [role="combobox"]'), 'Feature (program)');
    await chooseOption(f, f.getByLabel('Project', { exact: true }), 'Orbit ART (ART)');
    await f.locator('[data-action="preview"]').click();
    const preview = f.locator('[data-preview="ART"]');
    // A live scan of ART behind it: allow for a loaded machine rather than fail on time.
    await preview.waitFor({ timeout: 60_000 });
    expect(await preview.locator('caption').innerText()).toMatch(
      /ART: \d+ findings now, \d+ after the change/,
    );
    // The issues that change are listed by key: ART-1 stops being an epic.
    expect(await f.locator('[data-preview-change="ART-1"]').innerText()).toMatch(
      /Removes Epic without Epic Owner/,
    );
    await f.locator('[data-action="save"]').click();
    await f.getByText(/Saved \(revision \d+\)/).waitFor();

    const after = await artRules();
    // ART-1 is now a feature: no Epic Owner is expected of it any more.
    expect(after).not.toContain('ART-1:epic-missing-owner');
    expect(after.some((r) => r.startsWith('ART-1:feature-'))).toBe(true);
    expect(after).not.toEqual(before);
  });

  it('shows schema errors next to the field instead of saving', async () => {
    const admin = await h.open('/admin');
    const f = frameOf(admin, 'admin');
    const group = f.getByRole('group', { name: 'Project fallback for Product Owner' });
    await group.getByRole('button', { name: /Add project/ }).click();
    // A project chosen and no owner: the picker offers only real accounts, so an empty one is the error.
    await chooseOption(f, group.getByLabel('Project', { exact: true }), 'Orbit ART (ART)');
    await f.locator('[data-action="save"]').click();
    const err = f.locator('[data-error-paths*="roles.team.projectDefaults"]').first();
    await err.waitFor();
    expect(await f.getByText(/Saved \(revision/).count()).toBe(0);
  });

  it('raised no page errors', () => {
    expect(h.errors).toEqual([]);
  });
});

describe('CSV export', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  async function exportCsv(projectKey: string): Promise<string> {
    const page = await h.open(`/project/${projectKey}`);
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status]').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      f.locator('[data-action="export-csv"]').click(),
    ]);
    const path = await download.path();
    if (!path) throw new Error('the download was not saved');
    expect(download.suggestedFilename()).toBe(`${projectKey}-findings.csv`);
    return readFile(path, 'utf8');
  }

  it('exports exactly the findings the page shows, with the issue columns', async () => {
    const csv = await exportCsv('ART');
    const page = await h.open('/project/ART');
    const f = frameOf(page, 'project-page');
    const shown = await f
      .locator('[data-rule]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-rule')},${e.getAttribute('data-issue-key')}`).sort(),
      );
    const [header, ...records] = parseCsv(csv);
    expect(header).toEqual([
      'rule',
      'severity',
      'issueKey',
      'message',
      'summary',
      'issueType',
      'level',
      'status',
      'owners',
      'acceptance',
    ]);
    expect(records.map(([rule, , key]) => `${rule},${key}`).sort()).toEqual(shown);
    // The issue columns are the issue's own: summary and type from the site.
    for (const [, , key, , summary, type] of records) {
      const issue = sample.issues.find((i) => i.key === key);
      expect(summary).toBe(issue?.fields.summary);
      expect(type).toBe(sample.issueTypes.find((t) => t.id === issue?.fields.issuetype)?.name);
    }
  });

  it("starts with the CLI audit CSV's four columns, the same findings in the same order", async () => {
    const csv = await exportCsv('ART');
    const cli = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'src', 'cli', 'main.ts'),
        'audit',
        '--project',
        'ART',
        '--snapshot',
        join(ROOT, 'samples', 'sample-site.json'),
        '--format',
        'csv',
        '--fail-on',
        'never',
      ],
      { cwd: ROOT },
    );
    expect(parseCsv(csv).map((r) => r.slice(0, 4))).toEqual(parseCsv(cli.stdout));
  });
});

/** RFC 4180 records (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return records;
}

describe('owners of a multi-user Product Owner field', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });
  const story = pickStory();
  const otherName = sample.users.find((u) => u.accountId === story.other)?.displayName ?? story.other;

  it('adds a second PO without dropping the first, then removes the first', async () => {
    const page = await h.open(`/issue/${story.key}`, { frames: 2 });
    const f = frameOf(page, 'issue-panel');
    await f.locator('[data-action="set-owner"]').click();
    await f.getByLabel('Add a Product Owner').fill(otherName.split(' ')[0]!);
    await f.locator(`.popm-person[data-account-id="${story.other}"]`).click();

    const owners = f.locator('.popm-owner-edit li');
    await owners.nth(1).waitFor();
    const names = await owners.allInnerTexts();
    expect(names.some((n) => n.includes(story.ownerName))).toBe(true);
    expect(names.some((n) => n.includes(otherName))).toBe(true);
    // Jira holds both in the field.
    const po = h.host.emulator.snapshot().issues.find((i) => i.key === story.key)?.fields[poField];
    expect(po).toEqual([story.owner, story.other]);

    await f.getByRole('button', { name: `Remove ${story.ownerName} as Product Owner` }).click();
    // The confirmation says who goes and who stays before anything changes in Jira.
    const dialog = f.getByRole('dialog', { name: `Remove ${story.ownerName} as Product Owner?` });
    expect(await dialog.innerText()).toContain(`${otherName} stays Product Owner`);
    expect(h.host.emulator.snapshot().issues.find((i) => i.key === story.key)?.fields[poField]).toEqual([
      story.owner,
      story.other,
    ]);
    await dialog.locator('[data-action="confirm-remove-owner"]').click();
    await f
      .getByRole('button', { name: `Remove ${story.ownerName} as Product Owner` })
      .waitFor({ state: 'detached' });
    // The panel reloads after the write: wait for the new list before reading it.
    await owners.filter({ hasText: otherName }).waitFor();
    expect(await owners.allInnerTexts()).toEqual([expect.stringContaining(otherName)]);
    expect(h.host.emulator.snapshot().issues.find((i) => i.key === story.key)?.fields[poField]).toEqual([
      story.other,
    ]);
  });
});
