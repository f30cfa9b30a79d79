import { DEFAULT_CONFIG } from '../../src/domain/config';
import { createEmulator } from '../../src/emulator/emulator';
import { generateSite } from '../../src/emulator/generate';
import { JiraApi } from '../../src/jira/api';
import { parentKeyOf } from '../../src/domain/read';
import { scanProject, type ScanProgress } from '../../src/jira/scan';
import type { TransportRequest } from '../../src/jira/transport';
import { json, scripted } from './fake-transport';

const noSleep = { sleep: () => Promise.resolve() };
const ceil100 = (n: number) => Math.max(1, Math.ceil(n / 100));

function recording(
  transport: (r: TransportRequest) => Promise<import('../../src/jira/transport').TransportResponse>,
) {
  const calls: TransportRequest[] = [];
  const t = (r: TransportRequest) => {
    calls.push(r);
    return transport(r);
  };
  return { t, calls };
}

describe('scanProject over the emulator', () => {
  // 250 features in ART (3 pages), 25 epics in PORT (ancestors), 2 stories each in T1..T3.
  const snapshot = generateSite({ features: 250, storiesPerFeature: 2, epics: 25, seed: 7 });
  const emulator = createEmulator(snapshot);
  const admin = emulator.defaultAccountId ?? 'u-0';

  it("reads the project, its ancestors and its features' stories elsewhere, at the floor of requests", async () => {
    const { t, calls } = recording(emulator.transportFor(admin));
    const api = new JiraApi(t, noSleep);
    const phases: ScanProgress[] = [];
    const site = await scanProject(api, 'ART', DEFAULT_CONFIG, { onProgress: (p) => phases.push(p) });

    const art = snapshot.issues.filter((i) => i.fields.project === 'ART');
    const featureKeys = new Set(art.map((i) => i.key));
    const epicKeys = new Set(
      art.map((i) => i.fields.parent).filter((k): k is string => typeof k === 'string'),
    );
    const stories = snapshot.issues.filter(
      (i) => typeof i.fields.parent === 'string' && featureKeys.has(i.fields.parent),
    );
    expect(art).toHaveLength(250);

    const keys = new Set(site.issues.map((i) => i.key));
    expect(site.issues).toHaveLength(keys.size);
    for (const i of [...art, ...stories]) expect(keys.has(i.key)).toBe(true);
    for (const k of epicKeys) expect(keys.has(k)).toBe(true);
    expect(keys.size).toBe(art.length + epicKeys.size + stories.length);

    // Floor: 2 metadata + one per page of ART + one bulk fetch per 100 ancestors per level;
    // then one query per page per batch of 50 features for the stories below them.
    const projectPages = ceil100(art.length);
    const ancestorBatches = ceil100(epicKeys.size);
    const featureBatches = Math.ceil(art.length / 50);
    const floor = 2 + projectPages + ancestorBatches;
    expect(api.requestCount).toBe(floor + featureBatches);
    expect(calls.filter((c) => c.path === '/rest/api/3/issue/bulkfetch')).toHaveLength(ancestorBatches);
    expect(calls.filter((c) => c.path === '/rest/api/3/search/jql')).toHaveLength(
      projectPages + featureBatches,
    );
    expect(emulator.requests.count).toBeGreaterThanOrEqual(api.requestCount);

    // Only the fields the engine needs, and the acceptance property.
    const first = calls.find((c) => c.path === '/rest/api/3/search/jql');
    expect(first?.body).toMatchObject({
      jql: 'project = "ART"',
      maxResults: 100,
      properties: ['popm.acceptance'],
    });
    const asked = (first?.body as { fields: string[] }).fields;
    expect(asked).toEqual(
      expect.arrayContaining(['summary', 'parent', 'status', 'issuetype', 'customfield_10102']),
    );
    expect(asked).not.toContain('*all');

    expect(site.fields.every((f) => f.id.startsWith('customfield_'))).toBe(true);
    expect(site.issueTypes.length).toBeGreaterThan(3);
    expect(phases.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['metadata', 'project', 'ancestors', 'children']),
    );
    expect(site.report.missingParents).toEqual([]);
    expect(site.report.floor).toBe(floor + featureBatches);
    expect(site.report.requests).toEqual({
      metadata: 2,
      project: projectPages,
      ancestors: ancestorBatches,
      children: featureBatches,
      users: site.report.requests.users,
    });
    expect(site.report.issues).toEqual({
      metadata: 0,
      project: 250,
      ancestors: epicKeys.size,
      children: stories.length,
      users: 0,
    });
  });

  it('follows smaller pages when asked and still reads every issue', async () => {
    const api = new JiraApi(emulator.transportFor(admin), noSleep);
    const site = await scanProject(api, 'ART', DEFAULT_CONFIG, { maxPageSize: 40, childBatchSize: 100 });
    const artIssues = snapshot.issues.filter((i) => i.fields.project === 'ART');
    const art = artIssues.length;
    expect(site.issues.filter((i) => i.key.startsWith('ART-'))).toHaveLength(art);
    // Children pages: per batch of 100 features, one page per 40 stories below them.
    let childPages = 0;
    for (let b = 0; b < art; b += 100) {
      const batch = new Set(artIssues.slice(b, b + 100).map((i) => i.key));
      const below = snapshot.issues.filter(
        (i) => typeof i.fields.parent === 'string' && batch.has(i.fields.parent),
      ).length;
      childPages += Math.max(1, Math.ceil(below / 40));
    }
    expect(api.requestCount).toBe(2 + Math.ceil(art / 40) + 1 + childPages);
  });

  it('survives rate limits and server errors from the site, counting every attempt', async () => {
    const em = createEmulator(snapshot);
    let n = 0;
    em.injectFault(() => {
      n++;
      if (n === 3) return json(429, { errorMessages: ['slow down'] }, { 'retry-after': '1' });
      if (n === 5) return json(503, {});
      return undefined;
    });
    const sleeps: number[] = [];
    const api = new JiraApi(em.transportFor(admin), {
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
      random: () => 0,
    });
    const site = await scanProject(api, 'ART', DEFAULT_CONFIG);
    expect(site.issues.filter((i) => i.key.startsWith('ART-'))).toHaveLength(250);
    expect(sleeps).toEqual([1000, 250]);
    const clean = new JiraApi(createEmulator(snapshot).transportFor(admin), noSleep);
    await scanProject(clean, 'ART', DEFAULT_CONFIG);
    expect(api.requestCount).toBe(clean.requestCount + 2);
    // Retries cost requests above the floor; a clean scan sits on it.
    expect(site.report.floor).toBe(clean.requestCount);
    expect(api.requestCount - site.report.floor).toBe(2);
  });

  it('answers an unknown project with a typed bad-request error', async () => {
    const api = new JiraApi(emulator.transportFor(admin), noSleep);
    await expect(scanProject(api, 'NOPE', DEFAULT_CONFIG)).rejects.toMatchObject({ kind: 'bad-request' });
  });
});

