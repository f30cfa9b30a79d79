import { createEmulator, type JiraEmulator } from '../../src/emulator/emulator';
import { generateSite } from '../../src/emulator/generate';
import type { TransportRequest, TransportResponse } from '../../src/jira/transport';
import { assertRequestMatchesSpec, assertResponseMatchesSpec, responseProblems } from '../support/openapi';
import { tinySnapshot } from './fixture';

type Json = Record<string, unknown>;

/** Calls the emulator as `accountId`, holding request and answer to Jira's spec. */
async function call(
  emu: JiraEmulator,
  req: TransportRequest,
  accountId = 'u-adm',
): Promise<{ res: TransportResponse; body: Json }> {
  assertRequestMatchesSpec(req);
  const res = await emu.transportFor(accountId)(req);
  assertResponseMatchesSpec(req, res);
  const body: unknown = res.text === '' ? {} : JSON.parse(res.text);
  return { res, body: body as Json };
}

const get = (path: string): TransportRequest => ({ method: 'GET', path });
const searchPost = (body: Json): TransportRequest => ({
  method: 'POST',
  path: '/rest/api/3/search/jql',
  body,
});
const keysOf = (body: Json): string[] => (body.issues as Json[]).map((i) => String(i.key));

describe('emulator endpoints (answers checked against the OpenAPI spec)', () => {
  let emu: JiraEmulator;
  beforeEach(() => {
    emu = createEmulator(tinySnapshot());
  });

  it('serves issue types, fields, projects and the current user', async () => {
    const types = await call(emu, get('/rest/api/3/issuetype'));
    expect(types.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: '10001', name: 'Feature', hierarchyLevel: 1, subtask: false }),
      ]),
    );
    const fields = (await call(emu, get('/rest/api/3/field'))).body as unknown as Json[];
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'customfield_10102',
          name: 'Product Owner',
          custom: true,
          schema: expect.objectContaining({ type: 'array', items: 'user' }),
        }),
        expect.objectContaining({ id: 'summary', custom: false }),
      ]),
    );
    const project = await call(emu, get('/rest/api/3/project/ART'));
    expect(project.body).toMatchObject({
      id: '10000',
      key: 'ART',
      name: 'Orbit ART',
      lead: { accountId: 'u-adm' },
    });
    expect((await call(emu, get('/rest/api/3/project/NOPE'))).res.status).toBe(404);
    const me = await call(emu, get('/rest/api/3/myself'), 'u-pm1');
    expect(me.body).toMatchObject({ accountId: 'u-pm1', displayName: 'Paula Pham', active: true });
  });

  it('pages project search', async () => {
    const first = await call(emu, get('/rest/api/3/project/search?maxResults=1'));
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect((first.body.values as Json[]).map((p) => p.key)).toEqual(['ART']);
    const second = await call(emu, get('/rest/api/3/project/search?startAt=1&maxResults=1'));
    expect(second.body).toMatchObject({ isLast: true });
    expect((second.body.values as Json[]).map((p) => p.key)).toEqual(['TEAM']);
    const byKey = await call(emu, get('/rest/api/3/project/search?keys=TEAM'));
    expect((byKey.body.values as Json[]).map((p) => p.key)).toEqual(['TEAM']);
  });

  it('expands references into Jira objects', async () => {
    const { body } = await call(emu, get('/rest/api/3/issue/TEAM-1?fields=*all&properties=popm.acceptance'));
    const f = body.fields as Json;
    expect(body).toMatchObject({ id: '20003', key: 'TEAM-1' });
    expect(f.project).toMatchObject({ id: '10001', key: 'TEAM', name: 'Team' });
    expect(f.issuetype).toMatchObject({ id: '10002', name: 'Story', hierarchyLevel: 0, subtask: false });
    expect(f.parent).toMatchObject({
      key: 'ART-2',
      fields: {
        summary: 'Guided signup',
        status: { statusCategory: { key: 'done' } },
        issuetype: { name: 'Feature' },
      },
    });
    expect(f.status).toMatchObject({
      name: 'Done',
      statusCategory: { key: 'done', name: 'Done', colorName: 'green' },
    });
    expect(f.assignee).toMatchObject({
      accountId: 'u-lead',
      displayName: 'Lee Lead',
      active: true,
      avatarUrls: expect.any(Object),
    });
    expect(f.customfield_10102).toEqual([
      expect.objectContaining({ accountId: 'u-po1', active: true }),
      expect.objectContaining({ accountId: 'u-old', active: false }),
    ]);
    expect(f.labels).toEqual(['kept-unknown-field']);
    expect(body.properties).toEqual({ 'popm.acceptance': expect.objectContaining({ acceptedBy: 'u-po1' }) });
    expect((await call(emu, get('/rest/api/3/issue/20003?fields=summary'))).body).toMatchObject({
      key: 'TEAM-1',
      fields: { summary: 'Signup form' },
    });
    expect((await call(emu, get('/rest/api/3/issue/TEAM-404'))).res.status).toBe(404);
  });

  it('bulk fetches by key or id, skipping unknown issues, at most 100', async () => {
    const { body } = await call(emu, {
      method: 'POST',
      path: '/rest/api/3/issue/bulkfetch',
      body: {
        issueIdsOrKeys: ['ART-2', '20001', 'NOPE-1'],
        fields: ['summary', 'parent'],
        properties: ['popm.acceptance'],
      },
    });
    expect(keysOf(body)).toEqual(['ART-2', 'ART-1']);
    expect(body.issueErrors).toEqual([]);
    const tooMany = await call(emu, {
      method: 'POST',
      path: '/rest/api/3/issue/bulkfetch',
      body: { issueIdsOrKeys: Array.from({ length: 101 }, (_, i) => `ART-${i + 1}`) },
    });
    expect(tooMany.res.status).toBe(400);
  });

  it('answers mypermissions from admins, project leads and visibility', async () => {
    const perms = async (account: string, query: string): Promise<Record<string, boolean>> => {
      const { body } = await call(
        emu,
        get(
          `/rest/api/3/mypermissions?permissions=ADMINISTER,ADMINISTER_PROJECTS,EDIT_ISSUES,BROWSE_PROJECTS${query}`,
        ),
        account,
      );
      const out: Record<string, boolean> = {};
      for (const [k, v] of Object.entries(body.permissions as Record<string, Json>))
        out[k] = v.havePermission === true;
      return out;
    };
    expect(await perms('u-adm', '')).toEqual({
      ADMINISTER: true,
      ADMINISTER_PROJECTS: true,
      EDIT_ISSUES: true,
      BROWSE_PROJECTS: true,
    });
    expect(await perms('u-lead', '&projectKey=TEAM')).toMatchObject({
      ADMINISTER: false,
      ADMINISTER_PROJECTS: true,
    });
    expect(await perms('u-lead', '&projectKey=ART')).toMatchObject({
      ADMINISTER_PROJECTS: false,
      EDIT_ISSUES: true,
    });
    expect(await perms('u-pm1', '')).toMatchObject({ ADMINISTER: false, ADMINISTER_PROJECTS: false });
    expect((await call(emu, get('/rest/api/3/mypermissions'))).res.status).toBe(400);
    expect((await call(emu, get('/rest/api/3/mypermissions?permissions=FLY'))).res.status).toBe(400);
    expect(
      (await call(emu, get('/rest/api/3/mypermissions?permissions=ADMINISTER&projectKey=NOPE'))).res.status,
    ).toBe(404);
  });

  it('searches active users', async () => {
    const { body } = await call(emu, get('/rest/api/3/user/search?query=pa'));
    expect((body as unknown as Json[]).map((u) => u.accountId)).toEqual(['u-pm1']);
    const inactive = await call(emu, get('/rest/api/3/user/search?query=gone'));
    expect(inactive.body).toEqual([]);
  });

  it('looks accounts up in bulk, leaving out unknown ids, inactive ones included', async () => {
    const { body } = await call(
      emu,
      get('/rest/api/3/user/bulk?accountId=u-pm1&accountId=u-nobody&accountId=u-old&maxResults=50'),
    );
    const values = body.values as Json[];
    expect(values.map((u) => u.accountId)).toEqual(['u-pm1', 'u-old']);
    expect(values[1]!.active).toBe(false);
    // The spec makes accountId required, so this call is made outside the spec-checked helper.
    const none = await emu.handle({ method: 'GET', path: '/rest/api/3/user/bulk', accountId: 'u-adm' });
    expect(none.status).toBe(400);
  });

  it('answers 401 to unauthenticated calls', async () => {
    const res = await emu.handle({ method: 'GET', path: '/rest/api/3/myself', accountId: null });
    expect(res.status).toBe(401);
    expect(responseProblems({ method: 'GET', path: '/rest/api/3/myself' }, res)).toEqual([]);
    expect(
      (await emu.handle({ method: 'GET', path: '/rest/api/3/myself', accountId: 'u-stranger' })).status,
    ).toBe(401);
  });
});

