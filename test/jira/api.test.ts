import { JiraApi } from '../../src/jira/api';
import { JiraError } from '../../src/jira/errors';
import type { TransportRequest } from '../../src/jira/transport';
import { json, scripted } from './fake-transport';

const issue = (n: number) => ({ id: String(10000 + n), key: `ART-${n}`, fields: { summary: `s${n}` } });
const noSleep = { sleep: () => Promise.resolve() };

function bodyOf(req: TransportRequest | undefined): Record<string, unknown> {
  const b = req?.body;
  if (typeof b !== 'object' || b === null) throw new Error('no body');
  return b as Record<string, unknown>;
}

describe('JiraApi.searchJqlPages', () => {
  it('follows nextPageToken and stops on the last page', async () => {
    const t = scripted([
      json(200, { issues: [issue(1), issue(2)], nextPageToken: 'p2' }),
      json(200, { issues: [issue(3)], nextPageToken: 'p3' }),
      json(200, { issues: [issue(4)], isLast: true }),
    ]);
    const api = new JiraApi(t, noSleep);
    const all = await api.searchJqlAll({
      jql: 'project = "ART"',
      fields: ['summary'],
      properties: ['popm.acceptance'],
      maxResults: 100,
    });
    expect(all.map((i) => i.key)).toEqual(['ART-1', 'ART-2', 'ART-3', 'ART-4']);
    expect(api.requestCount).toBe(3);
    expect(t.calls.map((c) => [c.method, c.path])).toEqual([
      ['POST', '/rest/api/3/search/jql'],
      ['POST', '/rest/api/3/search/jql'],
      ['POST', '/rest/api/3/search/jql'],
    ]);
    expect(bodyOf(t.calls[0])).toEqual({
      jql: 'project = "ART"',
      fields: ['summary'],
      properties: ['popm.acceptance'],
      maxResults: 100,
    });
    expect(bodyOf(t.calls[1]).nextPageToken).toBe('p2');
    expect(bodyOf(t.calls[2]).nextPageToken).toBe('p3');
  });

  it('treats a null token as the last page, and isLast as final even with a token', async () => {
    const api = new JiraApi(scripted([json(200, { issues: [issue(1)], nextPageToken: null })]), noSleep);
    expect(await api.searchJqlAll({ jql: 'x' })).toHaveLength(1);
    const api2 = new JiraApi(
      scripted([json(200, { issues: [], nextPageToken: 'zz', isLast: true })]),
      noSleep,
    );
    expect(await api2.searchJqlAll({ jql: 'x' })).toHaveLength(0);
    expect(api2.requestCount).toBe(1);
  });

  it('refuses a token that comes back twice instead of paging forever', async () => {
    const api = new JiraApi(scripted([], json(200, { issues: [issue(1)], nextPageToken: 'same' })), noSleep);
    await expect(api.searchJqlAll({ jql: 'x' })).rejects.toMatchObject({ kind: 'bad-response' });
    expect(api.requestCount).toBe(2);
  });

  it('stops at maxPages even when every token is new', async () => {
    let n = 0;
    const api = new JiraApi(
      scripted([], () => json(200, { issues: [], nextPageToken: `t${n++}` })),
      noSleep,
    );
    const pages: unknown[] = [];
    await expect(
      (async () => {
        for await (const p of api.searchJqlPages({ jql: 'x' }, 5)) pages.push(p);
      })(),
    ).rejects.toBeInstanceOf(JiraError);
    expect(pages).toHaveLength(5);
  });
});

