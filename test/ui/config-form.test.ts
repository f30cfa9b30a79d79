import {
  configuredLevel,
  defaultLevel,
  errorsUnder,
  fromForm,
  fromOverrideForm,
  toForm,
  toOverrideForm,
  validateConfig,
  validateOverride,
} from '../../static/src/lib/configForm';
import { DEFAULT_CONFIG, parseConfig } from '../../src/domain/config';
import type { SiteMeta } from '../../src/shared/contract';

const site: SiteMeta = {
  issueTypes: [
    { id: '10000', name: 'Epic', hierarchyLevel: 2, subtask: false },
    { id: '10001', name: 'Feature', hierarchyLevel: 1, subtask: false },
    { id: '10002', name: 'Story', hierarchyLevel: 0, subtask: false },
  ],
  userFields: [{ id: 'customfield_10102', name: 'Product Manager', multi: false }],
  otherFields: [{ id: 'customfield_10105', name: 'Team' }],
  projects: [{ key: 'ART', name: 'Orbit ART' }],
};

describe('config form', () => {
  it('round-trips a full configuration', () => {
    const config = parseConfig({
      version: 1,
      levels: { epic: 'program', '99999': 'team' },
      roles: {
        program: {
          fields: ['customfield_10102'],
          teamOwners: { Rockets: 'u-1' },
          projectDefaults: { ART: 'u-2' },
        },
      },
      teamField: 'customfield_10105',
      delegates: { 'u-2': ['u-3', 'u-4'] },
      rules: { 'owner-inactive': { enabled: false }, 'feature-missing-pm': { severity: 'warning' } },
      projects: { ART: { delegates: ['u-9'] } },
    });
    const form = toForm(config, site);
    expect(form.levels['10000']).toBe('program'); // matched by name, case-insensitively
    expect(form.otherLevels).toEqual({ '99999': 'team' });
    const back = validateConfig(fromForm(form));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    // The name-keyed mapping is now stored under the issue type id, which means the same thing.
    expect(back.config.levels).toEqual({ '10000': 'program', '99999': 'team' });
    expect(back.config.roles).toEqual(config.roles);
    expect(back.config.delegates).toEqual(config.delegates);
    expect(back.config.rules).toEqual(config.rules);
    expect(back.config.projects).toEqual(config.projects);
    expect(back.config.teamField).toBe('customfield_10105');
  });

  it('saves the defaults as the defaults', () => {
    const v = validateConfig(fromForm(toForm(DEFAULT_CONFIG, site)));
    expect(v).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it('reports schema errors with paths that land on the right section', () => {
    const form = toForm(DEFAULT_CONFIG, site);
    form.roles.team.projectDefaults = [{ key: 'not a key', value: 'u-1' }];
    form.teamField = 'Team Field';
    const v = validateConfig(fromForm(form));
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(errorsUnder(v.errors, 'roles.team').length).toBeGreaterThan(0);
    expect(errorsUnder(v.errors, 'roles.program')).toHaveLength(0);
    expect(errorsUnder(v.errors, 'teamField')[0]?.message).toMatch(/field id/);
  });

  it('round-trips a project override and drops empty rows', () => {
    const form = toOverrideForm({ delegates: ['u-1'], rules: { 'owner-inactive': { enabled: false } } });
    form.roles.team.teamOwners = [{ key: '', value: '' }];
    const v = validateOverride(fromOverrideForm(form));
    expect(v).toEqual({
      ok: true,
      override: { delegates: ['u-1'], rules: { 'owner-inactive': { enabled: false } } },
    });
  });

  it('keeps delegates as picked people: empty rows dropped, a person picked twice kept once', () => {
    const form = toForm(parseConfig({ version: 1, delegates: { 'u-2': ['u-3'] } }), site);
    expect(form.delegates).toEqual([{ owner: 'u-2', delegates: ['u-3'] }]);
    form.delegates.push({ owner: '', delegates: [] }, { owner: 'u-5', delegates: ['u-6', 'u-6'] });
    const v = validateConfig(fromForm(form));
    expect(v.ok && v.config.delegates).toEqual({ 'u-2': ['u-3'], 'u-5': ['u-6'] });
  });

  it('reports a fallback row with no person chosen under that row', () => {
    const form = toForm(DEFAULT_CONFIG, site);
    form.roles.team.projectDefaults = [{ key: 'ART', value: '' }];
    const v = validateConfig(fromForm(form));
    expect(v.ok).toBe(false);
    expect(!v.ok && errorsUnder(v.errors, 'roles.team.projectDefaults.ART')).toHaveLength(1);
  });

  it('maps hierarchy levels like the rules say', () => {
    expect([
      defaultLevel(3, false),
      defaultLevel(2, false),
      defaultLevel(1, false),
      defaultLevel(0, false),
      defaultLevel(-1, true),
    ]).toEqual(['portfolio', 'portfolio', 'program', 'team', 'subtask']);
    expect(configuredLevel({ STORY: 'program' }, { id: '1', name: 'story' })).toBe('program');
  });
});