describe('writes', () => {
  it('sets, reads and deletes issue properties for the life of the emulator', async () => {
    const snapshot = tinySnapshot();
    const emu = createEmulator(snapshot);
    const path = '/rest/api/3/issue/ART-2/properties/popm.acceptance';
    expect((await call(emu, get(path))).res.status).toBe(404);
    const value = { acceptedBy: 'u-po1', acceptedAt: '2026-02-01T10:00:00.000Z' };
    expect((await call(emu, { method: 'PUT', path, body: value })).res.status).toBe(201);
    expect((await call(emu, { method: 'PUT', path, body: value })).res.status).toBe(200);
    expect((await call(emu, get(path))).body).toEqual({ key: 'popm.acceptance', value });
    const searched = await call(
      emu,
      searchPost({ jql: 'key = ART-2', properties: ['popm.acceptance'], fields: ['summary'] }),
    );
    expect((searched.body.issues as Json[])[0]?.properties).toEqual({ 'popm.acceptance': value });
    expect((await call(emu, { method: 'DELETE', path })).res.status).toBe(204);
    expect((await call(emu, get(path))).res.status).toBe(404);
    expect((await call(emu, { method: 'DELETE', path })).res.status).toBe(404);
    // The caller's snapshot is never mutated; the emulator's own copy carries the writes.
    expect(snapshot.issues[1]?.properties).toBeUndefined();
  });

  it('edits user fields with Jira payloads', async () => {
    const emu = createEmulator(tinySnapshot());
    const edit = await call(emu, {
      method: 'PUT',
      path: '/rest/api/3/issue/ART-2',
      body: { fields: { customfield_10101: { accountId: 'u-adm' } } },
    });
    expect(edit.res.status).toBe(204);
    await call(emu, {
      method: 'PUT',
      path: '/rest/api/3/issue/TEAM-1',
      body: { fields: { customfield_10102: [{ accountId: 'u-pm1' }] } },
    });
    const art2 = await call(emu, get('/rest/api/3/issue/ART-2?fields=customfield_10101'));
    expect(art2.body.fields).toMatchObject({ customfield_10101: { accountId: 'u-adm' } });
    const team1 = await call(emu, get('/rest/api/3/issue/TEAM-1?fields=customfield_10102'));
    expect(team1.body.fields).toEqual({
      customfield_10102: [expect.objectContaining({ accountId: 'u-pm1' })],
    });
    expect(emu.snapshot().issues[2]?.fields.customfield_10102).toEqual(['u-pm1']);
    const bad = await call(emu, {
      method: 'PUT',
      path: '/rest/api/3/issue/ART-2',
      body: { fields: { customfield_10101: { accountId: 'u-nobody' } } },
    });
    expect(bad.res.status).toBe(400);
    expect(bad.body).toMatchObject({
      errorMessages: [],
      errors: { customfield_10101: expect.stringContaining('u-nobody') },
    });
    const unknownField = await call(emu, {
      method: 'PUT',
      path: '/rest/api/3/issue/ART-2',
      body: { fields: { customfield_7: 'x' } },
    });
    expect(unknownField.res.status).toBe(400);
  });
});

