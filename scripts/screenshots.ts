/**
 * Screenshots of every surface in light and dark themes, from the production bundles over the
 * local host and the sample site, into docs/screenshots/<surface>-<theme>.png.
 *   npm run screenshots
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { buildUi, isUiStale } from './build-ui';
import { startLocalHost } from '../src/localhost/app';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const SHOTS: { name: string; path: string; frames: number }[] = [
  { name: 'issue-panel', path: '/issue/ART-32', frames: 2 },
  { name: 'issue-panel-story', path: '/issue/ART-46', frames: 2 },
  { name: 'project-page', path: '/project/ART', frames: 1 },
  { name: 'gadget', path: '/gadget?project=ART', frames: 1 },
  { name: 'gadget-edit', path: '/gadget?project=ART&edit=1', frames: 1 },
  { name: 'admin', path: '/admin', frames: 1 },
  { name: 'project-settings', path: '/project/ART/settings', frames: 1 },
];
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

async function main(): Promise<void> {
  if (await isUiStale()) await buildUi((m) => process.stderr.write(`${m}\n`));
  await mkdir(OUT, { recursive: true });
  const host = await startLocalHost({ port: 0, buildDir: join(ROOT, 'static', 'build') });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The sample's avatars live on a site that does not exist; answer them with a blank image.
    await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (r) =>
      r.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }),
    );
    const page = await context.newPage();
    for (const theme of ['light', 'dark'] as const) {
      for (const shot of SHOTS) {
        const sep = shot.path.includes('?') ? '&' : '?';
        await page.goto(`${host.url}${shot.path}${sep}theme=${theme}`);
        for (let i = 0; i < shot.frames; i++)
          await page.frameLocator('iframe').nth(i).locator('main, form').first().waitFor({ timeout: 60000 });
        // Let the frames report their height and the token CSS settle.
        await page.waitForTimeout(500);
        const file = join(OUT, `${shot.name}-${theme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        process.stderr.write(`wrote ${file}\n`);
      }
    }
  } finally {
    await browser.close();
    await host.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshots failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
