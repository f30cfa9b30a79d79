/**
 * One pipeline per issue event: parse once, patch the stored trees once, and take the stale mark
 * and the `popm.findings` writes from that patch. A status change costs at most two requests.
 */
import { FIELD_IDS, STATUSES } from '../../src/emulator/generate';
import { runScanToCompletion } from '../../src/scale/scan-job';
import { readAll } from '../../src/scale/tree-store';
import { handleIssueEvent } from '../../src/services/trigger';
import { acceptanceKey } from '../../src/storage/acceptance-store';
import { MemoryStore } from '../../src/storage/memory';
import { apiFor, appDeps, config, createEmulator, site } from './support';

const now = () => new Date('2026-03-01T10:00:00.000Z');

describe('issue event pipeline', () => {
  it('a status change out of done: stale mark, tree and popm.findings from one patch, in two requests', async () => {
    const before = site(4, 3);
    const story = before.issues.find((i) => i.key.startsWith('T1-') && i.fields[FIELD_IDS.productOwner])!;
    story.fields.status = STATUSES.done!;
    story.fields.statuscategorychangedate = '2026-02-10T09:00:00.000+0000';
    const po = (story.fields[FIELD_IDS.productOwner] as string[])[0]!;
    const store = new MemoryStore();
    await store.set(acceptanceKey(story.id), {
      issueKey: story.key,
      record: { acceptedBy: po, acceptedAt: '2026-02-15T09:00:00.000Z', statusCategory: 'done' },
      revision: 1,
      history: [],
    });
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(before)), config, now, clock: () => 0, acceptance: 'store' },
      'T1',
    );
    const row = (await readAll(store, 'T1'))!.rows.find((r) => r.key === story.key)!;
    expect(row.acceptance).toEqual(expect.objectContaining({ valid: true, stale: false }));

    // Jira: the story is reopened.
    const after = structuredClone(before);
    const reopened = after.issues.find((i) => i.key === story.key)!;
    reopened.fields.status = STATUSES.inProgress!;
    reopened.fields.statuscategorychangedate = '2026-02-20T09:00:00.000+0000';
    const emulator = createEmulator(after);
    const queued: unknown[] = [];
    emulator.requests.reset();
    const outcome = await handleIssueEvent(appDeps(emulator, store, queued), {
      eventType: 'avi:jira:updated:issue',
      issue: { id: story.id, key: story.key, fields: { parent: { key: String(story.fields.parent) } } },
      changelog: {
        items: [{ field: 'status', fieldId: 'status', fromString: 'Done', toString: 'In Progress' }],
      },
    });

    expect(emulator.requests.count).toBeLessThanOrEqual(2);
    expect(emulator.requests.entries.map((e) => `${e.method} ${e.path.split('?')[0]}`)).toEqual([
      'POST /rest/api/3/issue/bulkfetch',
      'POST /rest/api/3/issue/properties/multi',
    ]);
    expect(outcome.markedStale).toBe(true);
    expect(outcome.refreshed).toContain(story.key);
    expect(queued).toEqual([]);
    const patched = (await readAll(store, 'T1'))!.rows.find((r) => r.key === story.key)!;
    expect(patched.status.category).toBe('indeterminate');
    expect(patched.findings.map((f) => f.rule)).toContain('acceptance-stale');
    const property = emulator.snapshot().issues.find((i) => i.key === story.key)!.properties?.[
      'popm.findings'
    ] as { rules: string[] };
    expect(property.rules).toContain('acceptance-stale');
    // The stale mark in the store, for the validator and the issue views.
    const entry = (await store.get(acceptanceKey(story.id))) as { staleSince?: string } | undefined;
    expect(entry?.staleSince).toBe(now().toISOString());
  });

  it('an event that changes nothing the rules read costs no request', async () => {
    const snapshot = site(2, 2);
    const store = new MemoryStore();
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(snapshot)), config, now, clock: () => 0, acceptance: 'store' },
      'T1',
    );
    const emulator = createEmulator(snapshot);
    const story = snapshot.issues.find((i) => i.key.startsWith('T1-'))!;
    emulator.requests.reset();
    await handleIssueEvent(appDeps(emulator, store, []), {
      eventType: 'avi:jira:updated:issue',
      issue: { id: story.id, key: story.key },
      changelog: { items: [{ field: 'labels', fieldId: 'labels' }] },
    });
    expect(emulator.requests.count).toBe(0);
  });
});