describe('JQL', () => {
  const emu = createEmulator(tinySnapshot());
  const search = async (
    jql: string,
    account = 'u-adm',
  ): Promise<{ status: number; keys: string[]; body: Json }> => {
    const { res, body } = await call(emu, searchPost({ jql, fields: ['summary'] }), account);
    return { status: res.status, keys: res.status === 200 ? keysOf(body) : [], body };
  };

  it.each([
    ['project = ART', ['ART-1', 'ART-2']],
    ['project in (ART, "TEAM") ORDER BY key DESC', ['TEAM-3', 'TEAM-2', 'TEAM-1', 'ART-2', 'ART-1']],
    ['project = "Orbit ART"', ['ART-1', 'ART-2']],
    ['key in (ART-2, "TEAM-1") ORDER BY key', ['ART-2', 'TEAM-1']],
    ['issuekey = TEAM-1', ['TEAM-1']],
    ['id = 20001', ['ART-1']],
    ['parent in (ART-2) ORDER BY key', ['TEAM-1', 'TEAM-2']],
    ['parent = ART-1', ['ART-2']],
    ['project = TEAM AND parent is EMPTY', []],
    ['issuetype in (Story, 10003) ORDER BY key', ['TEAM-1', 'TEAM-2', 'TEAM-3']],
    ['type = Feature', ['ART-2']],
    ['statusCategory = done ORDER BY key', ['ART-2', 'TEAM-1', 'TEAM-3']],
    ['project = TEAM AND statusCategory != done', ['TEAM-2']],
    ['project = TEAM AND NOT statusCategory = Done ORDER BY key', ['TEAM-2']],
    ['project = ART OR key = TEAM-3 ORDER BY key', ['ART-1', 'ART-2', 'TEAM-3']],
    ['project = TEAM AND status = "To Do"', ['TEAM-2']],
    ['issue.property[popm.acceptance].acceptedBy = u-po1', ['TEAM-1']],
    [
      'project = TEAM AND issue.property[popm.acceptance].acceptedBy is EMPTY ORDER BY key',
      ['TEAM-2', 'TEAM-3'],
    ],
    ['"Product Manager" = u-pm1', ['ART-2']],
    ['cf[10102] in (u-old)', ['TEAM-1']],
    ['assignee = u-lead', ['TEAM-1']],
    ['project = TEAM ORDER BY created ASC', ['TEAM-2', 'TEAM-1', 'TEAM-3']],
    ['project = TEAM ORDER BY created DESC', ['TEAM-3', 'TEAM-1', 'TEAM-2']],
  ])('%s', async (jql, expected) => {
    const r = await search(jql);
    expect(r.status).toBe(200);
    expect(r.keys).toEqual(expected);
  });

  it.each([
    ['project = ', 'Error in the JQL Query'],
    ['project in ART', 'Error in the JQL Query'],
    ['order by key', 'Unbounded JQL queries are not allowed here'],
    ['', 'Unbounded JQL queries are not allowed here'],
    ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
    ['key in (ART-1, ART-99)', "An issue with key 'ART-99' does not exist for field 'key'."],
    ['key = "not a key"', "The issue key 'not a key' for field 'key' is invalid."],
    ['issuetype = Saga', "The value 'Saga' does not exist for the field 'issuetype'."],
    ['statusCategory = closed', "The value 'closed' does not exist for the field 'statusCategory'."],
    ['summary ~ signup', "does not support JQL on field 'summary'"],
    ['flavour = sweet', "Field 'flavour' does not exist or you do not have permission to view it."],
    ['project = ART ORDER BY flavour', "Not able to sort using field 'flavour'."],
    [
      'project = ART AND issuetype in standardIssueTypes()',
      "does not support the function 'standardIssueTypes'",
    ],
    ['project > ART', "does not support the operator '>'"],
    ['status was Done', "does not support the operator 'was'"],
  ])('refuses %s with 400', async (jql, message) => {
    const r = await search(jql);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errorMessages: [expect.stringContaining(message)], errors: {} });
  });

  it('answers GET search/jql with the same results', async () => {
    const { body } = await call(
      emu,
      get(
        `/rest/api/3/search/jql?jql=${encodeURIComponent('project = ART ORDER BY key')}&fields=summary,status`,
      ),
    );
    expect(keysOf(body)).toEqual(['ART-1', 'ART-2']);
    expect(body.isLast).toBe(true);
    const ids = await call(emu, get(`/rest/api/3/search/jql?jql=${encodeURIComponent('project = ART')}`));
    expect(ids.body.issues).toEqual([{ id: '20001' }, { id: '20002' }]);
  });
});

