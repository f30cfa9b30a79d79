/**
 * How the surfaces behave for a person, in chromium over the local host: frames keep their height,
 * every finding links its issue, and writes update the views in place.
 */
import { frameOf, loadSample, startHarness, type Harness } from './support/harness';
import { pickStory } from './support/stories';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await (h as Harness | undefined)?.close();
});

const frameHeights = (page: Awaited<ReturnType<Harness['open']>>) =>
  page.locator('iframe').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));

describe('frame height', () => {
  it('stays the same over 5 s once a page has loaded', async () => {
    const page = await h.open('/issue/ART-32', { frames: 2 });
    await frameOf(page, 'issue-panel').locator('[data-rule]').first().waitFor();
    // Let the first layout settle, then watch.
    await page.waitForTimeout(500);
    const before = await frameHeights(page);
    await page.waitForTimeout(5000);
    const after = await frameHeights(page);
    expect(after).toEqual(before);
    // The frames fit their content rather than the host's cap.
    for (const height of after) expect(height).toBeLessThan(5000);
  });
});

/** For every element with data-issue-key: the href of the link it is, is inside, or contains. */
function issueLinks(frame: ReturnType<typeof frameOf>) {
  return frame.locator('[data-issue-key]').evaluateAll((els) =>
    els.map((e) => {
      const a = e.closest('a') ?? e.querySelector('a');
      return { key: e.getAttribute('data-issue-key'), href: a ? new URL(a.href).pathname : null };
    }),
  );
}

describe('no dead ends', () => {
  it.each([
    ['/issue/ART-32', 'issue-panel', 2],
    ['/issue/ART-32', 'issue-context', 2],
    ['/project/ART', 'project-page', 1],
  ])('every finding on %s (%s) links its issue to /issue/KEY', async (path, surface, frames) => {
    const page = await h.open(path, { frames });
    const f = frameOf(page, surface);
    await f.locator('[data-issue-key]').first().waitFor();
    const links = await issueLinks(f);
    expect(links.length).toBeGreaterThan(0);
    for (const { key, href } of links) expect(href).toBe(`/issue/${key ?? ''}`);
  });

  it('following a key opens that issue in the page, as the same user', async () => {
    const page = await h.open('/project/ART?as=u-lena-fischer');
    const f = frameOf(page, 'project-page');
    await f.locator('tr[data-row-key="ART-32"] a').first().click();
    await page.waitForURL(/\/issue\/ART-32\?/);
    expect(new URL(page.url()).searchParams.get('as')).toBe('u-lena-fischer');
  });

  it('a count by rule filters the tree, and the filter lives in the URL', async () => {
    const page = await h.open('/project/ART');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status]').waitFor();
    const rule = 'feature-missing-pm';
    await f.locator(`[data-count-rule="${rule}"] [data-action="filter-rule"]`).click();
    const rules = () =>
      f
        .locator('[data-rule]')
        .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-rule')))]);
    expect(await rules()).toEqual([rule]);
    await page.waitForURL((u) => u.searchParams.get('rule') === rule);

    // The same URL shows the same filtered view.
    const again = await h.open(new URL(page.url()).pathname + new URL(page.url()).search);
    const g = frameOf(again, 'project-page');
    await g.locator('[data-scan-status]').waitFor();
    await g.locator('[data-rule]').first().waitFor();
    expect(
      await g
        .locator('[data-rule]')
        .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-rule')))]),
    ).toEqual([rule]);
    expect(await g.locator(`[data-count-rule="${rule}"] button`).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('writes update every view of the issue in place', () => {
  const story = pickStory();
  const missing = `[data-rule="story-missing-po-acceptance"][data-issue-key="${story.key}"]`;
  const otherName = loadSample().users.find((u) => u.accountId === story.other)?.displayName ?? '';

  /** The data-action of the focused element in a frame, or what has focus instead. */
  const focused = (f: ReturnType<typeof frameOf>) =>
    f.evaluate(() => {
      const a = document.activeElement;
      return a?.getAttribute('data-action') ?? a?.tagName.toLowerCase() ?? 'none';
    });

  it('accept and revoke: the context follows, the panel keeps its place and focus', async () => {
    const page = await h.open(`/issue/${story.key}?as=${story.owner}`, { frames: 2 });
    const panel = frameOf(page, 'issue-panel');
    const context = frameOf(page, 'issue-context');
    await context.locator(missing).waitFor();
    // A marker on the panel's <main>: a whole-panel reload would replace the element and lose it.
    await panel.locator('main').evaluate((m) => m.setAttribute('data-test-marker', 'kept'));

    await panel.locator('[data-action="accept"]').click();
    await panel.locator('[data-action="revoke"]').waitFor();
    await context.locator(missing).waitFor({ state: 'detached' });
    expect(await panel.locator('main[data-test-marker="kept"]').count()).toBe(1);
    expect(['accept', 'revoke']).toContain(await focused(panel));

    // Revoking asks first; cancelling changes nothing and gives focus back to the revoke button.
    await panel.locator('[data-action="revoke"]').click();
    const dialog = panel.getByRole('dialog', { name: `Revoke the acceptance of ${story.key}?` });
    expect(await dialog.innerText()).toContain('will no longer count as accepted');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(panel)).toBe('revoke');
    expect(await context.locator(missing).count()).toBe(0);

    await panel.locator('[data-action="revoke"]').click();
    await panel.locator('[data-action="confirm-revoke"]').click();
    await context.locator(missing).waitFor();
    await panel.locator(missing).waitFor();
    expect(await panel.locator('main[data-test-marker="kept"]').count()).toBe(1);
    expect(['accept', 'revoke']).toContain(await focused(panel));
  });

  it('set owner: the context names the new owner, focus returns to the owner control', async () => {
    const page = await h.open(`/issue/${story.key}`, { frames: 2 });
    const panel = frameOf(page, 'issue-panel');
    const context = frameOf(page, 'issue-context');
    await context.locator('dl').waitFor();
    expect(await context.locator('dl').innerText()).not.toContain(otherName);
    await panel.locator('main').evaluate((m) => m.setAttribute('data-test-marker', 'kept'));

    await panel.locator('[data-action="set-owner"]').click();
    await panel.getByLabel('Add a Product Owner').fill(otherName.split(' ')[0] ?? '');
    await panel.locator(`.popm-person[data-account-id="${story.other}"]`).click();
    await context.locator('dl', { hasText: otherName }).waitFor();
    expect(await panel.locator('main[data-test-marker="kept"]').count()).toBe(1);
    expect(await focused(panel)).toBe('set-owner');
  });

  it('raised no page errors', () => {
    expect(h.errors).toEqual([]);
  });
});
