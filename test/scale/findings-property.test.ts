/**
 * The scan keeps `popm.findings` current for every in-scope issue: written through the bulk
 * endpoint, 100 issues a request, only where the value changed, resumable like the other phases.
 */
import { readFileSync } from 'node:fs';
import { SAMPLE_SNAPSHOT_PATH } from '../../src/emulator';
import type { JiraEmulator } from '../../src/emulator/emulator';
import { FINDINGS_PROPERTY } from '../../src/domain/types';
import { JiraApi } from '../../src/jira/api';
import type { Transport } from '../../src/jira/transport';
import { readScanState, type ScanEvent } from '../../src/scale/scan-checkpoint';
import { requestScan, runScanStep, runScanToCompletion } from '../../src/scale/scan-job';
import type { ScanQueue } from '../../src/platform/deps';
import { findingsPropertyValue } from '../../src/scale/findings-property';
import { parseSnapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';
import { specCheckedTransport } from '../support/openapi';
import { apiFor, config, createEmulator, directAudit, site } from './support';

const now = () => new Date('2026-03-01T10:00:00.000Z');
const MULTI = '/rest/api/3/issue/properties/multi';

/** The app's api over the emulator, recording the issue ids of every bulk write Jira accepted. */
function recordingApi(
  emulator: JiraEmulator,
  options: { specChecked?: boolean; retries?: boolean } = {},
): { api: JiraApi; written: string[][] } {
  const written: string[][] = [];
  const inner = emulator.transportFor(emulator.defaultAccountId ?? 'u-0');
  const base = options.specChecked ? specCheckedTransport(inner) : inner;
  const transport: Transport = async (request) => {
    const response = await base(request);
    if (request.method === 'POST' && request.path === MULTI && response.status === 303) {
      const body = request.body as { issues: { issueID: number }[] };
      written.push(body.issues.map((i) => String(i.issueID)));
    }
    return response;
  };
  const api = new JiraApi(transport, {
    sleep: () => Promise.resolve(),
    ...(options.retries === false ? { retry: { maxAttempts: 1 } } : {}),
  });
  return { api, written };
}

/** The property values as the emulator holds them, by issue id. */
function propertiesOf(emulator: JiraEmulator): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const issue of emulator.snapshot().issues)
    if (issue.properties && FINDINGS_PROPERTY in issue.properties)
      out.set(issue.id, issue.properties[FINDINGS_PROPERTY]);
  return out;
}

/** What the property of each in-scope issue should hold, from the one-shot audit. */
async function expectedValues(emulator: JiraEmulator, projectKey: string): Promise<Map<string, unknown>> {
  const { result } = await directAudit(emulator, projectKey);
  return new Map(
    result.issues.filter((ev) => ev.inScope).map((ev) => [ev.id, findingsPropertyValue(ev, now())]),
  );
}

async function scan(api: JiraApi, store: MemoryStore, projectKey: string) {
  return runScanToCompletion({ store, api, config, now, clock: () => 0 }, projectKey);
}