describe('JQL on dates', () => {
  let now = Date.parse('2026-03-01T12:00:00.000Z');
  const emu = createEmulator(tinySnapshot(), { now: () => new Date(now) });
  const keys = async (jql: string): Promise<string[]> => {
    const { res, body } = await call(emu, searchPost({ jql, fields: ['summary'] }));
    expect(res.status).toBe(200);
    return keysOf(body);
  };

  it.each([
    // TEAM-3 has no created time: it matches no date clause.
    ['project = TEAM AND created >= "2026-01-02" ORDER BY key', ['TEAM-1']],
    ['project = TEAM AND created > "2026-01-03 09:00" ORDER BY key', []],
    ['project = TEAM AND created >= "2026/01/03 09:00" ORDER BY key', ['TEAM-1']],
    ['project = TEAM AND createdDate < "2026-01-02 09:00" ORDER BY key', ['TEAM-2']],
    ['project = TEAM AND created <= "2026-01-03 09:00" ORDER BY key', ['TEAM-1', 'TEAM-2']],
  ])('%s', async (jql, expected) => {
    expect(await keys(jql)).toEqual(expected);
  });

  it('stamps `updated` on an edit and finds it by absolute and relative time', async () => {
    expect(await keys('project = TEAM AND updated >= -1d')).toEqual([]);
    now += 60_000;
    const put = await emu.transportFor('u-adm')({
      method: 'PUT',
      path: '/rest/api/3/issue/TEAM-2',
      body: { fields: { summary: 'Edited' } },
    });
    expect(put.status).toBe(204);
    expect(await keys('project = TEAM AND updated >= "2026-03-01 12:01"')).toEqual(['TEAM-2']);
    expect(await keys('project = TEAM AND updated > "2026-03-01 12:01"')).toEqual([]);
    expect(await keys('project = TEAM AND updated >= -2m')).toEqual(['TEAM-2']);
    now += 3 * 60_000;
    expect(await keys('project = TEAM AND updated >= -2m')).toEqual([]);
    expect(await keys('project = TEAM AND updatedDate >= -4m')).toEqual(['TEAM-2']);
  });

  it.each([
    ['project = TEAM AND updated >= "yesterday"', "Date value 'yesterday' for field 'updated' is invalid"],
    ['project = TEAM AND updated in ("2026-01-01")', "does not support the operator 'in'"],
  ])('refuses %s with 400', async (jql, message) => {
    const { res, body } = await call(emu, searchPost({ jql }));
    expect(res.status).toBe(400);
    expect(body).toEqual({ errorMessages: [expect.stringContaining(message)], errors: {} });
  });
});

