import { createEmulator } from '../../src/emulator/emulator';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { assertResponseMatchesSpec } from '../support/openapi';
import { tinySnapshot } from './fixture';

const basic = (email: string, token: string): string =>
  `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

describe('emulator over HTTP', () => {
  let open: EmulatorServer;
  let server: EmulatorServer;
  beforeAll(async () => {
    open = await startEmulatorServer(createEmulator(tinySnapshot()), { port: 0 });
    server = await startEmulatorServer(createEmulator(tinySnapshot()), {
      port: 0,
      accounts: [
        { email: 'ada@example.com', token: 'tok-ada', accountId: 'u-adm' },
        { email: 'paula@example.com', token: 'tok-paula', accountId: 'u-pm1' },
      ],
    });
  });
  afterAll(async () => {
    await open.close();
    await server.close();
  });

  it('accepts any credentials by default, acting as the first admin', async () => {
    const res = await fetch(`${open.url}/rest/api/3/myself`, {
      headers: { authorization: basic('x@y', 'z') },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accountId: 'u-adm' });
  });

  it('maps listed credentials to their accounts and refuses others with 401', async () => {
    const me = await fetch(`${server.url}/rest/api/3/myself`, {
      headers: { authorization: basic('paula@example.com', 'tok-paula') },
    });
    expect(await me.json()).toMatchObject({ accountId: 'u-pm1' });
    for (const headers of [
      { authorization: basic('paula@example.com', 'wrong') },
      {} as Record<string, string>,
    ]) {
      const res = await fetch(`${server.url}/rest/api/3/myself`, { headers });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('Client must be authenticated to access this resource.');
    }
  });

  it('serves JSON bodies and answers malformed ones with 400', async () => {
    const headers = {
      authorization: basic('ada@example.com', 'tok-ada'),
      'content-type': 'application/json',
    };
    const path = '/rest/api/3/search/jql';
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jql: 'project = ART ORDER BY key', fields: ['summary'] }),
    });
    const text = await res.text();
    assertResponseMatchesSpec({ method: 'POST', path }, { status: res.status, text });
    expect(JSON.parse(text)).toMatchObject({ issues: [{ key: 'ART-1' }, { key: 'ART-2' }], isLast: true });
    const bad = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: '{ nope' });
    expect(bad.status).toBe(400);
    const put = await fetch(`${server.url}/rest/api/3/issue/ART-1/properties/popm.test`, {
      method: 'PUT',
      headers,
      body: '{"a":1}',
    });
    expect(put.status).toBe(201);
    const back = await fetch(`${server.url}/rest/api/3/issue/ART-1/properties/popm.test`, { headers });
    expect(await back.json()).toEqual({ key: 'popm.test', value: { a: 1 } });
  });
});
