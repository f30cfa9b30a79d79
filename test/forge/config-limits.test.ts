/**
 * The configuration lives within Forge's 240 KiB per kvs value: a realistic 60-project
 * configuration saves and reads back, oversize input is refused naming the limit, a project
 * admin cannot make the site's save fail, and a layout-2 value (everything in one key) is
 * migrated without losing anything. The in-memory store refuses what Forge refuses, so a value
 * that would not fit on Forge fails here too.
 */
import {
  CONFIG_LIMITS,
  MAX_CONFIG_ISSUES,
  type PopmConfig,
  type ProjectOverride,
} from '../../src/domain/config';
import { RULE_IDS } from '../../src/domain/types';
import { CONFIG_KEY, projectConfigKey } from '../../src/storage/config-store';
import { KVS_MAX_VALUE_BYTES, valueBytes } from '../../src/storage/limits';
import { ADMIN, PO, harness } from './support';

/** Account ids as Atlassian issues them today: `712020:` and a UUID. */
const account = (n: number) => `712020:${String(n).padStart(8, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`;
const team = (p: number, t: number) =>
  `${String(p).padStart(4, '0')}${String(t).padStart(4, '0')}-aaaa-bbbb-cccc-ddddeeeeffff`;

function projectOverride(p: number): ProjectOverride {
  const owners = (n: number, from: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, t) => [team(p, from + t), account(p * 100 + from + t)]));
  return {
    roles: {
      program: { fields: ['customfield_10201'], teamOwners: owners(5, 0) },
      team: {
        fields: ['customfield_10101', 'customfield_10102'],
        teamOwners: owners(20, 5),
        projectDefaults: { [`P${p}`]: account(p) },
      },
    },
    delegates: Array.from({ length: 40 }, (_, d) => account(10_000 + p * 50 + d)),
    rules: Object.fromEntries(RULE_IDS.map((r) => [r, { enabled: true, severity: 'warning' as const }])),
  };
}

function siteConfig(projects: number): PopmConfig {
  return {
    version: 1,
    levels: { Epic: 'portfolio', Feature: 'program', Story: 'team', 'Sub-task': 'subtask' },
    roles: { team: { fields: ['customfield_10101'] } },
    teamField: 'customfield_10001',
    delegates: { [account(1)]: [account(2), account(3)] },
    rules: {},
    digest: { enabled: false, thresholdDays: 2 },
    projects: Object.fromEntries(
      Array.from({ length: projects }, (_, p) => [`P${p + 1}`, projectOverride(p + 1)]),
    ),
  };
}

/** Every account the configurations below name: settings may only name accounts Jira knows. */
const ACCOUNTS = Array.from({ length: 400 }, (_, n) => account(n));

