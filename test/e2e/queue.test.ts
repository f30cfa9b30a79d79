/**
 * "Awaiting my acceptance" end to end: Lena (a PO in ORB, and in NEB for two stories) bulk-accepts
 * two stories, rejects one with a reason, sees the history in the issue panel; a developer who owns
 * nothing sees no actions there.
 */
import { frameOf, startHarness, type Harness } from './support/harness';

const PO = 'u-lena-fischer';
const DEV = 'u-amara-nwosu';

describe('awaiting my acceptance', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  it('bulk-accepts two stories, rejects one with a reason, and the panel shows the history', async () => {
    const page = await h.open(`/queue?as=${PO}`, { frames: 1 });
    const f = frameOf(page, 'queue');
    await f.locator('tr[data-issue-key]').first().waitFor();
    const keys = await f
      .locator('tr[data-issue-key]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-issue-key') ?? ''));
    // Across two projects, done ones first.
    expect(new Set(keys.map((k) => k.split('-')[0]))).toEqual(expect.objectContaining({ size: 2 }));
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = keys as [string, string, string];

    await f.locator(`[data-select="${first}"]`).check();
    await f.locator(`[data-select="${second}"]`).check();
    await f.locator('[data-action="bulk-accept"]').click();
    const outcome = f.locator('[data-outcome="bulk-accept"]');
    await outcome.waitFor();
    expect(await outcome.innerText()).toContain(`Accepted: ${first}, ${second}`);
    await f.locator(`tr[data-issue-key="${third}"]`).waitFor();
    expect(await f.locator(`tr[data-issue-key="${first}"]`).count()).toBe(0);

    await f.locator(`tr[data-issue-key="${third}"] [data-action="reject"]`).click();
    await f.locator('[data-field="reason"]').fill('The empty state has no text for screen readers.');
    await f.locator('[data-action="confirm-reject"]').click();
    await f.locator('[data-outcome="rejected"]').waitFor();

    const panel = await h.open(`/issue/${third}?as=${PO}`, { frames: 2 });
    const p = frameOf(panel, 'issue-panel');
    const latest = p.locator('[data-decision]').first();
    await latest.waitFor();
    expect(await latest.getAttribute('data-decision')).toBe('rejected');
    expect(await latest.getAttribute('data-by')).toBe(PO);
    expect(await latest.innerText()).toContain('The empty state has no text for screen readers.');
    expect(await p.locator(`[data-rule="story-rejected"][data-issue-key="${third}"]`).count()).toBe(1);
    // A rejected story can still be accepted by its PO.
    expect(await p.locator('[data-action="accept"]').count()).toBe(1);

    const accepted = await h.open(`/issue/${first}?as=${PO}`, { frames: 2 });
    const a = frameOf(accepted, 'issue-panel');
    await a.locator('[data-decision="accepted"]').first().waitFor();
    // Already validly accepted: no Accept, and a reason saying so.
    expect(await a.locator('[data-action="accept"]').count()).toBe(0);
    expect(await a.locator('[data-unavailable]').allInnerTexts()).toContain(
      `${first} is already validly accepted`,
    );

    const dev = await h.open(`/issue/${third}?as=${DEV}`, { frames: 2 });
    const d = frameOf(dev, 'issue-panel');
    await d.locator('[data-decision="rejected"]').first().waitFor();
    expect(
      await d.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
    ).not.toEqual(expect.arrayContaining(['accept', 'reject', 'revoke', 'confirm-reject']));
    expect(await d.locator('[data-unavailable]').count()).toBe(1);
    expect(h.errors).toEqual([]);
  });
});
