import { DEFAULT_CONFIG, parseConfig } from '../../src/domain/config';
import { discoverAcceptanceCriteriaField, discoverRoleFields, neededFieldIds } from '../../src/domain/fields';
import type { FieldInfo } from '../../src/domain/types';
import { FIELD, FIELDS } from './builders';

describe('field discovery', () => {
  it('finds role fields by case-insensitive name, single and multi user pickers', () => {
    expect(discoverRoleFields(FIELDS)).toEqual({
      portfolio: [FIELD.epicOwner],
      program: [FIELD.pm],
      team: [FIELD.po],
    });
  });

  it('ignores a same-named field that is not a user picker', () => {
    const fields: FieldInfo[] = [
      { id: 'customfield_1', name: 'product owner', schema: { type: 'string' } },
      { id: 'customfield_2', name: 'PRODUCT OWNER ', schema: { type: 'array', items: 'user' } },
      { id: 'customfield_3', name: 'Product Owner', schema: { type: 'array', items: 'option' } },
    ];
    expect(discoverRoleFields(fields).team).toEqual(['customfield_2']);
  });

  it('finds the Acceptance Criteria field, or none', () => {
    expect(discoverAcceptanceCriteriaField(FIELDS)).toBe(FIELD.ac);
    expect(discoverAcceptanceCriteriaField([])).toBeUndefined();
  });
});

describe('neededFieldIds', () => {
  it('asks for the system fields, the discovered role fields and the AC field', () => {
    expect(neededFieldIds(FIELDS, DEFAULT_CONFIG)).toEqual([
      'summary',
      'project',
      'issuetype',
      'parent',
      'status',
      'statuscategorychangedate',
      'description',
      'assignee',
      FIELD.epicOwner,
      FIELD.pm,
      FIELD.po,
      FIELD.ac,
      'fixVersions',
    ]);
  });

  it('asks for the Sprint field, found by its type whatever its name, for scopes', () => {
    const sprint: FieldInfo = {
      id: 'customfield_10020',
      name: 'Iteration',
      schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
    };
    const named: FieldInfo = { id: 'customfield_10021', name: 'Sprint', schema: { type: 'string' } };
    const ids = neededFieldIds([...FIELDS, named, sprint], DEFAULT_CONFIG);
    expect(ids).toContain('customfield_10020');
    expect(ids).not.toContain('customfield_10021');
  });

  it('uses configured fields, project overrides and the team field, without duplicates', () => {
    const config = parseConfig({
      version: 1,
      roles: { team: { fields: ['customfield_20000'] } },
      teamField: FIELD.team,
      acceptanceCriteriaField: 'customfield_30000',
      projects: {
        ORB: { roles: { team: { fields: ['customfield_20001', 'customfield_20000'] } } },
        NOV: { roles: { program: { fields: ['customfield_20002'] } } },
      },
    });
    const ids = neededFieldIds(FIELDS, config);
    expect(ids).toEqual(
      expect.arrayContaining([
        'customfield_20000',
        'customfield_20001',
        'customfield_20002',
        FIELD.team,
        'customfield_30000',
      ]),
    );
    expect(ids).not.toContain(FIELD.po); // replaced by the configured field
    expect(ids).not.toContain(FIELD.ac);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
