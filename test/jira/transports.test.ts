import { basicAuthHeader, httpTransport, normaliseSiteUrl } from '../../src/jira/transports/http';

const requestJira = jest.fn();
jest.mock('@forge/api', () => {
  const actual = jest.requireActual<typeof import('@forge/api')>('@forge/api');
  return {
    ...actual,
    asUser: jest.fn(() => ({ requestJira })),
    asApp: jest.fn(() => ({ requestJira })),
  };
});

// Imported after the mock so the transport sees the mocked asUser/asApp.
import * as forgeApi from '@forge/api';
import { forgeTransport } from '../../src/jira/transports/forge';
import { RequestRefusedError } from '../../src/jira/errors';

describe('http transport', () => {
  it('normalises the site URL to its origin', () => {
    expect(normaliseSiteUrl('https://x.atlassian.net/')).toBe('https://x.atlassian.net');
    expect(normaliseSiteUrl('x.atlassian.net')).toBe('https://x.atlassian.net');
    expect(normaliseSiteUrl(' https://x.atlassian.net/browse/ART-1 ')).toBe('https://x.atlassian.net');
    expect(normaliseSiteUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => normaliseSiteUrl('ftp://x')).toThrow(/http/);
    expect(() => normaliseSiteUrl('https://')).toThrow(/not a site URL/);
  });

  it('sends basic auth, JSON bodies, and returns status, lower-case headers and text', async () => {
    const fetchMock = jest.fn((_url: string, _init?: RequestInit) => {
      return Promise.resolve(new Response('{"a":1}', { status: 201, headers: { 'Retry-After': '5' } }));
    });
    const t = httpTransport({
      site: 'https://x.atlassian.net/',
      email: 'me@x.com',
      apiToken: 'tok',
      fetch: fetchMock,
    });
    const res = await t({ method: 'POST', path: '/rest/api/3/search/jql', body: { jql: 'x' } });
    expect(res).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'retry-after': '5' }) as unknown,
      text: '{"a":1}',
    });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('https://x.atlassian.net/rest/api/3/search/jql');
    const headers = init?.headers as Record<string, string>;
    expect(headers.authorization).toBe(`Basic ${Buffer.from('me@x.com:tok').toString('base64')}`);
    expect(headers.authorization).toBe(basicAuthHeader('me@x.com', 'tok'));
    expect(headers['content-type']).toBe('application/json');
    expect(init?.body).toBe('{"jql":"x"}');
  });

  it('rejects on network failure', async () => {
    const t = httpTransport({
      site: 'https://x.atlassian.net',
      email: 'a',
      apiToken: 'b',
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(t({ method: 'GET', path: '/rest/api/3/myself' })).rejects.toThrow('fetch failed');
  });
});

describe('forge transport', () => {
  beforeEach(() => {
    requestJira.mockReset();
    requestJira.mockResolvedValue({
      status: 200,
      text: () => Promise.resolve('{"ok":true}'),
      headers: new Headers({ 'X-Thing': 'y' }),
    });
  });

  it('calls requestJira as the user or the app with a trusted route of our path', async () => {
    const res = await forgeTransport('user')({
      method: 'PUT',
      path: '/rest/api/3/issue/ART-1/properties/popm.acceptance',
      body: { a: 1 },
    });
    expect(forgeApi.asUser).toHaveBeenCalled();
    expect(res).toEqual({ status: 200, headers: { 'x-thing': 'y' }, text: '{"ok":true}' });
    const [route, init] = requestJira.mock.calls[0] as [{ value: string }, { method: string; body: string }];
    expect(route.value).toBe('/rest/api/3/issue/ART-1/properties/popm.acceptance');
    expect(init.method).toBe('PUT');
    expect(init.body).toBe('{"a":1}');
    await forgeTransport('app')({ method: 'GET', path: '/rest/api/3/myself' });
    expect(forgeApi.asApp).toHaveBeenCalled();
  });

  it('refuses paths our builder would never produce', async () => {
    await expect(
      forgeTransport('app')({ method: 'GET', path: '/rest/api/3/issue/../../admin' }),
    ).rejects.toBeInstanceOf(RequestRefusedError);
    expect(requestJira).not.toHaveBeenCalled();
  });
});
