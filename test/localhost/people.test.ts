/**
 * The local host's user switcher says what each person owns, read with the domain's owner
 * resolution (fields, then team mapping, then project default), not from a list kept by hand.
 */
import { configSchema, CONFIG_VERSION } from '../../src/domain/config';
import { describeOwnership, ownershipByAccount } from '../../src/localhost/people';
import { tinySnapshot } from '../emulator/fixture';

describe('ownershipByAccount', () => {
  it('counts the issues each account owns, by role and project', () => {
    const snapshot = tinySnapshot();
    const story = snapshot.issues.find((i) => i.key === 'TEAM-1');
    if (!story) throw new Error('fixture has no TEAM-1');
    snapshot.issues.push({
      ...story,
      id: '29999',
      key: 'TEAM-9',
      fields: { ...story.fields, customfield_10102: ['u-po1'] },
    });
    const owned = ownershipByAccount(snapshot);
    expect(owned.get('u-po1')).toEqual([{ role: 'team', projectKey: 'TEAM', count: 2 }]);
    expect(owned.get('u-pm1')).toEqual([{ role: 'program', projectKey: 'ART', count: 1 }]);
    expect(owned.get('u-old')).toEqual([{ role: 'team', projectKey: 'TEAM', count: 1 }]);
    expect(owned.has('u-adm')).toBe(false);
  });

  it("follows the configuration's project default for stories without a PO", () => {
    const config = configSchema.parse({
      version: CONFIG_VERSION,
      roles: { team: { projectDefaults: { TEAM: 'u-lead' } } },
    });
    const withDefault = ownershipByAccount(tinySnapshot(), config).get('u-lead') ?? [];
    const without = ownershipByAccount(tinySnapshot()).get('u-lead') ?? [];
    expect(without).toEqual([]);
    expect(withDefault).toEqual([{ role: 'team', projectKey: 'TEAM', count: expect.any(Number) }]);
    expect(withDefault[0]?.count).toBeGreaterThan(0);
  });
});

describe('describeOwnership', () => {
  it('names role, count, level and project, then admin', () => {
    expect(
      describeOwnership(
        [
          { role: 'team', projectKey: 'ORB', count: 42 },
          { role: 'program', projectKey: 'ART', count: 1 },
        ],
        true,
      ),
    ).toBe('PO of 42 stories in ORB; PM of 1 feature in ART; admin');
    expect(describeOwnership([], false)).toBe('owns nothing');
    expect(describeOwnership([], true)).toBe('admin');
  });
});
