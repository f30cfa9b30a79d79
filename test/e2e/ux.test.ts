/**
 * How the surfaces behave for a person, in chromium over the local host: frames keep their height,
 * every finding links its issue, and writes update the views in place.
 */
import { frameOf, startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
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
