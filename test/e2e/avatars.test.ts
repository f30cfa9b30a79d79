/**
 * A page of the local host loads without one failed request: the owners' avatars come from the
 * host itself (the sample's accounts have no pictures anywhere else), and they really draw.
 */
import type { Page, Request } from 'playwright-core';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await (h as Harness | undefined)?.close();
});

/**
 * Opens a page watching every request of it and its frames. The harness answers requests off the
 * local host with a stand-in picture (the tests run offline), so those count as failures too: in a
 * real browser they would go to a site that does not have them.
 */
async function openWatched(path: string): Promise<{ page: Page; failed: string[] }> {
  const context = h.browser.contexts()[0];
  if (!context) throw new Error('the harness has no browser context');
  const page = await context.newPage();
  const failed: string[] = [];
  const local = new URL(h.host.url).origin;
  page.on('request', (r: Request) => {
    if (!r.url().startsWith('data:') && new URL(r.url()).origin !== local) failed.push(`off-site ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`failed ${r.url()}: ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(`${h.host.url}${path}`);
  return { page, failed };
}

describe('avatars', () => {
  it('an issue page loads with zero failed requests and its avatars draw', async () => {
    const { page, failed } = await openWatched('/issue/ORB-12?as=u-lena-fischer');
    const frames = page.locator('iframe');
    await frames.first().waitFor();
    expect(await frames.count()).toBe(2);
    const images: { src: string; width: number }[] = [];
    for (let i = 0; i < 2; i++) {
      const frame = frames.nth(i).contentFrame();
      const avatar = frame.locator('img[src*="/avatars/user/"]').first();
      await avatar.waitFor({ timeout: 60000 });
      // Wait until each picture has finished loading or failing, then read its size.
      await frame.locator('img').evaluateAll((els) =>
        Promise.all(
          (els as HTMLImageElement[]).map((img) =>
            img.complete
              ? Promise.resolve()
              : new Promise<void>((done) => {
                  img.addEventListener('load', () => done(), { once: true });
                  img.addEventListener('error', () => done(), { once: true });
                }),
          ),
        ),
      );
      images.push(
        ...(await frame
          .locator('img')
          .evaluateAll((els) =>
            (els as HTMLImageElement[]).map((img) => ({ src: img.src, width: img.naturalWidth })),
          )),
      );
    }
    await page.waitForLoadState('networkidle');
    expect(images.length).toBeGreaterThan(0);
    for (const img of images)
      expect(img).toEqual({ src: expect.stringContaining('/avatars/'), width: expect.any(Number) });
    expect(images.filter((img) => img.width === 0)).toEqual([]);
    expect(failed).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it.each([['/project/ORB'], ['/admin'], ['/queue?as=u-lena-fischer'], ['/']])(
    '%s loads with zero failed or off-site requests',
    async (path) => {
      const { page, failed } = await openWatched(path);
      if (path !== '/')
        await page
          .locator('iframe')
          .first()
          .contentFrame()
          .locator('main, form')
          .first()
          .waitFor({ timeout: 60000 });
      await page.waitForLoadState('networkidle');
      expect(failed).toEqual([]);
    },
  );

  it('the switcher says who owns what', async () => {
    const { page } = await openWatched('/?as=u-lena-fischer');
    const selected = await page.locator('#as option:checked').textContent();
    expect(selected).toMatch(/^Lena Fischer — PO of \d+ stories in ORB/);
    expect(await page.locator('#as option').allTextContents()).toContain('Morgan Reyes — admin');
  });
});
