/**
 * Screenshots of every surface in light and dark themes, from the production bundles over the
 * local host and the sample site, into docs/screenshots/<surface>-<theme>.png.
 *   npm run screenshots [-- NAME...]   (only the named shots, e.g. project-page-sprint)
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { buildUi, isUiStale } from './build-ui';
import { startLocalHost } from '../src/localhost/app';
import { CHROMIUM, CHROMIUM_ARGS, OFF_SITE, PIXEL } from './chromium';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
/** Frame widths as Jira gives them: issue panel ~700 px, issue context ~360 px, gadget ~450 px. */
const WIDTH: Record<string, number> = { 'issue-panel': 700, 'issue-context': 360, gadget: 450 };
const SHOTS: { name: string; path: string; surfaces: string[] }[] = [
  { name: 'issue-panel', path: '/issue/ART-32', surfaces: ['issue-panel', 'issue-context'] },
  { name: 'issue-panel-story', path: '/issue/ART-46', surfaces: ['issue-panel', 'issue-context'] },
  { name: 'project-page', path: '/project/ART', surfaces: ['project-page'] },
  { name: 'gadget', path: '/gadget?project=ART', surfaces: ['gadget'] },
  { name: 'gadget-edit', path: '/gadget?project=ART&edit=1', surfaces: ['gadget'] },
  { name: 'admin', path: '/admin', surfaces: ['admin'] },
  { name: 'project-settings', path: '/project/ART/settings', surfaces: ['project-settings'] },
  {
    name: 'issue-panel-decisions',
    path: '/issue/NEB-123?as=u-lena-fischer',
    surfaces: ['issue-panel', 'issue-context'],
  },
  { name: 'queue', path: '/queue?as=u-lena-fischer', surfaces: ['queue'] },
  { name: 'project-page-sprint', path: '/project/ORB?sprint=active', surfaces: ['project-page'] },
  { name: 'gadget-sprints', path: '/gadget?project=ORB&fixVersion=PI%202026.4', surfaces: ['gadget'] },
];

async function main(): Promise<void> {
  if (await isUiStale()) await buildUi((m) => process.stderr.write(`${m}\n`));
  await mkdir(OUT, { recursive: true });
  const host = await startLocalHost({ port: 0, buildDir: join(ROOT, 'static', 'build') });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  });
  try {
    // Full pages at 1440 px, Jira's common desktop width.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // The sample's avatars live on a site that does not exist; answer them with a blank image.
    await context.route(OFF_SITE, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
    const page = await context.newPage();
    const only = process.argv.slice(2);
    const shots = only.length > 0 ? SHOTS.filter((s) => only.includes(s.name)) : SHOTS;
    for (const theme of ['light', 'dark'] as const) {
      for (const shot of shots) {
        const sep = shot.path.includes('?') ? '&' : '?';
        await page.goto(`${host.url}${shot.path}${sep}theme=${theme}`);
        for (let i = 0; i < shot.surfaces.length; i++) {
          const frame = page.locator('iframe').nth(i).contentFrame();
          await frame.locator('main, form').first().waitFor({ timeout: 60000 });
          // A first view scans the project: picture the page it fills in, not the progress bar.
          await frame
            .locator('[data-scan-progress="running"]')
            .waitFor({ state: 'detached', timeout: 120000 });
        }
        const sized = shot.surfaces.filter((x) => WIDTH[x] !== undefined);
        if (sized.length > 0)
          await page.addStyleTag({
            content: sized
              .map((x) => `section.frame:has(iframe[data-surface="${x}"]) { flex: 0 0 ${WIDTH[x] ?? 0}px; }`)
              .join('\n'),
          });
        // Let the frames report their height and the token CSS settle.
        await page.waitForTimeout(1000);
        if (sized.length === 0) {
          const file = join(OUT, `${shot.name}-${theme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          process.stderr.write(`wrote ${file}\n`);
        }
        // A frame at Jira's width, on its own: what a person sees in that slot.
        for (const x of sized) {
          const name = x === shot.surfaces[0] ? shot.name : shot.name.replace('issue-panel', x);
          const file = join(OUT, `${name}-${theme}.png`);
          await page.locator(`section.frame:has(iframe[data-surface="${x}"])`).screenshot({ path: file });
          process.stderr.write(`wrote ${file}\n`);
        }
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
