/**
 * Deterministic site builders: a seeded PRNG, a small builder that keeps keys, ids and dates
 * consistent, and `generateSite` for big synthetic snapshots (benchmarks: 250,000 issues and more).
 * Big sites share immutable sub-objects (statuses, ADF documents) between issues so memory per
 * issue stays small.
 */
import type { StatusCategory } from '../domain/types';
import type {
  Snapshot,
  SnapshotField,
  SnapshotIssue,
  SnapshotIssueType,
  SnapshotProject,
  SnapshotStatus,
  SnapshotUser,
} from '../snapshot/format';

/** mulberry32: tiny, fast, good enough for test data, and identical on every machine. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ISSUE_TYPES = {
  epic: { id: '10000', name: 'Epic', hierarchyLevel: 2, subtask: false },
  feature: { id: '10001', name: 'Feature', hierarchyLevel: 1, subtask: false },
  story: { id: '10002', name: 'Story', hierarchyLevel: 0, subtask: false },
  enabler: { id: '10003', name: 'Enabler', hierarchyLevel: 0, subtask: false },
  bug: { id: '10004', name: 'Bug', hierarchyLevel: 0, subtask: false },
  task: { id: '10005', name: 'Task', hierarchyLevel: 0, subtask: false },
  subtask: { id: '10006', name: 'Sub-task', hierarchyLevel: -1, subtask: true },
} satisfies Record<string, SnapshotIssueType>;

export const FIELD_IDS = {
  epicOwner: 'customfield_10101',
  productManager: 'customfield_10102',
  productOwner: 'customfield_10103',
  acceptanceCriteria: 'customfield_10104',
  team: 'customfield_10105',
} as const;

const PICKER = 'com.atlassian.jira.plugin.system.customfieldtypes:';
export const STANDARD_FIELDS: SnapshotField[] = [
  {
    id: FIELD_IDS.epicOwner,
    name: 'Epic Owner',
    schema: { type: 'user', custom: `${PICKER}userpicker`, customId: 10101 },
  },
  {
    id: FIELD_IDS.productManager,
    name: 'Product Manager',
    schema: { type: 'user', custom: `${PICKER}userpicker`, customId: 10102 },
  },
  {
    id: FIELD_IDS.productOwner,
    name: 'Product Owner',
    schema: { type: 'array', items: 'user', custom: `${PICKER}multiuserpicker`, customId: 10103 },
  },
  {
    id: FIELD_IDS.acceptanceCriteria,
    name: 'Acceptance Criteria',
    schema: { type: 'string', custom: `${PICKER}textarea`, customId: 10104 },
  },
  {
    id: FIELD_IDS.team,
    name: 'Team',
    schema: { type: 'option', custom: `${PICKER}select`, customId: 10105 },
  },
];

export const STATUSES: Record<string, SnapshotStatus> = {
  funnel: { name: 'Funnel', category: 'new' },
  todo: { name: 'To Do', category: 'new' },
  inProgress: { name: 'In Progress', category: 'indeterminate' },
  review: { name: 'In Review', category: 'indeterminate' },
  done: { name: 'Done', category: 'done' },
};

export function statusFor(category: StatusCategory): SnapshotStatus {
  return category === 'new' ? STATUSES.todo! : category === 'done' ? STATUSES.done! : STATUSES.inProgress!;
}

/** An ADF document of paragraphs; headings where a line starts with `# `. */
export function adf(...lines: string[]): Record<string, unknown> {
  return {
    type: 'doc',
    version: 1,
    content: lines.map((line) =>
      line.startsWith('# ')
        ? { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: line.slice(2) }] }
        : { type: 'paragraph', content: [{ type: 'text', text: line }] },
    ),
  };
}

/** Jira's timestamp format: `2026-01-05T09:00:00.000+0000`. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** An issue's fields as a builder takes them: everything but the project. */
export interface IssueInput {
  summary: string;
  issuetype: string;
  status: SnapshotStatus;
  parent?: string | null;
  statuscategorychangedate?: string | null;
  created?: string;
  updated?: string;
  assignee?: string | null;
  description?: unknown;
  [field: string]: unknown;
}

/** Keeps ids unique and keys per project consecutive. */
export class SiteBuilder {
  private nextId = 10001;
  private readonly counters = new Map<string, number>();
  readonly issues: SnapshotIssue[] = [];
  readonly users: SnapshotUser[] = [];
  readonly projects: SnapshotProject[] = [];

  addProject(key: string, name: string, lead?: string): SnapshotProject {
    const p: SnapshotProject = { id: String(10000 + this.projects.length), key, name };
    if (lead !== undefined) p.lead = lead;
    this.projects.push(p);
    this.counters.set(key, 0);
    return p;
  }

  addUser(accountId: string, displayName: string, active = true): SnapshotUser {
    const u: SnapshotUser = { accountId, displayName, active };
    this.users.push(u);
    return u;
  }

  addIssue(projectKey: string, fields: IssueInput, properties?: Record<string, unknown>): SnapshotIssue {
    const n = (this.counters.get(projectKey) ?? 0) + 1;
    this.counters.set(projectKey, n);
    const issue: SnapshotIssue = {
      id: String(this.nextId++),
      key: `${projectKey}-${n}`,
      fields: { ...fields, project: projectKey },
    };
    if (properties) issue.properties = properties;
    this.issues.push(issue);
    return issue;
  }

