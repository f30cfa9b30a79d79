/**
 * Settings name people, not strings: a save that names an account Jira does not know is refused
 * naming the setting, stores nothing, and the pages get names for every account settings name.
 */
import { ADMIN, OTHER, PO, harness } from './support';

describe('people in settings', () => {
  it('refuses site settings naming an unknown account, naming where, and stores nothing', async () => {
    const h = harness();
    const config = {
      version: 1,
      delegates: { [PO]: [OTHER, 'nobody'] },
      roles: { team: { teamOwners: { 'Team Rocket': 'nobody' } } },
    };
    const refused = await h.call('saveConfig', { config, revision: 0 }, ADMIN);
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('INVALID_CONFIG');
    expect(refused.error.details).toEqual([
      { path: 'roles.team.teamOwners.Team Rocket', message: 'nobody is not an account on this site' },
      { path: `delegates.${PO}[1]`, message: 'nobody is not an account on this site' },
    ]);
    expect((await h.call('getConfig', {}, ADMIN)).data.revision).toBe(0);
  });

  it('saves known accounts and answers with their names', async () => {
    const h = harness();
    const config = { version: 1, delegates: { [PO]: [OTHER] } };
    const saved = await h.call('saveConfig', { config, revision: 0 }, ADMIN);
    expect(saved.ok).toBe(true);
    const read = await h.call('getConfig', {}, ADMIN);
    const names = Object.fromEntries(
      (read.data.people as { accountId: string; displayName: string }[]).map((p) => [
        p.accountId,
        p.displayName,
      ]),
    );
    expect(names).toEqual({ [PO]: 'Lena Fischer', [OTHER]: 'Kenji Sato' });
  });

  it('refuses a project delegate that is not an account', async () => {
    const h = harness();
    const refused = await h.call(
      'saveProjectConfig',
      { projectKey: 'ORB', override: { delegates: [OTHER, 'nobody'] }, revision: 0 },
      PO,
    );
    expect(refused.error).toMatchObject({
      code: 'INVALID_CONFIG',
      details: [{ path: 'delegates[1]', message: 'nobody is not an account on this site' }],
    });
    const read = await h.call('getProjectConfig', { projectKey: 'ORB' }, PO);
    expect(read.data).toMatchObject({ revision: 0, people: [] });
  });
});
