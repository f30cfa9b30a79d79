/**
 * The project page and the gadget over stored snapshots, in chromium over the local host (whose
 * queue runs the scan steps in-process, as the Forge consumer would): progress while a scan runs,
 * the age of the data, Rescan, and a failed scan with its retry. The emulator's search is
 * held at a gate so the running scan can be seen for as long as the test looks.
 */
import { jiraError } from '../../src/emulator/emulator';
import { frameOf, startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await (h as Harness | undefined)?.close();
});

/**
 * Holds every search/jql request until `release()`, so a running scan stays visible for exactly as
 * long as the test needs to look at it, with no timer to guess. `restore()` removes the gate.
 */
function gateSearch(): { release: () => void; restore: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const remove = h.host.emulator.injectFault(async (req) => {
    if (req.path.startsWith('/rest/api/3/search/jql')) await opened;
    return undefined;
  });
  return {
    release: open,
    restore: () => {
      open();
      remove();
    },
  };
}

describe('project page over a snapshot', () => {
  it('a first view shows the scan’s progress, then the tree with the age of its data', async () => {
    const gate = gateSearch();
    try {
      const page = await h.open('/project/NEB');
      const f = frameOf(page, 'project-page');
      const progress = f.locator('[data-scan-progress="running"]');
      await progress.waitFor();
      expect(await progress.innerText()).toMatch(/Scanning NEB: [\d,]+ issues read/);
      gate.release();
      await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
      expect(await f.locator('[data-scan-status]').innerText()).toMatch(/^Data from just now\.$/);
      expect(await f.locator('tbody tr[data-row-key]').count()).toBeGreaterThan(0);
      expect(await f.locator('[data-figures="project-wide"]').innerText()).toMatch(/whole project/);
    } finally {
      gate.restore();
    }
  });

  it('Rescan reads the project again, showing progress over the data it replaces', async () => {
    const page = await h.open('/project/NEB');
    const f = frameOf(page, 'project-page');
    await f.locator('[data-scan-status="complete"]').waitFor();
    const rows = await f.locator('tbody tr[data-row-key]').count();
    const gate = gateSearch();
    try {
      await f.locator('[data-action="rescan"]').click();
      const progress = f.locator('[data-scan-progress="running"]');
      await progress.waitFor();
      expect(await progress.innerText()).toMatch(/Rescanning NEB: [\d,]+ of about [\d,]+ issues read/);
      // The previous data stays on screen meanwhile.
      expect(await f.locator('tbody tr[data-row-key]').count()).toBe(rows);
      gate.release();
      await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
      expect(await f.locator('tbody tr[data-row-key]').count()).toBe(rows);
    } finally {
      gate.restore();
    }
  });

  it('a failed scan says why and offers a retry that completes it', async () => {
    const remove = h.host.emulator.injectFault((req) =>
      req.path.startsWith('/rest/api/3/search/jql')
        ? jiraError(400, ['Search is switched off for this test.'])
        : undefined,
    );
    const page = await h.open('/project/PORT');
    const f = frameOf(page, 'project-page');
    const failed = f.locator('[data-scan-status="failed"]');
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.innerText()).toMatch(/The last scan failed: .*Search is switched off/);
    remove();
    await f.locator('[data-action="rescan"]').click();
    await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
    expect(await f.locator('tbody tr[data-row-key]').count()).toBeGreaterThan(0);
  });
});

describe('gadget over a snapshot', () => {
  it('shows progress on a project without a snapshot, then project-wide figures, their age and Rescan', async () => {
    const gate = gateSearch();
    try {
      const page = await h.open('/gadget?project=COM');
      const f = frameOf(page, 'gadget');
      await f.locator('[data-scan-progress="running"]').waitFor();
      gate.release();
      await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
      expect(await f.locator('[data-coverage="featuresWithPm"]').innerText()).toMatch(/^(\d+%|—)$/);
      expect(await f.locator('main').innerText()).toMatch(/Project-wide figures/);
      expect(await f.locator('[data-scan-status]').innerText()).toMatch(/Data from just now/);
      const again = gateSearch();
      try {
        await f.locator('[data-action="rescan"]').click();
        await f.locator('[data-scan-progress="running"]').waitFor();
        again.release();
        await f.locator('[data-scan-status="complete"]').waitFor({ timeout: 60_000 });
      } finally {
        again.restore();
      }
    } finally {
      gate.restore();
    }
  });

  it('raised no page errors', () => {
    expect(h.errors).toEqual([]);
  });
});
