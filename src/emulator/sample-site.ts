/**
 * The bundled sample site (samples/sample-site.json, written by scripts/gen-sample.ts): a SAFe
 * train with portfolio epics (PORT), features in an ART project (ART) and stories, enablers, bugs,
 * tasks and sub-tasks in three team projects (ORB, NEB, COM). Most of it is healthy; every rule of
 * ../shared/spec/rules.md fires on purpose both in ART and in ORB, on issues whose summaries say so.
 */
import { criteriaFingerprint } from '../domain/acceptance';
import { SPRINT_FIELD_TYPE, type SprintRef, type SprintState } from '../domain/scope';
import { ACCEPTANCE_PROPERTY, type StatusCategory } from '../domain/types';
import type { Snapshot, SnapshotIssue } from '../snapshot/format';
import {
  adf,
  createRng,
  FIELD_IDS,
  ISSUE_TYPES,
  jiraTime,
  SiteBuilder,
  STANDARD_FIELDS,
  STATUSES,
  type IssueInput,
} from './generate';

export const SAMPLE_SEED = 20260105;

const DAY = 86_400_000;
const PI_START = Date.UTC(2026, 0, 5, 9);

type Acceptance =
  | 'valid' // accepted by its PO after it reached done
  | 'none'
  | 'not-by-po' // accepted by someone who is not an owner
  | 'stale-reopened' // accepted when done, reopened afterwards
  | 'stale-back-to-todo' // accepted while in progress, moved back to To Do afterwards
  | 'early-valid'; // accepted while in progress, done afterwards (valid, not stale)

interface StoryOptions {
  po?: string[] | null;
  category?: StatusCategory;
  acceptance?: Acceptance;
  /** 'field': Acceptance Criteria field; 'description': an "Acceptance criteria" heading; 'none'. */
  ac?: 'field' | 'description' | 'none';
  type?: keyof typeof ISSUE_TYPES;
  subtasks?: number;
  assignee?: string;
}