describe('scanProject against a hand-made hierarchy', () => {
  const types = [
    { id: '1', name: 'Epic', hierarchyLevel: 2 },
    { id: '2', name: 'Feature', hierarchyLevel: 1 },
    { id: '3', name: 'Story', hierarchyLevel: 0 },
  ];
  const issue = (key: string, type: string, parent?: string) => ({
    id: String(key.length * 1000 + Number(key.split('-')[1])),
    key,
    fields: {
      project: { id: '1', key: key.split('-')[0] },
      issuetype: { id: type },
      ...(parent ? { parent: { id: '0', key: parent } } : {}),
    },
  });

  it('stops on parent cycles and records missing parents, never fetching a key twice', async () => {
    const t = scripted([], (req) => {
      if (req.path === '/rest/api/3/issuetype') return json(200, types);
      if (req.path === '/rest/api/3/field') return json(200, []);
      const body = req.body as { jql?: string; issueIdsOrKeys?: string[] };
      if (req.path === '/rest/api/3/search/jql' && body.jql === 'project = "ART"') {
        return json(200, { issues: [issue('ART-1', '2', 'X-1'), issue('ART-2', '2', 'GONE-1')] });
      }
      if (req.path === '/rest/api/3/search/jql') return json(200, { issues: [issue('T-1', '3', 'ART-1')] });
      if (req.path === '/rest/api/3/issue/bulkfetch') {
        const wanted = body.issueIdsOrKeys ?? [];
        const known: Record<string, ReturnType<typeof issue>> = {
          'X-1': issue('X-1', '1', 'X-2'),
          'X-2': issue('X-2', '1', 'X-1'), // cycle X-1 -> X-2 -> X-1
        };
        return json(200, {
          issues: wanted.flatMap((k) => (known[k] ? [known[k]] : [])),
          issueErrors: wanted.filter((k) => !known[k]).map((id) => ({ id, errorMessage: 'not found' })),
        });
      }
      return json(404, {});
    });
    const api = new JiraApi(t, noSleep);
    const site = await scanProject(api, 'ART', DEFAULT_CONFIG);
    expect(site.issues.map((i) => i.key).sort()).toEqual(['ART-1', 'ART-2', 'T-1', 'X-1', 'X-2']);
    expect(site.report.missingParents).toEqual(['GONE-1']);
    const fetched = t.calls
      .filter((c) => c.path.endsWith('bulkfetch'))
      .map((c) => (c.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys);
    expect(fetched).toEqual([['X-1', 'GONE-1'], ['X-2']]);
    expect(api.requestCount).toBe(2 + 1 + 2 + 1);
    const childQuery = t.calls.filter((c) => c.path.endsWith('search/jql'))[1]?.body as { jql: string };
    expect(childQuery.jql).toBe('parent in ("ART-1", "ART-2") AND project != "ART"');
  });

  it('reads parent keys only from well-formed parent objects', () => {
    expect(parentKeyOf({ id: '1', key: 'A-1', fields: { parent: { key: 'B-2' } } })).toBe('B-2');
    expect(parentKeyOf({ id: '1', key: 'A-1', fields: { parent: { key: 'b" OR x' } } })).toBeUndefined();
    expect(parentKeyOf({ id: '1', key: 'A-1', fields: {} })).toBeUndefined();
  });
});