describe('restrictions: reads run as the user', () => {
  const emu = createEmulator(tinySnapshot());
  it('hides restricted issues from search, get, bulkfetch and properties', async () => {
    const jql = 'project = TEAM ORDER BY key';
    const asAdmin = await call(emu, searchPost({ jql, fields: ['summary'] }), 'u-adm');
    const asPm = await call(emu, searchPost({ jql, fields: ['summary'] }), 'u-pm1');
    expect(keysOf(asAdmin.body)).toEqual(['TEAM-1', 'TEAM-2', 'TEAM-3']);
    expect(keysOf(asPm.body)).toEqual(['TEAM-1', 'TEAM-3']);
    expect((await call(emu, get('/rest/api/3/issue/TEAM-2'), 'u-pm1')).res.status).toBe(404);
    expect((await call(emu, get('/rest/api/3/issue/TEAM-2'), 'u-po1')).res.status).toBe(200);
    expect((await call(emu, get('/rest/api/3/issue/TEAM-2/properties/x'), 'u-pm1')).body).toMatchObject({
      errorMessages: [expect.stringContaining('Issue does not exist')],
    });
    const bulk = await call(
      emu,
      { method: 'POST', path: '/rest/api/3/issue/bulkfetch', body: { issueIdsOrKeys: ['TEAM-1', 'TEAM-2'] } },
      'u-pm1',
    );
    expect(keysOf(bulk.body)).toEqual(['TEAM-1']);
    // For an account that cannot see it, a restricted key does not exist, as in Jira.
    expect((await call(emu, searchPost({ jql: 'key = TEAM-2' }), 'u-pm1')).res.status).toBe(400);
    const perms = await call(
      emu,
      get('/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&issueKey=TEAM-2'),
      'u-pm1',
    );
    expect(perms.res.status).toBe(404);
  });
});