export function buildSampleSite(seed = SAMPLE_SEED): Snapshot {
  const rng = createRng(seed);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(rng() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  const b = new SiteBuilder();
  let clock = PI_START - 60 * DAY;
  const created = (): string => {
    clock += Math.floor(rng() * 6 * 3_600_000) + 600_000;
    return jiraTime(clock);
  };

  // People of the train. Ids are readable so `?as=` and tests can name them.
  const u = (id: string, name: string, active = true): string => b.addUser(id, name, active).accountId;
  const rte = u('u-morgan-reyes', 'Morgan Reyes');
  const eoDana = u('u-dana-whitfield', 'Dana Whitfield');
  const eoSamir = u('u-samir-haddad', 'Samir Haddad');
  const pmPaula = u('u-paula-pham', 'Paula Pham');
  const pmMarcus = u('u-marcus-oyelaran', 'Marcus Oyelaran');
  const pmIngrid = u('u-ingrid-solberg', 'Ingrid Solberg');
  const pmTom = u('u-tom-becker', 'Tom Becker', false);
  const poLena = u('u-lena-fischer', 'Lena Fischer');
  const poKenji = u('u-kenji-sato', 'Kenji Sato');
  const poRaj = u('u-raj-patel', 'Raj Patel');
  const poChloe = u('u-chloe-martin', 'Chloé Martin');
  const poOlivia = u('u-olivia-grant', 'Olivia Grant', false);
  const devs = [
    u('u-amara-nwosu', 'Amara Nwosu'),
    u('u-jonas-lindqvist', 'Jonas Lindqvist'),
    u('u-priya-raman', 'Priya Raman'),
    u('u-diego-alvarez', 'Diego Álvarez'),
    u('u-hannah-kim', 'Hannah Kim'),
    u('u-lucas-moreau', 'Lucas Moreau'),
    u('u-fatima-zahra', 'Fatima Zahra'),
    u('u-ethan-brooks', 'Ethan Brooks'),
    u('u-sofia-rossi', 'Sofia Rossi'),
    u('u-mateusz-nowak', 'Mateusz Nowak'),
    u('u-grace-osei', 'Grace Osei'),
    u('u-yuki-tanaka', 'Yuki Tanaka'),
  ];
  for (const user of b.users) user.emailAddress = `${user.accountId.slice(2).replace('-', '.')}@example.com`;

  b.addProject('PORT', 'Portfolio', rte);
  b.addProject('ART', 'Orbit ART', rte);
  b.addProject('ORB', 'Orbit Team', poLena);
  b.addProject('NEB', 'Nebula Team', poRaj);
  b.addProject('COM', 'Comet Team', poChloe);
  const teamOption = (name: string, id: string): Record<string, unknown> => ({
    self: `https://popm-sample.atlassian.net/rest/api/3/customFieldOption/${id}`,
    value: name,
    id,
  });
  const TEAMS: Record<string, { po: string; option: Record<string, unknown> }> = {
    ORB: { po: poLena, option: teamOption('Orbit', '10301') },
    NEB: { po: poRaj, option: teamOption('Nebula', '10302') },
    COM: { po: poChloe, option: teamOption('Comet', '10303') },
    ART: { po: poKenji, option: teamOption('System Team', '10304') },
  };

  const statusOf = (category: StatusCategory): IssueInput['status'] =>
    category === 'new'
      ? STATUSES.todo!
      : category === 'done'
        ? STATUSES.done!
        : pick([STATUSES.inProgress!, STATUSES.review!]);

  const epic = (
    project: string,
    summary: string,
    owner: string | null,
    category: StatusCategory = 'indeterminate',
  ): SnapshotIssue => {
    const fields: IssueInput = {
      summary,
      issuetype: ISSUE_TYPES.epic.id,
      status: category === 'new' ? STATUSES.funnel! : statusOf(category),
      statuscategorychangedate: jiraTime(PI_START - 30 * DAY),
      created: created(),
      description: adf(`Portfolio epic: ${summary}.`, 'Lean business case approved at the portfolio sync.'),
    };
    if (owner !== null) fields[FIELD_IDS.epicOwner] = owner;
    return b.addIssue(project, fields);
  };

  const feature = (
    project: string,
    summary: string,
    parent: string | null,
    pm: string | null,
    category: StatusCategory,
  ): SnapshotIssue => {
    const fields: IssueInput = {
      summary,
      issuetype: ISSUE_TYPES.feature.id,
      parent,
      status: statusOf(category),
      statuscategorychangedate: jiraTime(PI_START + Math.floor(rng() * 20) * DAY),
      created: created(),
      description: adf(`Benefit hypothesis: ${summary} will shorten the path to value.`),
    };
    if (pm !== null) fields[FIELD_IDS.productManager] = pm;
    return b.addIssue(project, fields);
  };

  const story = (
    project: string,
    summary: string,
    parent: string | null,
    o: StoryOptions = {},
  ): SnapshotIssue => {
    const team = TEAMS[project] ?? TEAMS.ORB!;
    const po = o.po === undefined ? [team.po] : o.po;
    const acceptance = o.acceptance ?? 'valid';
    let category = o.category ?? 'done';
    if (acceptance === 'stale-back-to-todo') category = 'new';
    const changed = PI_START + (Math.floor(rng() * 50) + 5) * DAY + Math.floor(rng() * 8) * 3_600_000;
    const type = o.type ?? pick(['story', 'story', 'story', 'enabler', 'bug', 'task'] as const);
    const ac = o.ac ?? (rng() < 0.2 ? 'description' : 'field');
    const fields: IssueInput = {
      summary,
      issuetype: ISSUE_TYPES[type].id,
      parent,
      status: statusOf(category),
      statuscategorychangedate: jiraTime(changed),
      created: created(),
      assignee: o.assignee ?? pick(devs),
      description:
        ac === 'description'
          ? adf(
              `As a customer I want ${summary.toLowerCase()}.`,
              '# Acceptance criteria',
              'The change is visible in the app and documented.',
            )
          : adf(`As a customer I want ${summary.toLowerCase()}.`),
      [FIELD_IDS.team]: team.option,
    };
    if (po !== null) fields[FIELD_IDS.productOwner] = po;
    if (ac === 'field') {
      fields[FIELD_IDS.acceptanceCriteria] = adf(
        'Given the feature flag is on',
        'When a user completes the flow',
        'Then the result is saved and shown',
      );
    }
    let record: Record<string, unknown> | undefined;
    const owner = po?.[0];
    switch (acceptance) {
      case 'valid':
        if (category === 'done' && owner !== undefined) {
          record = {
            acceptedBy: owner,
            acceptedAt: new Date(changed + DAY).toISOString(),
            statusCategory: 'done',
          };
        }
        break;
      case 'not-by-po':
        record = {
          acceptedBy: pick(devs),
          acceptedAt: new Date(changed + DAY).toISOString(),
          statusCategory: 'done',
        };
        break;
      case 'stale-reopened':
        // Accepted when done, then reopened: the status category changed after the acceptance.
        fields.status = STATUSES.inProgress!;
        record = {
          acceptedBy: owner ?? rte,
          acceptedAt: new Date(changed - 2 * DAY).toISOString(),
          statusCategory: 'done',
        };
        break;
      case 'stale-back-to-todo':
        record = {
          acceptedBy: owner ?? rte,
          acceptedAt: new Date(changed - DAY).toISOString(),
          statusCategory: 'indeterminate',
        };
        break;
      case 'early-valid':
        // Accepted while in progress: before the move to done, or after the last category change.
        record = {
          acceptedBy: owner ?? rte,
          acceptedAt: new Date(category === 'done' ? changed - DAY : changed + DAY).toISOString(),
          statusCategory: 'indeterminate',
        };
        break;
      case 'none':
        break;
    }
    const issue = b.addIssue(project, fields, record ? { 'popm.acceptance': record } : undefined);
    const subtasks = o.subtasks ?? (rng() < 0.4 ? 1 + Math.floor(rng() * 3) : 0);
    for (let i = 0; i < subtasks; i++) {
      b.addIssue(project, {
        summary: pick(['Write tests', 'Update docs', 'Code review', 'Deploy to staging', 'Design review']),
        issuetype: ISSUE_TYPES.subtask.id,
        parent: issue.key,
        status:
          category === 'done' ? STATUSES.done! : statusOf(pick(['new', 'indeterminate', 'done'] as const)),
        statuscategorychangedate: jiraTime(changed),
        created: created(),
        assignee: pick(devs),
      });
    }
    return issue;
  };

  // Portfolio.
  const portfolio = [
    epic('PORT', 'Self-service onboarding', eoDana),
    epic('PORT', 'Payments modernisation', eoSamir),
    epic('PORT', 'Partner API platform', eoDana),
    epic('PORT', 'Mobile experience refresh', eoSamir),
    epic('PORT', 'Data residency for EU customers', null), // epic-missing-owner (PORT)
  ];
  // ART-level epic, no Epic Owner: epic-missing-owner in ART.
  const runway = epic('ART', 'Architectural runway: event backbone (no Epic Owner)', null);

  const teamKeys = ['ORB', 'NEB', 'COM'] as const;
  const featureNames = [
    'Guided signup',
    'Email verification',
    'Social login',
    'Account recovery',
    'Card payments',
    'SEPA direct debit',
    'Refund workflow',
    'Invoice PDFs',
    'Partner sandbox',
    'API keys self-service',
    'Rate limit dashboard',
    'Webhooks v2',
    'Offline mode',
    'Push notifications',
    'Dark theme',
    'Accessibility audit fixes',
    'EU data store',
    'Data export',
    'Audit log',
    'Usage analytics',
    'Search relevance',
    'Saved filters',
    'Bulk edit',
    'Localisation: German',
    'Localisation: Japanese',
    'Performance budget',
    'Checkout redesign',
  ];
  const storyVerbs = [
    'Show',
    'Validate',
    'Store',
    'Send',
    'Log',
    'Cache',
    'Render',
    'Import',
    'Export',
    'Track',
    'Retry',
    'Paginate',
  ];
  const storyNouns = [
    'form errors',
    'user preferences',
    'status banner',
    'audit events',
    'receipts',
    'locale strings',
    'API responses',
    'empty states',
    'session tokens',
    'metrics',
    'help links',
    'error codes',
  ];
  const storyName = (): string => `${pick(storyVerbs)} ${pick(storyNouns)}`;
  const pms = [pmPaula, pmMarcus, pmIngrid];

  // Healthy features with their stories in the team projects.
  featureNames.forEach((name, i) => {
    const parent = (portfolio[i % 4] ?? runway).key;
    const category: StatusCategory = i % 5 === 0 ? 'done' : i % 5 === 4 ? 'new' : 'indeterminate';
    const f = feature('ART', name, parent, pms[i % pms.length] ?? pmPaula, category);
    const count = category === 'new' ? 2 + Math.floor(rng() * 3) : 6 + Math.floor(rng() * 6);
    for (let s = 0; s < count; s++) {
      const team = teamKeys[(i + s) % 3] ?? 'ORB';
      const storyCategory: StatusCategory =
        category === 'done'
          ? 'done'
          : category === 'new'
            ? 'new'
            : pick(['new', 'indeterminate', 'done', 'done'] as const);
      story(team, storyName(), f.key, {
        category: storyCategory,
        acceptance: storyCategory === 'indeterminate' && rng() < 0.15 ? 'early-valid' : 'valid',
      });
    }
  });

  // --- Every rule, on purpose, in ART. ---
  const artNoPm = feature(
    'ART',
    'Loyalty points (no Product Manager)',
    portfolio[1]!.key,
    null,
    'indeterminate',
  );
  story('ORB', 'Earn points on purchase', artNoPm.key, { category: 'indeterminate' });
  story('NEB', 'Show points balance', artNoPm.key, { category: 'done' });
  const artInactivePm = feature('ART', 'Gift cards (PM has left)', portfolio[1]!.key, pmTom, 'indeterminate');
  story('COM', 'Redeem gift card', artInactivePm.key, { category: 'indeterminate' });
  feature('ART', 'Referral programme (no stories yet)', portfolio[0]!.key, pmMarcus, 'indeterminate');
  const artDone = feature(
    'ART',
    'Two-factor authentication (done, story unaccepted)',
    portfolio[0]!.key,
    pmIngrid,
    'done',
  );
  story('ORB', 'TOTP enrolment', artDone.key, { category: 'done' });
  story('NEB', 'Recovery codes', artDone.key, { category: 'done', acceptance: 'none' });
  const artSame = feature(
    'ART',
    'Order tracking (PM is also a PO)',
    portfolio[3]!.key,
    pmPaula,
    'indeterminate',
  );
  story('COM', 'Track parcel status', artSame.key, { category: 'indeterminate', po: [pmPaula] });
  story('ORB', 'Delivery notifications', artSame.key, { category: 'new' });
  // System Team stories that live in ART itself.
  const artHost = feature('ART', 'CI pipeline hardening', runway.key, pmMarcus, 'indeterminate');
  story('ART', 'Parallelise integration tests', artHost.key, { category: 'done' });
  story('ART', 'Cache build dependencies', artHost.key, { category: 'indeterminate' });
  story('ART', 'Nightly security scan (no Product Owner)', artHost.key, { category: 'new', po: null });
  story('ART', 'Flaky test quarantine (done, never accepted)', artHost.key, {
    category: 'done',
    acceptance: 'none',
  });
  story('ART', 'Release notes generator (accepted by a developer)', artHost.key, {
    category: 'done',
    acceptance: 'not-by-po',
  });
  story('ART', 'Canary deployments (reopened after acceptance)', artHost.key, {
    acceptance: 'stale-reopened',
  });
  story('ART', 'Feature flag cleanup (back to To Do after acceptance)', artHost.key, {
    acceptance: 'stale-back-to-todo',
  });
  story('ART', 'Dependency upgrades (no feature)', null, { category: 'indeterminate' });
  story('ART', 'Observability dashboards (no acceptance criteria)', artHost.key, {
    category: 'indeterminate',
    ac: 'none',
  });
  story('ART', 'Runbook for on-call (PO has left)', artHost.key, {
    category: 'indeterminate',
    po: [poOlivia],
  });

  // --- Every rule, on purpose, in ORB (a team project). ---
  const orbEpic = epic('ORB', 'Team health improvements (no Epic Owner)', null);
  const orbNoPm = feature(
    'ORB',
    'Orbit team: release toggles (no Product Manager)',
    orbEpic.key,
    null,
    'indeterminate',
  );
  story('ORB', 'Toggle admin screen', orbNoPm.key, { category: 'indeterminate' });
  feature('ORB', 'Orbit team: tech debt sweep (no stories)', orbEpic.key, pmIngrid, 'new');
  const orbDone = feature(
    'ORB',
    'Orbit team: support tooling (done, story unaccepted)',
    orbEpic.key,
    pmMarcus,
    'done',
  );
  story('ORB', 'Impersonation for support', orbDone.key, { category: 'done' });
  story('ORB', 'Support audit trail (done, never accepted)', orbDone.key, {
    category: 'done',
    acceptance: 'none',
  });
  const orbSame = feature(
    'ORB',
    'Orbit team: onboarding checklist (PM is also a PO)',
    orbEpic.key,
    poLena,
    'indeterminate',
  );
  story('ORB', 'Checklist widget', orbSame.key, { category: 'indeterminate', po: [poLena] });
  const orbInactive = feature(
    'ORB',
    'Orbit team: in-app tours (PM has left)',
    orbEpic.key,
    pmTom,
    'indeterminate',
  );
  story('ORB', 'Tour for new admins', orbInactive.key, { category: 'new' });
  const orbHome = artSame;
  story('ORB', 'Map view of deliveries (no Product Owner)', orbHome.key, { category: 'new', po: null });
  story('ORB', 'Courier ratings (accepted by a developer)', orbHome.key, {
    category: 'done',
    acceptance: 'not-by-po',
  });
  story('ORB', 'Address autocomplete (reopened after acceptance)', orbHome.key, {
    acceptance: 'stale-reopened',
  });
  story('ORB', 'Delivery slots (back to To Do after acceptance)', orbHome.key, {
    acceptance: 'stale-back-to-todo',
  });
  story('ORB', 'Upgrade UI kit (no feature)', null, { category: 'indeterminate', type: 'task' });
  story('ORB', 'Fix time zone rounding (no acceptance criteria)', orbHome.key, {
    category: 'done',
    ac: 'none',
    type: 'bug',
  });
  story('ORB', 'Retire legacy endpoint (PO has left)', orbHome.key, {
    category: 'indeterminate',
    po: [poOlivia],
    type: 'enabler',
  });
  story('ORB', 'Accessible date picker (accepted in progress, done since)', orbHome.key, {
    category: 'done',
    acceptance: 'early-valid',
  });

  // A few defects in the other teams too, so no team looks spotless.
  story('NEB', 'Improve crash reporting (no feature)', null, { category: 'new', type: 'bug' });
  story('COM', 'Clean up feature flags (done, never accepted)', artHost.key, {
    category: 'done',
    acceptance: 'none',
  });

  // --- Decisions (rules.md, "Decisions"): rejections with reasons, criteria changed after
  // acceptance, a self-appointed acceptance, and a PO (Lena) with stories awaiting her in two projects.
  const decide = (issue: SnapshotIssue, decisions: Record<string, unknown>[]): void => {
    const last = decisions[decisions.length - 1];
    const record =
      last?.kind === 'accepted'
        ? { acceptedBy: last.by, acceptedAt: last.at, statusCategory: last.statusCategory }
        : {};
    issue.properties = { ...issue.properties, [ACCEPTANCE_PROPERTY]: { ...record, decisions } };
  };
  const after = (issue: SnapshotIssue, days: number): string =>
    new Date(Date.parse(String(issue.fields.statuscategorychangedate)) + days * DAY).toISOString();
  const carts = story('ORB', 'Saved carts (rejected by the PO)', orbHome.key, {
    category: 'done',
    acceptance: 'none',
    assignee: devs[0],
  });
  decide(carts, [
    {
      kind: 'rejected',
      by: poLena,
      at: after(carts, 1),
      statusCategory: 'done',
      reason: 'The cart is lost after logging out; the criteria say it must be kept for 30 days.',
    },
  ]);
  const search = story('NEB', 'Search suggestions (rejected, then accepted)', artHost.key, {
    category: 'done',
    acceptance: 'none',
  });
  decide(search, [
    {
      kind: 'rejected',
      by: poRaj,
      at: after(search, 1),
      statusCategory: 'done',
      reason: 'Typos find nothing.',
    },
    { kind: 'accepted', by: poRaj, at: after(search, 3), statusCategory: 'done' },
  ]);
  const refunds = story('ORB', 'Partial refunds (criteria changed after acceptance)', orbHome.key, {
    category: 'done',
    acceptance: 'none',
    ac: 'field',
  });
  decide(refunds, [
    {
      kind: 'accepted',
      by: poLena,
      at: after(refunds, 1),
      statusCategory: 'done',
      criteria: criteriaFingerprint(
        adf('Given an order', 'When a refund is asked', 'Then it is paid in full'),
        null,
      ),
    },
  ]);
  const badges = story('ORB', 'Loyalty badges (accepted by a self-appointed PO)', orbHome.key, {
    category: 'done',
    acceptance: 'none',
    po: [devs[1]!],
  });
  decide(badges, [
    { kind: 'accepted', by: devs[1], at: after(badges, 1), statusCategory: 'done', selfAppointed: true },
  ]);
  story('NEB', 'Shared wish lists (awaiting Lena, PO in two teams)', artHost.key, {
    category: 'done',
    acceptance: 'none',
    po: [poLena],
  });
  story('NEB', 'Wish list sharing by link (awaiting Lena)', artHost.key, {
    category: 'indeterminate',
    acceptance: 'none',
    po: [poLena],
  });

  const site = b.build({
    baseUrl: 'https://popm-sample.atlassian.net',
    admins: [rte],
    issueTypes: Object.values(ISSUE_TYPES),
    fields: [...STANDARD_FIELDS, SAMPLE_SPRINT_FIELD],
  });
  planIterations(site);
  return site;
}

/** Jira Software's Sprint field, as GET /field describes it (found by its type, rules.md). */
export const SAMPLE_SPRINT_FIELD = {
  id: 'customfield_10020',
  name: 'Sprint',
  schema: { type: 'array', items: 'json', custom: SPRINT_FIELD_TYPE, customId: 10020 },
};

const sprint = (id: number, name: string, state: SprintState, boardId: number): SprintRef => ({
  id,
  name,
  state,
  boardId,
});
/** Two teams' sprints: ORB on board 4 and NEB on board 5, each with closed, active and future ones. */
export const SAMPLE_SPRINTS = {
  ORB: [
    sprint(11, 'ORB Sprint 1', 'closed', 4),
    sprint(12, 'ORB Sprint 2', 'closed', 4),
    sprint(13, 'ORB Sprint 3', 'active', 4),
    sprint(14, 'ORB Sprint 4', 'future', 4),
  ],
  NEB: [
    sprint(21, 'NEB Sprint 1', 'closed', 5),
    sprint(22, 'NEB Sprint 2', 'closed', 5),
    sprint(23, 'NEB Sprint 3', 'active', 5),
    sprint(24, 'NEB Sprint 4', 'future', 5),
  ],
} as const;
export const SAMPLE_VERSIONS = [
  { id: '10200', name: 'PI 2026.4', released: false },
  { id: '10201', name: 'PI 2027.1', released: false },
] as const;

/**
 * Puts the team projects' stories in sprints and fix versions, by position and status so the
 * sample stays deterministic: done stories in the closed sprints, started ones in the active
 * sprint (every third carried over from the sprint before, so it is in both), new ones in the
 * future sprint or the backlog; every other story in PI 2026.4, some in PI 2027.1.
 */
function planIterations(site: Snapshot): void {
  const teamTypes = new Set(
    Object.values(ISSUE_TYPES)
      .filter((t) => t.hierarchyLevel === 0 && !t.subtask)
      .map((t) => t.id),
  );
  for (const [project, sprints] of Object.entries(SAMPLE_SPRINTS)) {
    const [first, second, active, future] = sprints;
    const stories = site.issues.filter(
      (i) => i.fields.project === project && teamTypes.has(i.fields.issuetype),
    );
    stories.forEach((issue, n) => {
      const category = issue.fields.status.category;
      const inSprints: SprintRef[] =
        category === 'done'
          ? [n % 2 === 0 ? first : second]
          : category === 'indeterminate'
            ? n % 3 === 0
              ? [second, active]
              : [active]
            : n % 2 === 0
              ? [future]
              : [];
      if (inSprints.length > 0) issue.fields[SAMPLE_SPRINT_FIELD.id] = inSprints.map((x) => ({ ...x }));
      const version = n % 2 === 0 ? SAMPLE_VERSIONS[0] : n % 5 === 1 ? SAMPLE_VERSIONS[1] : undefined;
      if (version) issue.fields.fixVersions = [{ ...version }];
    });
  }
}