describe('JiraApi other operations', () => {
  it('bulk-fetches in requests of at most 100', async () => {
    const t = scripted([], (req) => {
      const ids = bodyOf(req).issueIdsOrKeys as string[];
      return json(200, { issues: ids.map((k) => ({ id: '1', key: k, fields: {} })), issueErrors: [] });
    });
    const api = new JiraApi(t, noSleep);
    const keys = Array.from({ length: 250 }, (_, i) => `ART-${i + 1}`);
    const result = await api.bulkFetch(keys, ['parent'], ['popm.acceptance']);
    expect(result.issues).toHaveLength(250);
    expect(t.calls.map((c) => (bodyOf(c).issueIdsOrKeys as string[]).length)).toEqual([100, 100, 50]);
    expect(t.calls.every((c) => c.path === '/rest/api/3/issue/bulkfetch')).toBe(true);
  });

  it('builds paths and queries for the simple operations', async () => {
    const t = scripted([], (req) => {
      if (req.path.startsWith('/rest/api/3/mypermissions'))
        return json(200, {
          permissions: { ADMINISTER: { havePermission: true }, BROWSE_PROJECTS: { havePermission: false } },
        });
      if (req.path.startsWith('/rest/api/3/issuetype'))
        return json(200, [
          { id: '1', name: 'Story', hierarchyLevel: 0 },
          { id: '2', name: 'Sub-task', subtask: true },
        ]);
      if (req.path.startsWith('/rest/api/3/issue/ART-1/properties'))
        return req.method === 'GET'
          ? json(200, { key: 'popm.acceptance', value: { a: 1 } })
          : { status: 204, headers: {}, text: '' };
      if (req.path.startsWith('/rest/api/3/issue/ART-1'))
        return req.method === 'PUT' ? { status: 204, headers: {}, text: '' } : json(200, issue(1));
      if (req.path.startsWith('/rest/api/3/user/search'))
        return json(200, [{ accountId: 'u1', displayName: 'U', active: false }]);
      if (req.path.startsWith('/rest/api/3/project/search'))
        return json(200, { values: [{ id: '1', key: 'ART', name: 'A' }], isLast: true });
      return json(404, { errorMessages: ['nope'] });
    });
    const api = new JiraApi(t, noSleep);
    expect(await api.getMyPermissions(['ADMINISTER', 'BROWSE_PROJECTS', 'EDIT_ISSUES'], 'ART')).toEqual({
      ADMINISTER: true,
      BROWSE_PROJECTS: false,
      EDIT_ISSUES: false,
    });
    expect(t.calls[0]?.path).toBe(
      '/rest/api/3/mypermissions?permissions=ADMINISTER%2CBROWSE_PROJECTS%2CEDIT_ISSUES&projectKey=ART',
    );
    expect(await api.getIssueTypes()).toEqual([
      { id: '1', name: 'Story', hierarchyLevel: 0, subtask: false },
      { id: '2', name: 'Sub-task', hierarchyLevel: -1, subtask: true },
    ]);
    expect(await api.getIssueProperty('ART-1', 'popm.acceptance')).toEqual({ a: 1 });
    await api.setIssueProperty('ART-1', 'popm.acceptance', { b: 2 });
    expect(t.calls.at(-1)).toEqual({
      method: 'PUT',
      path: '/rest/api/3/issue/ART-1/properties/popm.acceptance',
      body: { b: 2 },
    });
    await api.deleteIssueProperty('ART-1', 'popm.acceptance');
    expect(t.calls.at(-1)?.method).toBe('DELETE');
    await api.editIssue('ART-1', { customfield_1: { accountId: 'u1' } });
    expect(t.calls.at(-1)).toEqual({
      method: 'PUT',
      path: '/rest/api/3/issue/ART-1',
      body: { fields: { customfield_1: { accountId: 'u1' } } },
    });
    expect((await api.getIssue('ART-1', { fields: ['summary', 'parent'] })).key).toBe('ART-1');
    expect(t.calls.at(-1)?.path).toBe('/rest/api/3/issue/ART-1?fields=summary%2Cparent');
    expect(await api.searchUsers('pa')).toEqual([{ accountId: 'u1', displayName: 'U', active: false }]);
    const pages = [];
    for await (const p of api.allProjects()) pages.push(p);
    expect(pages).toHaveLength(1);
    await expect(api.getProject('NOPE')).rejects.toMatchObject({
      kind: 'not-found',
      errorMessages: ['nope'],
    });
  });
});
