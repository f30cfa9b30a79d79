/**
 * Deterministic synthetic SAFe sites for benchmarks: a portfolio project (PORT) of epics, an ART
 * project (ART) holding features and most stories, and a team project (ORB) with more stories
 * under ART's features; sub-tasks under some stories. Shapes are Jira's own (see
 * test/domain/builders.ts). Mostly healthy, with a sprinkle of every kind of problem so every
 * rule's code path runs.
 */
import type {
  FieldInfo,
  IssueTypeInfo,
  JiraIssue,
  SiteData,
  StatusCategory,
  UserRef,
} from '../src/domain/types';
import { createRng } from '../src/emulator/generate';

const F = {
  eo: 'customfield_10100',
  pm: 'customfield_10101',
  po: 'customfield_10102',
  team: 'customfield_10103',
  ac: 'customfield_10104',
};

const ISSUE_TYPES: IssueTypeInfo[] = [
  { id: '10000', name: 'Portfolio Epic', hierarchyLevel: 2, subtask: false },
  { id: '10001', name: 'Feature', hierarchyLevel: 1, subtask: false },
  { id: '10002', name: 'Story', hierarchyLevel: 0, subtask: false },
  { id: '10004', name: 'Sub-task', hierarchyLevel: -1, subtask: true },
];

const FIELDS: FieldInfo[] = [
  { id: F.eo, name: 'Epic Owner', schema: { type: 'user' } },
  { id: F.pm, name: 'Product Manager', schema: { type: 'user' } },
  { id: F.po, name: 'Product Owner', schema: { type: 'array', items: 'user' } },
  { id: F.team, name: 'Team', schema: { type: 'team' } },
  { id: F.ac, name: 'Acceptance Criteria', schema: { type: 'string' } },
];

export function syntheticSite(total: number, seed = 42): SiteData {
  const rand = createRng(seed);
  const users: Record<string, UserRef> = {};
  const userCount = Math.max(20, Math.round(total / 100));
  for (let u = 0; u < userCount; u++) {
    users[`u-${u}`] = { accountId: `u-${u}`, displayName: `User ${u}`, active: rand() > 0.02 };
  }
  const userObj = (id: string): Record<string, unknown> => ({
    accountId: id,
    displayName: users[id]?.displayName ?? id,
    active: users[id]?.active ?? true,
    avatarUrls: { '48x48': `https://avatar.example/${id}/48` },
  });
  const anyUser = (): string => `u-${Math.floor(rand() * userCount)}`;
  const status = (c: StatusCategory): Record<string, unknown> => ({
    name: c === 'new' ? 'To Do' : c === 'done' ? 'Done' : 'In Progress',
    statusCategory: { key: c },
  });
  const pickStatus = (): StatusCategory => {
    const r = rand();
    return r < 0.3 ? 'new' : r < 0.55 ? 'indeterminate' : 'done';
  };

  const issues: JiraIssue[] = [];
  let id = 100000;
  const counters: Record<string, number> = {};
  const push = (
    project: string,
    typeId: string,
    fields: Record<string, unknown>,
    parent?: string,
  ): string => {
    counters[project] = (counters[project] ?? 0) + 1;
    const key = `${project}-${counters[project]}`;
    const all: Record<string, unknown> = {
      summary: `Synthetic ${key}`,
      project: { key: project },
      issuetype: { id: typeId },
      status: status('new'),
      statuscategorychangedate: '2026-01-01T09:00:00.000+0000',
      ...fields,
    };
    if (parent) all.parent = { key: parent };
    issues.push({ id: String(id++), key, fields: all });
    return key;
  };

  const epics = Math.max(1, Math.round(total * 0.005));
  const features = Math.max(1, Math.round(total * 0.05));
  const subtasks = Math.round(total * 0.15);
  const stories = total - epics - features - subtasks;

  const epicKeys: string[] = [];
  for (let e = 0; e < epics; e++) {
    epicKeys.push(
      push('PORT', '10000', {
        [F.eo]: rand() < 0.9 ? userObj(anyUser()) : null,
        status: status(pickStatus()),
      }),
    );
  }
  const featureKeys: string[] = [];
  for (let f = 0; f < features; f++) {
    const parent = rand() < 0.97 ? epicKeys[Math.floor(rand() * epics)] : undefined;
    featureKeys.push(
      push(
        'ART',
        '10001',
        { [F.pm]: rand() < 0.92 ? userObj(anyUser()) : null, status: status(pickStatus()) },
        parent,
      ),
    );
  }
  const storyKeys: string[] = [];
  const ac = {
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Given, when, then' }] }],
  };
  for (let s = 0; s < stories; s++) {
    const project = rand() < 0.8 ? 'ART' : 'ORB';
    const c = pickStatus();
    const poId = rand() < 0.9 ? anyUser() : null;
    const fields: Record<string, unknown> = {
      [F.po]: poId ? [userObj(poId)] : null,
      [F.team]: { id: `team-${Math.floor(rand() * 12)}`, name: `Team ${Math.floor(rand() * 12)}` },
      [F.ac]: rand() < 0.85 ? ac : null,
      status: status(c),
      statuscategorychangedate:
        rand() < 0.05 ? '2026-06-01T09:00:00.000+0000' : '2026-01-01T09:00:00.000+0000',
    };
    const parent = rand() < 0.97 ? featureKeys[Math.floor(rand() * features)] : undefined;
    const key = push(project, '10002', fields, parent);
    const last = issues[issues.length - 1];
    if (last && c !== 'new' && rand() < 0.8) {
      const by = poId !== null && rand() < 0.95 ? poId : anyUser();
      last.properties = {
        'popm.acceptance': { acceptedBy: by, acceptedAt: '2026-02-01T10:00:00.000Z', statusCategory: c },
      };
    }
    storyKeys.push(key);
  }
  for (let t = 0; t < subtasks; t++) {
    const parent = storyKeys[Math.floor(rand() * storyKeys.length)];
    push(parent?.startsWith('ORB') ? 'ORB' : 'ART', '10004', { status: status(pickStatus()) }, parent);
  }
  return { issueTypes: ISSUE_TYPES, fields: FIELDS, issues, users };
}