describe('configuration within storage limits', () => {
  it('a realistic 60-project configuration (more than one kvs value holds) saves and reads back', async () => {
    const h = harness({ accounts: ACCOUNTS });
    const config = siteConfig(60);
    expect(valueBytes(config)).toBeGreaterThan(KVS_MAX_VALUE_BYTES);
    const saved = await h.call('saveConfig', { config, revision: 0 }, ADMIN);
    expect(saved).toMatchObject({ ok: true, data: { revision: 1 } });
    const read = await h.call('getConfig', {}, ADMIN);
    expect(read.data.config).toEqual(config);
    // Every stored piece fits well under Forge's limit.
    expect(valueBytes(await h.store.get(CONFIG_KEY))).toBeLessThan(CONFIG_LIMITS.siteBytes);
    for (const { value } of await h.store.list('config:project:'))
      expect(valueBytes(value)).toBeLessThan(CONFIG_LIMITS.projectBytes);
    // Saving again changes only what changed: P7 loses its overrides, the rest stay.
    const { P7: _dropped, ...rest } = config.projects;
    const again = await h.call('saveConfig', { config: { ...config, projects: rest }, revision: 1 }, ADMIN);
    expect(again.ok).toBe(true);
    expect(await h.store.get(projectConfigKey('P7'))).toBeUndefined();
    expect((await h.call('getConfig', {}, ADMIN)).data.config.projects).toEqual(rest);
  });

  it('refuses too many entries and too many bytes with INVALID_CONFIG naming the limit', async () => {
    const h = harness({ accounts: ACCOUNTS });
    const many = Object.fromEntries(
      Array.from({ length: CONFIG_LIMITS.delegateOwners + 1 }, (_, i) => [account(i), [account(i + 1)]]),
    );
    const tooMany = await h.call(
      'saveConfig',
      { config: { version: 1, delegates: many }, revision: 0 },
      ADMIN,
    );
    expect(tooMany.error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(tooMany.error.message).toMatch(/delegates: 301 owners with delegates; at most 300 are allowed/);

    const long = 'x'.repeat(250);
    const levels = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`${i}${long}`, 'team']));
    const owners = Object.fromEntries(Array.from({ length: 280 }, (_, i) => [`${i}${long}`, account(i)]));
    const big = {
      version: 1,
      levels,
      roles: { team: { teamOwners: owners }, program: { teamOwners: owners } },
    };
    const tooBig = await h.call('saveConfig', { config: big, revision: 0 }, ADMIN);
    expect(tooBig.error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(tooBig.error.message).toMatch(/site-wide settings take \d+ KiB; at most 128 KiB are stored/);
    expect(await h.store.list('config:')).toEqual([]);
  });

  it('a project admin cannot grow the shared value: oversize is refused, and the site still saves', async () => {
    const h = harness({ accounts: ACCOUNTS });
    const long = 'y'.repeat(240);
    const huge = {
      roles: {
        team: {
          teamOwners: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`${i}${long}`, account(i)])),
        },
      },
    };
    const refused = await h.call('saveProjectConfig', { projectKey: 'ORB', override: huge, revision: 0 }, PO);
    expect(refused.error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(refused.error.message).toMatch(/at most 64 KiB are stored per project/);

    // The largest settings a project admin may save live under ORB's key only.
    const largest = {
      roles: {
        team: {
          teamOwners: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`${i}${long}`, account(i)])),
        },
      },
      delegates: Array.from({ length: 50 }, (_, i) => account(i)),
    };
    let revision = 0;
    for (let round = 0; round < 3; round++) {
      const saved = await h.call('saveProjectConfig', { projectKey: 'ORB', override: largest, revision }, PO);
      expect(saved.ok).toBe(true);
      revision = saved.data.revision;
    }
    const read = await h.call('getConfig', {}, ADMIN);
    const site = await h.call(
      'saveConfig',
      { config: read.data.config, revision: read.data.revision },
      ADMIN,
    );
    expect(site.ok).toBe(true);
    expect(valueBytes(await h.store.get(CONFIG_KEY))).toBeLessThan(1024);
    expect((await h.call('getConfig', {}, ADMIN)).data.config.projects.ORB).toEqual(largest);
  });

  it('caps the details of INVALID_CONFIG as BAD_REQUEST does', async () => {
    const h = harness({ accounts: ACCOUNTS });
    const levels = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`Type ${i}`, 'galaxy']));
    const result = await h.call('saveConfig', { config: { version: 1, levels }, revision: 0 }, ADMIN);
    expect(result.error.code).toBe('INVALID_CONFIG');
    expect(result.error.details).toHaveLength(MAX_CONFIG_ISSUES);
    expect(result.error.message).toMatch(/; and 117 more$/);
  });

  it('migrates a layout-2 value (every project inside) without losing anything', async () => {
    const h = harness({ accounts: ACCOUNTS });
    const config = siteConfig(30);
    h.store.setRaw(CONFIG_KEY, { schemaVersion: 2, revision: 6, config });
    expect((await h.call('getConfig', {}, ADMIN)).data).toMatchObject({ config, revision: 6 });
    // A project admin's save moves nothing else and loses nothing.
    const orb = await h.call('getProjectConfig', { projectKey: 'ORB' }, PO);
    expect(orb.data).toMatchObject({ override: {}, revision: 0 });
    expect(
      (
        await h.call(
          'saveProjectConfig',
          { projectKey: 'ORB', override: { delegates: [PO] }, revision: 0 },
          PO,
        )
      ).ok,
    ).toBe(true);
    const after = await h.call('getConfig', {}, ADMIN);
    expect(after.data.config.projects).toEqual({ ...config.projects, ORB: { delegates: [PO] } });
    // The admin's save moves every project to its own key; the site value keeps none.
    expect(
      (await h.call('saveConfig', { config: after.data.config, revision: after.data.revision }, ADMIN)).ok,
    ).toBe(true);
    expect(
      ((await h.store.get(CONFIG_KEY)) as { config: Record<string, unknown> } | undefined)?.config.projects,
    ).toBeUndefined();
    expect(await h.store.list('config:project:')).toHaveLength(31);
    expect((await h.call('getConfig', {}, ADMIN)).data.config).toEqual(after.data.config);
  });
});
