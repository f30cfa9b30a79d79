/** A tiny, hand-written site for emulator tests; each test gets a fresh copy. */
import type { Snapshot } from '../../src/snapshot/format';

export function tinySnapshot(): Snapshot {
  const doc = { type: 'doc', version: 1, content: [] };
  return {
    format: 'popm-snapshot/1',
    site: { baseUrl: 'https://tiny.atlassian.net' },
    users: [
      { accountId: 'u-adm', displayName: 'Ada Admin', active: true, emailAddress: 'ada@example.com' },
      { accountId: 'u-pm1', displayName: 'Paula Pham', active: true },
      { accountId: 'u-po1', displayName: 'Otto Owner', active: true },
      { accountId: 'u-old', displayName: 'Gone Person', active: false },
      { accountId: 'u-lead', displayName: 'Lee Lead', active: true },
    ],
    admins: ['u-adm'],
    projects: [
      { id: '10000', key: 'ART', name: 'Orbit ART', lead: 'u-adm' },
      { id: '10001', key: 'TEAM', name: 'Team', lead: 'u-lead' },
    ],
    issueTypes: [
      { id: '10000', name: 'Epic', hierarchyLevel: 2, subtask: false },
      { id: '10001', name: 'Feature', hierarchyLevel: 1, subtask: false },
      { id: '10002', name: 'Story', hierarchyLevel: 0, subtask: false },
      { id: '10003', name: 'Sub-task', hierarchyLevel: -1, subtask: true },
    ],
    fields: [
      {
        id: 'customfield_10101',
        name: 'Product Manager',
        schema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' },
      },
      {
        id: 'customfield_10102',
        name: 'Product Owner',
        schema: {
          type: 'array',
          items: 'user',
          custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiuserpicker',
        },
      },
      {
        id: 'customfield_10104',
        name: 'Acceptance Criteria',
        schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' },
      },
    ],
    issues: [
      {
        id: '20001',
        key: 'ART-1',
        fields: {
          summary: 'Onboarding',
          project: 'ART',
          issuetype: '10000',
          status: { name: 'In Progress', category: 'indeterminate' },
        },
      },
      {
        id: '20002',
        key: 'ART-2',
        fields: {
          summary: 'Guided signup',
          project: 'ART',
          issuetype: '10001',
          parent: 'ART-1',
          status: { name: 'Done', category: 'done' },
          customfield_10101: 'u-pm1',
          created: '2026-01-02T09:00:00.000+0000',
        },
      },
      {
        id: '20003',
        key: 'TEAM-1',
        fields: {
          summary: 'Signup form',
          project: 'TEAM',
          issuetype: '10002',
          parent: 'ART-2',
          status: { name: 'Done', category: 'done' },
          statuscategorychangedate: '2026-01-10T09:00:00.000+0000',
          assignee: 'u-lead',
          description: doc,
          customfield_10102: ['u-po1', 'u-old'],
          customfield_10104: doc,
          labels: ['kept-unknown-field'],
          created: '2026-01-03T09:00:00.000+0000',
        },
        properties: {
          'popm.acceptance': {
            acceptedBy: 'u-po1',
            acceptedAt: '2026-01-11T09:00:00.000Z',
            statusCategory: 'done',
          },
        },
      },
      {
        id: '20004',
        key: 'TEAM-2',
        fields: {
          summary: 'Secret story',
          project: 'TEAM',
          issuetype: '10002',
          parent: 'ART-2',
          status: { name: 'To Do', category: 'new' },
          created: '2026-01-01T09:00:00.000+0000',
        },
      },
      {
        id: '20005',
        key: 'TEAM-3',
        fields: {
          summary: 'Write tests',
          project: 'TEAM',
          issuetype: '10003',
          parent: 'TEAM-1',
          status: { name: 'Done', category: 'done' },
        },
      },
    ],
    restrictions: { 'TEAM-2': ['u-adm', 'u-po1'] },
  };
}