describe('scan keeps popm.findings current', () => {
  // T1 holds ~330 stories below ART's features: four bulk writes on a first scan.
  const snapshot = site(20, 50);

  it('writes findingsPropertyValue of its evaluation on every in-scope issue, and nothing else', async () => {
    const emulator = createEmulator(snapshot);
    const expected = await expectedValues(emulator, 'T1');
    expect(expected.size).toBeGreaterThan(300);
    expect(propertiesOf(emulator).size).toBe(0);
    const { api, written } = recordingApi(emulator, { specChecked: true });
    const outcome = await scan(api, new MemoryStore(), 'T1');
    expect(outcome.status === 'failed' ? outcome.error : outcome.status).toBe('complete');
    expect(propertiesOf(emulator)).toEqual(expected);
    expect(written.map((b) => b.length)).toEqual(
      Array.from({ length: Math.ceil(expected.size / 100) }, (_, n) =>
        Math.min(100, expected.size - n * 100),
      ),
    );
    // Read back through Jira's own endpoint too (what a JQL index or another reader sees).
    const [someId, someValue] = [...expected][0]!;
    expect(await api.getIssueProperty(someId, FINDINGS_PROPERTY)).toEqual(someValue);
  });

  it('writes nothing on a second scan of an unchanged project, and only what changed after an edit', async () => {
    const emulator = createEmulator(snapshot);
    const first = recordingApi(emulator);
    await scan(first.api, new MemoryStore(), 'T1');
    const firstRequests = first.api.requestCount;
    const writeRequests = first.written.length;
    expect(writeRequests).toBeGreaterThan(1);

    const store = new MemoryStore();
    emulator.requests.reset();
    const second = recordingApi(emulator);
    const outcome = await scan(second.api, store, 'T1');
    expect(second.written).toEqual([]);
    expect(emulator.requests.entries.some((e) => e.path === MULTI)).toBe(false);
    // The reads alone: metadata, one request per staged page, nothing else.
    expect(second.api.requestCount).toBe(firstRequests - writeRequests);
    expect(second.api.requestCount).toBe(2 + outcome.state.pages);

    // Someone edits an issue so its findings change: drop the PO of a story that has one.
    const before = await expectedValues(emulator, 'T1');
    const poField = emulator.snapshot().fields.find((f) => f.name === 'Product Owner')!.id;
    const story = emulator
      .snapshot()
      .issues.find((i) => i.fields.project === 'T1' && i.fields[poField] != null && i.fields.parent != null)!;
    const put = await emulator.transportFor(emulator.defaultAccountId!)({
      method: 'PUT',
      path: `/rest/api/3/issue/${story.key}`,
      body: { fields: { [poField]: null } },
    });
    expect(put.status).toBe(204);
    const after = await expectedValues(emulator, 'T1');
    const changed = [...after.keys()].filter(
      (id) => JSON.stringify(after.get(id)) !== JSON.stringify(before.get(id)),
    );
    expect(changed).toEqual([story.id]);
    const third = recordingApi(emulator);
    await scan(third.api, store, 'T1');
    expect(third.written).toEqual([[story.id]]);
    expect(propertiesOf(emulator).get(story.id)).toEqual(after.get(story.id));

    // A property someone else overwrote (or Jira's non-transactional task dropped) is restored.
    await emulator.transportFor(emulator.defaultAccountId!)({
      method: 'PUT',
      path: `/rest/api/3/issue/${story.key}/properties/${FINDINGS_PROPERTY}`,
      body: { rules: [], severity: 'none', acceptanceValid: 'yes', count: 0, updatedAt: 'x' },
    });
    const fourth = recordingApi(emulator);
    await scan(fourth.api, store, 'T1');
    expect(fourth.written).toEqual([[story.id]]);
    expect(propertiesOf(emulator).get(story.id)).toEqual(after.get(story.id));
  });

  it('resumes the write phase after a budget stop and a failed batch, writing each issue once', async () => {
    const emulator = createEmulator(snapshot);
    const expected = await expectedValues(emulator, 'T1');
    let virtual = 0;
    let multis = 0;
    let failed = false;
    emulator.injectFault((req) => {
      virtual += 10_000;
      if (req.path === MULTI && ++multis === 3 && !failed) {
        failed = true;
        throw new Error('connection reset');
      }
      return undefined;
    });
    const { api, written } = recordingApi(emulator, { retries: false });
    const store = new MemoryStore();
    const events: ScanEvent[] = [];
    const queue: ScanQueue = {
      push: (e) => (events.push({ kind: 'scan', action: 'continue', ...e }), Promise.resolve()),
    };
    await requestScan({ store, now, queue }, 'T1');
    const stops: { status: string; phase: string; cursor: number }[] = [];
    while (events.length > 0) {
      const event = events.shift()!;
      const start = virtual;
      const outcome = await runScanStep(
        { store, api, config, now, queue, clock: () => virtual - start },
        'T1',
        // Two requests a step: the write phase spans several steps.
        { budgetMs: 30_000, reserveMs: 10_000, evaluateReserveMs: 10_000 },
        event,
      );
      stops.push({
        status: outcome.status,
        phase: outcome.state.phase,
        cursor: outcome.state.writes.cursor,
      });
    }
    expect(stops.at(-1)?.status).toBe('complete');
    const inWrites = stops.filter((s) => s.phase === 'properties');
    expect(inWrites.some((s) => s.status === 'continued' && s.cursor > 0)).toBe(true);
    expect(inWrites.some((s) => s.status === 'retrying' && s.cursor > 0)).toBe(true);
    const ids = written.flat();
    expect(ids.length).toBe(expected.size);
    expect(new Set(ids).size).toBe(expected.size);
    expect(propertiesOf(emulator)).toEqual(expected);
    // The staged writes are gone with the rest of the scan's staging.
    expect((await store.list('scan:T1:g')).length).toBe(0);
    expect((await readScanState(store, 'T1'))?.writes).toEqual(
      expect.objectContaining({ cursor: expected.size, length: expected.size }),
    );
  });

  it('gives up the writes, not the scan, when Jira refuses them', async () => {
    const emulator = createEmulator(site(3, 10));
    emulator.injectFault((req) =>
      req.path === MULTI
        ? {
            status: 403,
            headers: {},
            text: JSON.stringify({ errorMessages: ['You do not have permission.'], errors: {} }),
          }
        : undefined,
    );
    const messages: string[] = [];
    const outcome = await runScanToCompletion(
      {
        store: new MemoryStore(),
        api: apiFor(emulator),
        config,
        now,
        clock: () => 0,
        log: (m) => messages.push(m),
      },
      'T1',
    );
    expect(outcome.status).toBe('complete');
    expect(outcome.state.writes.error).toMatch(/403/);
    expect(emulator.requests.entries.filter((e) => e.path === MULTI)).toHaveLength(1);
    expect(messages).toContain('scan: popm.findings writes given up');
  });

  it('lets JQL find every done ORB story without a valid acceptance after one scan of the sample site', async () => {
    const sample = parseSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));
    const emulator = createEmulator(sample);
    const { result } = await directAudit(emulator, 'ORB');
    const wanted = result.issues
      .filter(
        (ev) => ev.inScope && ev.level === 'team' && ev.status.category === 'done' && !ev.acceptanceValid,
      )
      .map((ev) => ev.key)
      .sort();
    expect(wanted.length).toBeGreaterThan(0);
    const jql =
      'project = ORB AND issue.property[popm.findings].acceptanceValid = "no" AND statusCategory = Done';
    const api = apiFor(emulator);
    const found = async (): Promise<string[]> => {
      const keys: string[] = [];
      for await (const page of api.searchJqlPages({ jql, fields: ['key'], maxResults: 100 }))
        keys.push(...page.map((i) => i.key));
      return keys.sort();
    };
    // Before: only issues the app had touched carry the property, so JQL misses the rest.
    expect((await found()).length).toBeLessThan(wanted.length);
    await scan(api, new MemoryStore(), 'ORB');
    expect(await found()).toEqual(wanted);
  });
});
