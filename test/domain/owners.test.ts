import { DEFAULT_CONFIG, effectiveConfig, parseConfig } from '../../src/domain/config';
import { discoverRoleFields } from '../../src/domain/fields';
import { ownerRule, resolveOwners, teamCandidates } from '../../src/domain/owners';
import { FIELD, FIELDS, USERS, jiraIssue, story } from './builders';

const discovered = discoverRoleFields(FIELDS);

function resolve(
  spec: Parameters<typeof jiraIssue>[0],
  configInput: unknown = { version: 1 },
  users = USERS,
) {
  const config = parseConfig(configInput);
  const project = spec.key.split('-')[0]!;
  const rule = ownerRule('team', effectiveConfig(config, project), discovered);
  return resolveOwners(jiraIssue(spec), project, rule, users);
}

describe('owner resolution', () => {
  it('reads a multi user picker with every user and their details', () => {
    const r = resolve(story('ORB-1', { po: ['u-po1', 'u-idle'] }));
    expect(r.source).toBe('field');
    expect(r.owners).toEqual([
      {
        accountId: 'u-po1',
        displayName: 'Olga Owens',
        active: true,
        avatarUrl: 'https://avatar.example/u-po1/48',
      },
      {
        accountId: 'u-idle',
        displayName: 'Ivan Idle',
        active: false,
        avatarUrl: 'https://avatar.example/u-idle/48',
      },
    ]);
  });

  it('reads a single user picker', () => {
    const config = { version: 1, roles: { team: { fields: [FIELD.pm] } } };
    const r = resolve(story('ORB-1', { po: null, pm: 'u-po2' }), config);
    expect(r).toMatchObject({ source: 'field', owners: [{ accountId: 'u-po2' }] });
  });

  it('takes the first non-empty configured field', () => {
    const config = { version: 1, roles: { team: { fields: [FIELD.pm, FIELD.po] } } };
    expect(resolve(story('ORB-1', { po: 'u-po1', pm: null }), config).owners[0]?.accountId).toBe('u-po1');
  });

  it('falls back to the team mapping (Atlassian team by id or name, select option, text)', () => {
    const config = {
      version: 1,
      teamField: FIELD.team,
      roles: { team: { teamOwners: { 'team-uuid-1': 'u-po2', Comets: 'u-del1' } } },
    };
    expect(
      resolve(story('ORB-1', { po: null, team: { id: 'team-uuid-1', name: 'Rockets' } }), config),
    ).toEqual({
      source: 'team',
      owners: [{ accountId: 'u-po2', displayName: 'Omar Ortiz', active: true }],
    });
    expect(
      resolve(story('ORB-1', { po: null, team: { value: 'comets' } }), config).owners[0]?.accountId,
    ).toBe('u-del1');
    expect(resolve(story('ORB-1', { po: null, team: 'Comets' }), config).owners[0]?.accountId).toBe('u-del1');
    expect(resolve(story('ORB-1', { po: null, team: { title: 'Other' } }), config).source).toBeNull();
  });

  it('falls back to the project default, and assumes unknown accounts are active', () => {
    const config = { version: 1, roles: { team: { projectDefaults: { ORB: 'u-ghost' } } } };
    expect(resolve(story('ORB-1', { po: null }), config, {})).toEqual({
      source: 'project',
      owners: [{ accountId: 'u-ghost', active: true }],
    });
    expect(resolve(story('NOV-1', { po: null }), config).source).toBeNull();
  });

  it('uses project overrides of the issue own project', () => {
    const config = {
      version: 1,
      projects: { ORB: { roles: { team: { projectDefaults: { ORB: 'u-po2' } } } } },
    };
    expect(resolve(story('ORB-1', { po: null }), config).owners[0]?.accountId).toBe('u-po2');
  });

  it('reads team values of every documented shape', () => {
    expect(teamCandidates({ id: 'x', name: 'Y' })).toEqual(['x', 'Y']);
    expect(teamCandidates([{ value: 'a' }, 'b'])).toEqual(['a', 'b']);
    expect(teamCandidates(42)).toEqual([]);
  });

  it('returns nothing when no source gives an owner', () => {
    expect(resolve(story('ORB-1', { po: null }), DEFAULT_CONFIG)).toEqual({ owners: [], source: null });
  });
});
