/** JiraApi.bulkSetIssueProperties: batching, the body Jira expects, and 303 as success for it alone. */
import { JiraApi } from '../../src/jira/api';
import { JiraError } from '../../src/jira/errors';
import { json, scripted } from './fake-transport';

const seeOther = { status: 303, headers: { location: '/rest/api/3/task/10000' }, text: '' };
const entries = (n: number) =>
  Array.from({ length: n }, (_, k) => ({
    issueId: String(10000 + k),
    properties: { 'popm.findings': { k } },
  }));

describe('bulkSetIssueProperties', () => {
  it('sends 100 issues a request with numeric ids and takes 303 as success', async () => {
    const transport = scripted([], seeOther);
    const api = new JiraApi(transport, { sleep: () => Promise.resolve() });
    expect(await api.bulkSetIssueProperties(entries(250))).toBe(3);
    expect(transport.calls.map((c) => [c.method, c.path])).toEqual(
      Array.from({ length: 3 }, () => ['POST', '/rest/api/3/issue/properties/multi']),
    );
    const bodies = transport.calls.map(
      (c) => c.body as { issues: { issueID: number; properties: unknown }[] },
    );
    expect(bodies.map((b) => b.issues.length)).toEqual([100, 100, 50]);
    expect(bodies[2]!.issues[49]).toEqual({ issueID: 10249, properties: { 'popm.findings': { k: 249 } } });
    expect(await api.bulkSetIssueProperties([])).toBe(0);
    expect(transport.calls).toHaveLength(3);
  });

  it('also takes the task a fetch lands on after following the redirect', async () => {
    const api = new JiraApi(scripted([json(200, { id: '10000', status: 'ENQUEUED' })]));
    await expect(api.bulkSetIssueProperties(entries(1))).resolves.toBe(1);
  });

  it('keeps 303 an error for every other call, and reports refusals', async () => {
    const api = new JiraApi(scripted([seeOther, json(403, { errorMessages: ['No'], errors: {} })]), {
      retry: { maxAttempts: 1 },
    });
    await expect(api.setIssueProperty('ART-1', 'popm.findings', {})).rejects.toBeInstanceOf(JiraError);
    await expect(api.bulkSetIssueProperties(entries(1))).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('refuses keys and empty property sets before sending anything', async () => {
    const transport = scripted([]);
    const api = new JiraApi(transport);
    await expect(api.bulkSetIssueProperties([{ issueId: 'ART-1', properties: { p: 1 } }])).rejects.toThrow(
      /numeric issue ids/,
    );
    await expect(api.bulkSetIssueProperties([{ issueId: '1', properties: {} }])).rejects.toThrow(
      /properties per issue/,
    );
    expect(transport.calls).toHaveLength(0);
  });
});
