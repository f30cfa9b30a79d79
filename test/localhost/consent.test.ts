/**
 * The local host stands in for Forge's consent flow: a user who has not granted the app access
 * gets a 401 "consent" answer to every resolver call (the frame shows the prompt), until the
 * frame's "Allow access" posts /__consent.
 */
import { join } from 'node:path';
import { startLocalHost, type LocalHost } from '../../src/localhost/app';

const PENDING = 'u-kenji-sato';
let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, buildDir: join(__dirname, 'no-build'), consentPending: [PENDING] });
});
afterAll(() => host.close());

async function sessionFor(accountId: string): Promise<string> {
  const html = await (await fetch(`${host.url}/project/ART?as=${accountId}`)).text();
  const token = /\?s=([0-9a-f-]{36})/.exec(html)?.[1];
  if (!token) throw new Error(`no frame session in the page for ${accountId}`);
  return token;
}

function invoke(token: string): Promise<Response> {
  return fetch(`${host.url}/__invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-popm-session': token },
    body: JSON.stringify({ functionKey: 'getProjectTree', payload: { projectKey: 'ART' } }),
  });
}

describe('consent in the local host', () => {
  it('asks a user who has not consented, and answers after they allow access', async () => {
    const token = await sessionFor(PENDING);
    const before = await invoke(token);
    expect(before.status).toBe(401);
    expect(await before.json()).toEqual({ error: 'consent', functionKey: 'getProjectTree' });

    const granted = await fetch(`${host.url}/__consent`, {
      method: 'POST',
      headers: { 'x-popm-session': token },
    });
    expect(granted.status).toBe(204);
    const after = await invoke(token);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ ok: true });
  });

  it('does not ask users who have consented', async () => {
    const res = await invoke(await sessionFor('u-lena-fischer'));
    expect(res.status).toBe(200);
  });

  it('refuses a consent without a session', async () => {
    const res = await fetch(`${host.url}/__consent`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});
