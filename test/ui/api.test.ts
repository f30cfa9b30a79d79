jest.mock('@forge/bridge', () => ({ invoke: jest.fn() }));

import { RESOLVER_NAMES } from '../../src/shared/contract';
import { api, call, setInvoke } from '../../static/src/api';
import { loadEnglish } from './english';

beforeAll(loadEnglish);

describe('api wrapper', () => {
  afterEach(() => setInvoke(null));

  it('has one typed wrapper per contract resolver, and no other', () => {
    expect(Object.keys(api).sort()).toEqual([...RESOLVER_NAMES].sort());
  });

  it('passes the name and payload and returns the data', async () => {
    const seen: unknown[] = [];
    setInvoke(async (name, payload) => {
      seen.push([name, payload]);
      return { ok: true, data: { children: [], cursor: null } };
    });
    const r = await call('getChildren', { issueKey: 'ART-1' });
    expect(seen).toEqual([['getChildren', { issueKey: 'ART-1' }]]);
    expect(r).toEqual({ ok: true, data: { children: [], cursor: null } });
  });

  it('keeps resolver errors, including details', async () => {
    const error = {
      code: 'INVALID_CONFIG',
      message: 'bad',
      details: [{ path: 'levels.x', message: 'nope' }],
    };
    setInvoke(async () => ({ ok: false, error }));
    expect(await call('getConfig', {})).toEqual({ ok: false, error });
  });

  it('turns a bridge failure into an error, never into empty data', async () => {
    setInvoke(async () => {
      throw new Error('socket closed');
    });
    const r = await call('getProjectTree', { projectKey: 'ART' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({
        code: 'JIRA_UNAVAILABLE',
        message: expect.stringContaining('socket closed'),
      });
  });

  it('refuses answers that are not a Result envelope', async () => {
    setInvoke(async () => [1, 2, 3]);
    const r = await call('searchUsers', { query: 'a' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

describe('envelope check', () => {
  afterEach(() => setInvoke(null));
  it.each([
    [{ ok: false, error: { code: 'NOPE', message: 'x' } }],
    [{ ok: false, error: { code: 'INTERNAL' } }],
    [{ ok: false, error: { code: 'INTERNAL', message: 'x', details: [{ path: 1 }] } }],
    [{ ok: true }],
    [{ ok: 'yes', data: 1 }],
    [null],
  ])('refuses %j', async (raw) => {
    setInvoke(async () => raw);
    expect(await call('getConfig', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
