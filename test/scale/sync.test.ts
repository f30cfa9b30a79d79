/**
 * The daily sync by change, against the emulator on a clock the test moves: edits stamp
 * `updated`, and the sync's `updated >= -Nm` search is answered by the emulator's JQL.
 */
import { FIELD_IDS } from '../../src/emulator/generate';
import type { Transport } from '../../src/jira/transport';
import { JiraApi } from '../../src/jira/api';
import { runScanToCompletion } from '../../src/scale/scan-job';
import { readAll } from '../../src/scale/snapshot-store';
import { mayRescanNow, RESCAN_COOLDOWN_MS, syncProject } from '../../src/scale/sync';
import { MemoryStore } from '../../src/storage/memory';
import { apiFor, config, createEmulator, site } from './support';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');

function world() {
  let now = t0;
  const emulator = createEmulator(site(4, 3), { now: () => new Date(now) });
  const store = new MemoryStore();
  const searches: string[] = [];
  const inner = emulator.transportFor('u-0');
  const transport: Transport = async (request) => {
    const body = request.body as { jql?: string } | undefined;
    if (request.path.startsWith('/rest/api/3/search/jql') && body?.jql?.includes('updated >='))
      searches.push(body.jql);
    return inner(request);
  };
  const queued: unknown[] = [];
  const deps = () => ({
    store,
    api: new JiraApi(transport, { sleep: () => Promise.resolve() }),
    config,
    now: () => new Date(now),
    acceptance: 'store' as const,
    queue: { push: (e: unknown) => (queued.push(e), Promise.resolve()) },
  });
  return { emulator, store, searches, queued, deps, advance: (ms: number) => (now += ms) };
}

async function rescanOf(emulator: ReturnType<typeof createEmulator>, projectKey: string) {
  const store = new MemoryStore();
  await runScanToCompletion(
    { store, api: apiFor(emulator), config, now: () => new Date(t0), clock: () => 0, acceptance: 'store' },
    projectKey,
  );
  return (await readAll(store, projectKey))!;
}

describe('daily sync by change', () => {
  it('reads nothing for an unchanged project and patches only what changed', async () => {
    const w = world();
    expect(await syncProject(w.deps(), 'T1')).toEqual({ status: 'rescan', reason: 'first scan' });
    await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
    w.queued.length = 0;

    w.advance(24 * 60 * 60 * 1000);
    w.emulator.requests.reset();
    expect(await syncProject(w.deps(), 'T1')).toEqual({
      status: 'synced',
      changed: 0,
      requests: 1,
      objects: 0,
    });
    expect(w.emulator.requests.count).toBe(1); // the catch-up search
    expect(w.searches[0]).toMatch(/^project = "T1" AND updated >= -\d+m$/);
    // A day and the margin: 1,470 minutes.
    expect(w.searches[0]).toContain('-1470m');

    // Someone replaces a story's Product Owner without the app hearing of it.
    const story = w.emulator.snapshot().issues.find((i) => i.key.startsWith('T1-'))!;
    const put = await w.emulator.transportFor('u-0')({
      method: 'PUT',
      path: `/rest/api/3/issue/${story.key}`,
      body: { fields: { [FIELD_IDS.productOwner]: [{ accountId: 'u-9' }] } },
    });
    expect(put.status).toBe(204);
    w.advance(24 * 60 * 60 * 1000);
    const synced = await syncProject(w.deps(), 'T1');
    expect(synced).toEqual({ status: 'synced', changed: 1, requests: 2, objects: 1 });
    expect(w.queued).toEqual([]);
    expect((await readAll(w.store, 'T1'))!.rows).toEqual((await rescanOf(w.emulator, 'T1')).rows);
  });

  it('rescans weekly and after a configuration change, not otherwise', async () => {
    const w = world();
    await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
    w.advance(8 * 24 * 60 * 60 * 1000);
    expect(await syncProject(w.deps(), 'T1')).toEqual({ status: 'rescan', reason: 'weekly' });
    expect(w.queued).toEqual([expect.objectContaining({ projectKey: 'T1', reason: 'weekly' })]);

    const v = world();
    await runScanToCompletion({ ...v.deps(), clock: () => 0 }, 'T1');
    const changedConfig = { ...config, rules: { ...config.rules } };
    changedConfig.rules['story-missing-po'] = { ...changedConfig.rules['story-missing-po'], enabled: false };
    expect(await syncProject({ ...v.deps(), config: changedConfig }, 'T1')).toEqual({
      status: 'rescan',
      reason: 'the configuration changed',
    });
  });

  it('lets a viewer rescan at most once per cool-down', async () => {
    const w = world();
    expect(await mayRescanNow(w.deps(), 'T1', false)).toBe(true);
    await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
    expect(await mayRescanNow(w.deps(), 'T1', false)).toBe(false);
    expect(await mayRescanNow(w.deps(), 'T1', true)).toBe(true);
    w.advance(RESCAN_COOLDOWN_MS);
    expect(await mayRescanNow(w.deps(), 'T1', false)).toBe(true);
  });
});