  build(extra: {
    baseUrl: string;
    admins: string[];
    issueTypes: SnapshotIssueType[];
    fields: SnapshotField[];
  }): Snapshot {
    return {
      format: 'popm-snapshot/1',
      site: { baseUrl: extra.baseUrl },
      users: this.users,
      admins: extra.admins,
      projects: this.projects,
      issueTypes: extra.issueTypes,
      fields: extra.fields,
      issues: this.issues,
    };
  }
}

export interface GenerateOptions {
  /** Features in the ART project. */
  features: number;
  storiesPerFeature: number;
  /** Portfolio epics (features are spread over them). Default: features / 10, at least 1. */
  epics?: number;
  subtasksPerStory?: number;
  /** Team projects the stories are spread over. Default 3. */
  teamProjects?: number;
  /** Share of issues given a defect (missing owner, missing acceptance...). Default 0.1. */
  defectRate?: number;
  seed: number;
}

const SHARED_AC = adf('Given a signed-in user', 'When they act', 'Then the outcome is visible');

/**
 * A synthetic SAFe site of `epics + features * (1 + storiesPerFeature * (1 + subtasksPerStory))`
 * issues: PORT holds epics, ART features, and team projects T1..Tn the stories and sub-tasks.
 */
export function generateSite(options: GenerateOptions): Snapshot {
  const rng = createRng(options.seed);
  const defect = options.defectRate ?? 0.1;
  const teamCount = Math.max(1, options.teamProjects ?? 3);
  const epicCount = Math.max(1, options.epics ?? Math.ceil(options.features / 10));
  const subtasks = options.subtasksPerStory ?? 0;
  const b = new SiteBuilder();
  const people = 40;
  for (let i = 0; i < people; i++) b.addUser(`u-${i}`, `Person ${i}`, i % 17 !== 16);
  const admin = 'u-0';
  b.addProject('PORT', 'Portfolio', admin);
  b.addProject('ART', 'Release Train', admin);
  const teams: string[] = [];
  for (let t = 0; t < teamCount; t++) {
    const key = `T${t + 1}`;
    teams.push(key);
    b.addProject(key, `Team ${t + 1}`, `u-${(t % (people - 1)) + 1}`);
  }
  const person = (): string => `u-${Math.floor(rng() * people)}`;
  const day = 86_400_000;
  const base = Date.UTC(2026, 0, 5, 9);
  const epics: string[] = [];
  for (let e = 0; e < epicCount; e++) {
    const fields: IssueInput = {
      summary: `Epic ${e + 1}`,
      issuetype: ISSUE_TYPES.epic.id,
      status: STATUSES.inProgress!,
    };
    if (rng() >= defect) fields[FIELD_IDS.epicOwner] = person();
    epics.push(b.addIssue('PORT', fields).key);
  }
  const categories: StatusCategory[] = ['new', 'indeterminate', 'done'];
  for (let f = 0; f < options.features; f++) {
    const featureFields: IssueInput = {
      summary: `Feature ${f + 1}`,
      issuetype: ISSUE_TYPES.feature.id,
      parent: epics[f % epics.length] ?? null,
      status: statusFor(categories[Math.floor(rng() * 3)] ?? 'new'),
    };
    if (rng() >= defect) featureFields[FIELD_IDS.productManager] = person();
    const feature = b.addIssue('ART', featureFields);
    const team = teams[f % teams.length] ?? 'T1';
    for (let s = 0; s < options.storiesPerFeature; s++) {
      const category = categories[Math.floor(rng() * 3)] ?? 'new';
      const changed = base + Math.floor(rng() * 90) * day;
      const fields: IssueInput = {
        summary: `Story ${f + 1}.${s + 1}`,
        issuetype: ISSUE_TYPES.story.id,
        parent: rng() < defect / 4 ? null : feature.key,
        status: statusFor(category),
        statuscategorychangedate: jiraTime(changed),
      };
      const po = rng() < defect ? null : person();
      if (po !== null) fields[FIELD_IDS.productOwner] = [po];
      if (rng() >= defect) fields[FIELD_IDS.acceptanceCriteria] = SHARED_AC;
      let properties: Record<string, unknown> | undefined;
      if (category === 'done' && po !== null && rng() >= defect) {
        properties = {
          'popm.acceptance': { acceptedBy: po, acceptedAt: new Date(changed + day).toISOString() },
        };
      }
      const story = b.addIssue(team, fields, properties);
      for (let k = 0; k < subtasks; k++) {
        b.addIssue(team, {
          summary: `Sub-task ${k + 1}`,
          issuetype: ISSUE_TYPES.subtask.id,
          parent: story.key,
          status: story.fields.status,
        });
      }
    }
  }
  return b.build({
    baseUrl: 'https://synthetic.atlassian.net',
    admins: [admin],
    issueTypes: Object.values(ISSUE_TYPES),
    fields: STANDARD_FIELDS,
  });
}
