/** POST /issue/properties/multi and GET /task/{taskId}, held to Jira's spec. */
import { createEmulator, type JiraEmulator } from '../../src/emulator/emulator';
import type { TransportRequest, TransportResponse } from '../../src/jira/transport';
import { assertRequestMatchesSpec, assertResponseMatchesSpec } from '../support/openapi';
import { tinySnapshot } from './fixture';

const MULTI = '/rest/api/3/issue/properties/multi';

async function call(
  emu: JiraEmulator,
  req: TransportRequest,
  accountId = 'u-adm',
): Promise<TransportResponse> {
  assertRequestMatchesSpec(req);
  const res = await emu.transportFor(accountId)(req);
  assertResponseMatchesSpec(req, res);
  return res;
}

function propertyOf(emu: JiraEmulator, key: string, property: string): unknown {
  return emu.snapshot().issues.find((i) => i.key === key)?.properties?.[property];
}

describe('bulk set issue properties by issue', () => {
  let emu: JiraEmulator;
  let ids: Record<string, string>;
  beforeEach(() => {
    emu = createEmulator(tinySnapshot());
    ids = Object.fromEntries(emu.snapshot().issues.map((i) => [i.key, i.id]));
  });

  it('applies the values at once and answers 303 pointing at a completed task', async () => {
    const res = await call(emu, {
      method: 'POST',
      path: MULTI,
      body: {
        issues: [
          { issueID: Number(ids['ART-1']), properties: { 'popm.findings': { count: 1, rules: ['x'] } } },
          { issueID: Number(ids['TEAM-1']), properties: { a: 1, b: [true, null] } },
        ],
      },
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/rest\/api\/3\/task\/[0-9]+$/);
    expect(propertyOf(emu, 'ART-1', 'popm.findings')).toEqual({ count: 1, rules: ['x'] });
    expect(propertyOf(emu, 'TEAM-1', 'b')).toEqual([true, null]);

    const task = await call(emu, { method: 'GET', path: res.headers.location! });
    expect(task.status).toBe(200);
    expect(JSON.parse(task.text)).toEqual(
      expect.objectContaining({
        status: 'COMPLETE',
        progress: 100,
        result: { updated: 2, ignoredIssueIds: [] },
      }),
    );
    const missing = await call(emu, { method: 'GET', path: '/rest/api/3/task/1' });
    expect(missing.status).toBe(404);
  });

  it('ignores issues that do not exist or the caller cannot see, as Jira does', async () => {
    // TEAM-2 is restricted to u-adm and u-po1.
    const res = await call(
      emu,
      {
        method: 'POST',
        path: MULTI,
        body: {
          issues: [
            { issueID: Number(ids['TEAM-2']), properties: { p: 1 } },
            { issueID: 999999, properties: { p: 1 } },
            { issueID: Number(ids['TEAM-1']), properties: { p: 2 } },
          ],
        },
      },
      'u-pm1',
    );
    expect(res.status).toBe(303);
    expect(propertyOf(emu, 'TEAM-2', 'p')).toBeUndefined();
    expect(propertyOf(emu, 'TEAM-1', 'p')).toBe(2);
    const task = JSON.parse(
      (await call(emu, { method: 'GET', path: res.headers.location! }, 'u-pm1')).text,
    ) as {
      result: unknown;
    };
    expect(task.result).toEqual({ updated: 1, ignoredIssueIds: [Number(ids['TEAM-2']), 999999] });
  });

  it('refuses malformed bodies, more than 100 issues and more than 10 properties an issue', async () => {
    const send = (body: unknown) => emu.transportFor('u-adm')({ method: 'POST', path: MULTI, body });
    const id = Number(ids['ART-1']);
    const over = Array.from({ length: 101 }, () => ({ issueID: id, properties: { p: 1 } }));
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`p${n}`, n]));
    for (const body of [
      {},
      { issues: [] },
      { issues: [{ issueID: 'ART-1', properties: { p: 1 } }] },
      { issues: [{ issueID: id, properties: {} }] },
      { issues: [{ issueID: id, properties: eleven }] },
      { issues: over },
      { issues: [{ issueID: id, properties: { p: 'x'.repeat(40_000) } }] },
    ]) {
      const res = await send(body);
      expect(res.status).toBe(400);
      assertResponseMatchesSpec({ method: 'POST', path: MULTI }, res);
    }
    expect(propertyOf(emu, 'ART-1', 'p')).toBeUndefined();
    expect((await emu.transportFor('u-adm')({ method: 'GET', path: MULTI })).status).toBe(405);
  });
});
