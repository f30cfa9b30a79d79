/**
 * The local host draws avatars for the site's made-up accounts and projects, and the emulator
 * behind it points every avatar there, so no page asks the internet for a picture that is not there.
 */
import { join } from 'node:path';
import { createEmulator } from '../../src/emulator/emulator';
import { avatarSvg, initials, localAvatarPath, parseAvatarPath } from '../../src/localhost/avatars';
import { startLocalHost, type LocalHost } from '../../src/localhost/app';
import { tinySnapshot } from '../emulator/fixture';

type Json = Record<string, unknown>;

const hostAvatar = (kind: 'user' | 'project', id: string) =>
  `http://localhost:3000${localAvatarPath(kind, id)}`;

async function userJson(emu: ReturnType<typeof createEmulator>, accountId: string): Promise<Json> {
  const res = await emu.transportFor(accountId)({ method: 'GET', path: '/rest/api/3/myself' });
  return JSON.parse(res.text) as Json;
}

describe('avatar pictures', () => {
  it('round-trips its paths, ids with colons included', () => {
    const id = '557058:0f1e-42';
    expect(parseAvatarPath(localAvatarPath('user', id))).toEqual({ kind: 'user', id });
    expect(parseAvatarPath(localAvatarPath('project', '10000'))).toEqual({ kind: 'project', id: '10000' });
    expect(parseAvatarPath('/avatars/team/x.svg')).toBeNull();
    expect(parseAvatarPath('/avatars/user/%E0%A4.svg')).toBeNull();
  });

  it('draws initials on a colour that depends on the id only', () => {
    expect(initials('Lena Fischer')).toBe('LF');
    expect(initials('Chloé  de la Martin')).toBe('CM');
    expect(initials('  ')).toBe('?');
    expect(avatarSvg('u-1', 'A <b>', 'user')).toContain('&lt;b&gt;');
    const fill = (svg: string) => /fill="(#[0-9a-f]{6})"/.exec(svg)?.[1];
    expect(fill(avatarSvg('u-1', 'Ann', 'user'))).toBe(fill(avatarSvg('u-1', 'Bob', 'user')));
    const colours = new Set(
      ['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6'].map((id) => fill(avatarSvg(id, 'X', 'user'))),
    );
    expect(colours.size).toBeGreaterThan(1);
  });
});

describe('emulator avatars', () => {
  it("points users and projects at the host's avatars when told to", async () => {
    const emu = createEmulator(tinySnapshot(), { avatarUrlOf: hostAvatar });
    expect((await userJson(emu, 'u-po1')).avatarUrls).toMatchObject({
      '48x48': 'http://localhost:3000/avatars/user/u-po1.svg',
    });
    const project = await emu.transportFor('u-adm')({ method: 'GET', path: '/rest/api/3/project/ART' });
    expect((JSON.parse(project.text) as Json).avatarUrls).toMatchObject({
      '16x16': 'http://localhost:3000/avatars/project/10000.svg',
    });
  });

  it("keeps an account's own avatars from a real site's snapshot", async () => {
    const snapshot = tinySnapshot();
    const own = { '48x48': 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/x/48' };
    const user = snapshot.users.find((u) => u.accountId === 'u-po1');
    if (!user) throw new Error('fixture has no u-po1');
    user.avatarUrls = own;
    const emu = createEmulator(snapshot, { avatarUrlOf: hostAvatar });
    expect((await userJson(emu, 'u-po1')).avatarUrls).toEqual(own);
  });
});

describe('local host', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({ port: 0, buildDir: join(__dirname, 'no-build') });
  });
  afterAll(() => host.close());

  it('serves an avatar for a known account, a project and an unknown account', async () => {
    const res = await fetch(`${host.url}/avatars/user/u-lena-fischer.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toContain('>LF</text>');
    const unknown = await fetch(`${host.url}/avatars/user/u-nobody.svg`);
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain('>?</text>');
    expect((await fetch(`${host.url}/avatars/project/10000.svg`)).status).toBe(200);
  });

  it('lists each person in the switcher with what they own', async () => {
    const html = await (await fetch(`${host.url}/?as=u-lena-fischer`)).text();
    expect(html).toMatch(/<option value="u-lena-fischer" selected>Lena Fischer — PO of \d+ stories in ORB/);
    expect(html).toMatch(/<option value="u-raj-patel">Raj Patel — PO of \d+ stories in NEB<\/option>/);
    expect(html).toMatch(/>Morgan Reyes — admin<\/option>/);
  });
});
