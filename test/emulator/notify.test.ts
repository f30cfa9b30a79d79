/** POST /issue/{key}/notify and GET /serverInfo, as the digest uses them. */
import { createEmulator } from '../../src/emulator';
import { JiraApi } from '../../src/jira/api';
import { tinySnapshot } from './fixture';

function setup() {
  const snapshot = tinySnapshot();
  snapshot.restrictions = { 'TEAM-1': ['u-adm', 'u-po1'] };
  const emulator = createEmulator(snapshot);
  const api = new JiraApi(emulator.transportFor('u-adm'), { sleep: () => Promise.resolve() });
  return { emulator, api };
}

const body = { subject: 's', textBody: 't', htmlBody: '<p>h</p>' };

describe('emulated notify', () => {
  it('answers 204 and records the mail for active recipients who may see the issue', async () => {
    const { emulator, api } = setup();
    await api.notify('TEAM-1', { ...body, to: { users: [{ accountId: 'u-po1' }] } });
    await api.notify('TEAM-1', {
      ...body,
      to: { users: [{ accountId: 'u-old' }, { accountId: 'u-pm1' }, { accountId: 'u-po1' }] },
    });
    expect(emulator.notifications.map((n) => [n.issueKey, n.requested, n.to])).toEqual([
      ['TEAM-1', ['u-po1'], ['u-po1']],
      // Inactive (u-old) and not allowed to browse TEAM-1 (u-pm1): nothing for them.
      ['TEAM-1', ['u-old', 'u-pm1', 'u-po1'], ['u-po1']],
    ]);
    expect(emulator.notifications[0]).toMatchObject({
      subject: 's',
      textBody: 't',
      htmlBody: '<p>h</p>',
      by: 'u-adm',
    });
  });

  it('refuses a notification without recipients, an unknown account, a missing issue, and GET', async () => {
    const { emulator, api } = setup();
    await expect(api.notify('TEAM-1', { ...body, to: { users: [] } })).rejects.toMatchObject({
      kind: 'bad-request',
    });
    await expect(
      api.notify('TEAM-1', { ...body, to: { users: [{ accountId: 'u-nobody' }] } }),
    ).rejects.toMatchObject({
      kind: 'bad-request',
    });
    await expect(
      api.notify('NOPE-9', { ...body, to: { users: [{ accountId: 'u-po1' }] } }),
    ).rejects.toMatchObject({
      kind: 'not-found',
    });
    const get = await emulator.transportFor('u-adm')({
      method: 'GET',
      path: '/rest/api/3/issue/TEAM-1/notify',
    });
    expect(get.status).toBe(405);
    expect(emulator.notifications).toEqual([]);
  });

  it('serves the site URL', async () => {
    const { api } = setup();
    expect(await api.serverBaseUrl()).toBe('https://tiny.atlassian.net');
  });
});