describe('paging', () => {
  const snapshot = generateSite({ features: 30, storiesPerFeature: 19, seed: 7, teamProjects: 1 });
  const emu = createEmulator(snapshot);

  async function collect(body: Json, pageSizes: number[]): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const { res, body: page } = await call(
        emu,
        searchPost({ ...body, ...(token ? { nextPageToken: token } : {}) }),
        'u-0',
      );
      expect(res.status).toBe(200);
      const issues = page.issues as Json[];
      pageSizes.push(issues.length);
      ids.push(...issues.map((i) => String(i.id)));
      token = typeof page.nextPageToken === 'string' ? page.nextPageToken : undefined;
      expect(page.isLast).toBe(token === undefined);
    } while (token);
    return ids;
  }

  it('caps pages at 100 issues when fields are requested and follows nextPageToken to the end', async () => {
    const sizes: number[] = [];
    const ids = await collect(
      { jql: 'project = T1 ORDER BY key', fields: ['summary', 'parent'], maxResults: 500 },
      sizes,
    );
    expect(ids).toHaveLength(570);
    expect(new Set(ids).size).toBe(570);
    expect(sizes).toEqual([100, 100, 100, 100, 100, 70]);
  });

  it('allows up to 5,000 ids a page and defaults to 50', async () => {
    const sizes: number[] = [];
    await collect({ jql: 'project in (PORT, ART, T1)', fields: ['id'], maxResults: 5000 }, sizes);
    expect(sizes).toEqual([603]);
    const defaults: number[] = [];
    await collect({ jql: 'project = ART', fields: ['key'] }, defaults);
    expect(defaults).toEqual([30]);
    const small: number[] = [];
    await collect({ jql: 'project = T1' }, small);
    expect(small).toEqual([...Array<number>(11).fill(50), 20]);
  });

  it('refuses a token from another query or a garbled one', async () => {
    const { body } = await call(emu, searchPost({ jql: 'project = T1', fields: ['summary'] }), 'u-0');
    expect(typeof body.nextPageToken).toBe('string');
    const other = await call(
      emu,
      searchPost({ jql: 'project = ART', nextPageToken: body.nextPageToken }),
      'u-0',
    );
    expect(other.res.status).toBe(400);
    const garbled = await call(emu, searchPost({ jql: 'project = T1', nextPageToken: 'nonsense' }), 'u-0');
    expect(garbled.res.status).toBe(400);
  });

  it('counts and logs requests', () => {
    expect(emu.requests.count).toBeGreaterThan(10);
    expect(emu.requests.entries[0]).toMatchObject({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      accountId: 'u-0',
      status: 200,
    });
  });
});

describe('faults and latency', () => {
  it('lets a hook answer or fail requests, and removes it again', async () => {
    const emu = createEmulator(tinySnapshot());
    const remove = emu.injectFault((_req, index) =>
      index === 1 ? { status: 429, headers: { 'retry-after': '2' }, text: '' } : undefined,
    );
    const t = emu.transportFor('u-adm');
    expect((await t(get('/rest/api/3/myself'))).status).toBe(429);
    expect((await t(get('/rest/api/3/myself'))).status).toBe(200);
    remove();
    emu.injectFault(() => {
      throw new Error('socket hang up');
    });
    await expect(t(get('/rest/api/3/myself'))).rejects.toThrow('socket hang up');
    emu.clearFaults();
    expect((await t(get('/rest/api/3/myself'))).status).toBe(200);
    expect(emu.requests.entries.map((e) => e.status)).toEqual([429, 200, 'network-error', 200]);
  });

  it('applies latency before answering', async () => {
    jest.useFakeTimers();
    try {
      const emu = createEmulator(tinySnapshot(), { latencyMs: 250 });
      let done = false;
      const pending = emu
        .transportFor('u-adm')(get('/rest/api/3/myself'))
        .then((r) => {
          done = true;
          return r;
        });
      await jest.advanceTimersByTimeAsync(200);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(100);
      expect((await pending).status).toBe(200);
    } finally {
      jest.useRealTimers();
    }
  });
});
