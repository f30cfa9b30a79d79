/**
 * Consent as Jira shows it: a user who has not yet allowed the app access gets the "Allow access"
 * prompt over the surface instead of the app; allowing it loads the app.
 */
import { startHarness, type Harness } from './support/harness';

const PENDING = 'u-kenji-sato';

describe('consent prompt', () => {
  let h: Harness;
  beforeAll(async () => {
    process.env.POPM_CONSENT_PENDING = PENDING;
    try {
      h = await startHarness();
    } finally {
      delete process.env.POPM_CONSENT_PENDING;
    }
  });
  afterAll(() => (h as Harness | undefined)?.close());

  it('asks before the app runs as the user, then shows the app once allowed', async () => {
    // The app itself stays hidden behind the prompt, so do not wait for it to render.
    const page = await h.open(`/project/ART?as=${PENDING}`, { frames: 0 });
    const frame = page.locator('iframe').first().contentFrame();
    const prompt = frame.getByRole('dialog', { name: 'Allow access' });
    await prompt.waitFor({ timeout: 30000 });
    await prompt.getByRole('button', { name: 'Allow access' }).click();
    await frame.locator('main').first().waitFor({ timeout: 60000 });
    await expect(prompt.count()).resolves.toBe(0);
    // The prompt is the host's script, so it must live within Forge's CSP as well.
    expect(h.errors.filter((e) => e.startsWith('CSP'))).toEqual([]);
  });

  it('does not ask a user who has consented', async () => {
    const page = await h.open('/project/ART?as=u-lena-fischer');
    await page.locator('iframe').first().contentFrame().locator('main').first().waitFor({ timeout: 60000 });
    await expect(
      page.locator('iframe').first().contentFrame().getByRole('dialog', { name: 'Allow access' }).count(),
    ).resolves.toBe(0);
  });
});
