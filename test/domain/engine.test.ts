import { parseConfig } from '../../src/domain/config';
import { evaluate, type EvaluateOptions } from '../../src/domain/engine';
import type { AuditResult, RuleId, SiteData } from '../../src/domain/types';
import {
  FIELD,
  accepted,
  doc,
  epic,
  feature,
  heading,
  para,
  site,
  story,
  subtask,
  type IssueSpec,
} from './builders';

const AFTER = '2026-03-01T09:00:00.000+0000';

function audit(
  specs: IssueSpec[] | SiteData,
  project: string,
  configInput: Record<string, unknown> = {},
  options?: EvaluateOptions,
): AuditResult {
  const data = Array.isArray(specs) ? site(specs) : specs;
  return evaluate(data, parseConfig({ version: 1, ...configInput }), project, options);
}

const rulesOf = (r: AuditResult, key: string): RuleId[] =>
  r.findings.filter((f) => f.issueKey === key).map((f) => f.rule);
const finding = (r: AuditResult, key: string, rule: RuleId) =>
  r.findings.find((f) => f.issueKey === key && f.rule === rule);
const issue = (r: AuditResult, key: string) => {
  const found = r.issues.find((i) => i.key === key);
  if (!found) throw new Error(`no evaluated issue ${key}`);
  return found;
};

/** A healthy train: epic PORT-1 > feature ART-1 > stories ART-10 (done, accepted), ART-11 (new). */
const healthy = (): IssueSpec[] => [
  epic('PORT-1'),
  feature('ART-1', { parent: 'PORT-1' }),
  story('ART-10', { parent: 'ART-1', status: 'done', acceptance: accepted('u-po1') }),
  story('ART-11', { parent: 'ART-1' }),
];

describe('evaluate: who accepted, by name', () => {
  it('names the acceptor from the site directory even when no user field holds them', () => {
    const r = audit(
      site([
        feature('ART-1'),
        story('ART-10', { parent: 'ART-1', status: 'done', acceptance: accepted('u-dev1') }),
        story('ART-11', { parent: 'ART-1', status: 'done', acceptance: accepted('u-stranger') }),
        story('ART-12', { parent: 'ART-1', status: 'done', acceptance: accepted('u-po1') }),
      ]),
      'ART',
    );
    expect(issue(r, 'ART-10').acceptedByName).toBe('Dana Dev');
    expect(issue(r, 'ART-11').acceptedByName).toBeNull();
    expect(issue(r, 'ART-12').acceptedByName).toBe('Olga Owens');
    expect(issue(r, 'ART-1').acceptedByName).toBeNull();
  });
});

describe('evaluate: a healthy site', () => {
  it('has no findings and full coverage', () => {
    const r = audit(healthy(), 'ART');
    expect(r.findings).toEqual([]);
    expect(r.coverage).toEqual({ featuresWithPm: 1, doneStoriesAccepted: 1 });
    expect(r.issueCount).toBe(3);
    expect(issue(r, 'ART-10')).toMatchObject({
      level: 'team',
      ownerSource: 'field',
      acceptanceValid: true,
      acceptanceStale: false,
      inScope: true,
      parentKey: 'ART-1',
      status: { name: 'Done', category: 'done' },
    });
    expect(issue(r, 'PORT-1').inScope).toBe(false);
  });

  it('orders issues parents before children', () => {
    const r = audit(
      [story('ART-11', { parent: 'ART-1' }), feature('ART-1', { parent: 'PORT-1' }), epic('PORT-1')],
      'ART',
    );
    expect(r.issues.map((i) => i.key)).toEqual(['PORT-1', 'ART-1', 'ART-11']);
  });
});

describe('owner rules', () => {
  it('feature-missing-pm names the feature', () => {
    const r = audit([feature('ART-3', { pm: null }), story('ART-4', { parent: 'ART-3' })], 'ART');
    expect(finding(r, 'ART-3', 'feature-missing-pm')).toEqual({
      rule: 'feature-missing-pm',
      severity: 'error',
      issueKey: 'ART-3',
      message: 'Feature ART-3 has no Product Manager',
    });
  });

  it('epic-missing-owner and story-missing-po', () => {
    const r = audit(
      [
        epic('ART-1', { epicOwner: null }),
        feature('ART-2', { parent: 'ART-1' }),
        story('ART-3', { parent: 'ART-2', po: null }),
      ],
      'ART',
    );
    expect(finding(r, 'ART-1', 'epic-missing-owner')?.severity).toBe('warning');
    expect(finding(r, 'ART-3', 'story-missing-po')).toMatchObject({
      severity: 'warning',
      message: 'Story ART-3 has no Product Owner',
    });
    expect(rulesOf(r, 'ART-2')).toEqual([]);
  });

  it('team and project fallbacks satisfy the owner rules', () => {
    const r = audit(
      [
        feature('ART-1', { pm: null }),
        story('ART-2', { parent: 'ART-1', po: null, team: { id: 'team-1', name: 'Rockets' } }),
        story('ART-3', { parent: 'ART-1', po: null }),
      ],
      'ART',
      {
        teamField: FIELD.team,
        roles: { program: { projectDefaults: { ART: 'u-pm2' } }, team: { teamOwners: { Rockets: 'u-po2' } } },
      },
    );
    expect(rulesOf(r, 'ART-1')).toEqual([]);
    expect(issue(r, 'ART-1')).toMatchObject({
      ownerSource: 'project',
      owners: [{ accountId: 'u-pm2', displayName: 'Piotr Marek' }],
    });
    expect(issue(r, 'ART-2')).toMatchObject({ ownerSource: 'team', owners: [{ accountId: 'u-po2' }] });
    expect(rulesOf(r, 'ART-3')).toEqual(['story-missing-po']);
  });

  it('owner-inactive: one finding per issue naming every inactive owner; inactive owners still count', () => {
    const r = audit(
      [
        feature('ART-1', { pm: 'u-idle' }),
        story('ART-5', { parent: 'ART-1' }),
        feature('ART-3'),
        story('ART-2', { parent: 'ART-3', po: ['u-po1', 'u-idle'] }),
      ],
      'ART',
    );
    expect(rulesOf(r, 'ART-1')).toEqual(['owner-inactive']);
    expect(finding(r, 'ART-1', 'owner-inactive')?.message).toBe(
      'Feature ART-1: its Product Manager Ivan Idle is inactive',
    );
    expect(rulesOf(r, 'ART-2')).toEqual(['owner-inactive']);
  });

  it('owner-inactive from a fallback account known to the site', () => {
    const r = audit([epic('PORT-1', { epicOwner: null })], 'PORT', {
      roles: { portfolio: { projectDefaults: { PORT: 'u-idle' } } },
    });
    expect(rulesOf(r, 'PORT-1')).toEqual(['owner-inactive']);
  });
});

describe('acceptance rules', () => {
  const under = (s: IssueSpec): IssueSpec[] => [feature('ART-1'), { ...s, parent: 'ART-1' }];

  it.each([
    ['new', []],
    ['indeterminate', ['story-missing-po-acceptance']],
    ['done', ['story-missing-po-acceptance']],
  ] as const)('story-missing-po-acceptance for a %s story without a record', (status, rules) => {
    const r = audit(under(story('ART-2', { status })), 'ART');
    expect(rulesOf(r, 'ART-2')).toEqual(rules);
  });

  it('is an error when done and info when in progress', () => {
    const done = audit(under(story('ART-2', { status: 'done' })), 'ART');
    expect(finding(done, 'ART-2', 'story-missing-po-acceptance')).toMatchObject({
      severity: 'error',
      message: 'Story ART-2 is done but has not been accepted by its Product Owner (Olga Owens)',
    });
    const wip = audit(under(story('ART-2', { status: 'indeterminate' })), 'ART');
    expect(finding(wip, 'ART-2', 'story-missing-po-acceptance')?.severity).toBe('info');
  });

  it('treats a malformed property as no record and says so', () => {
    const r = audit(under(story('ART-2', { status: 'done', acceptance: { acceptedBy: 'u-po1' } })), 'ART');
    expect(finding(r, 'ART-2', 'story-missing-po-acceptance')?.message).toMatch(/malformed.*acceptedAt/);
    expect(issue(r, 'ART-2').acceptance).toBeNull();
  });

  it('acceptance-not-by-po when someone else accepted', () => {
    const r = audit(under(story('ART-2', { status: 'done', acceptance: accepted('u-dev1') })), 'ART');
    expect(rulesOf(r, 'ART-2')).toEqual(['acceptance-not-by-po']);
    expect(finding(r, 'ART-2', 'acceptance-not-by-po')?.message).toBe(
      'Story ART-2 was accepted by Dana Dev, who is neither its Product Owner (Olga Owens) nor a delegate',
    );
  });

  it('accepts any owner of a multi user picker, an owner delegate and a project delegate', () => {
    const specs = [
      feature('ART-1'),
      story('ART-2', {
        parent: 'ART-1',
        po: ['u-po1', 'u-po2'],
        status: 'done',
        acceptance: accepted('u-po2'),
      }),
      story('ART-3', { parent: 'ART-1', status: 'done', acceptance: accepted('u-del1') }),
      story('ART-4', { parent: 'ART-1', status: 'done', acceptance: accepted('u-dev1') }),
    ];
    const plain = audit(specs, 'ART');
    expect(rulesOf(plain, 'ART-2')).toEqual([]);
    expect(rulesOf(plain, 'ART-3')).toEqual(['acceptance-not-by-po']);
    const delegated = audit(specs, 'ART', {
      delegates: { 'u-po1': ['u-del1'] },
      projects: { ART: { delegates: ['u-dev1'] } },
    });
    expect(delegated.findings.filter((f) => f.rule === 'acceptance-not-by-po')).toEqual([]);
    expect(delegated.coverage.doneStoriesAccepted).toBe(1);
  });

  it('an inactive owner can still have accepted validly', () => {
    const r = audit(
      under(story('ART-2', { po: 'u-idle', status: 'done', acceptance: accepted('u-idle') })),
      'ART',
    );
    expect(rulesOf(r, 'ART-2')).toEqual(['owner-inactive']);
    expect(issue(r, 'ART-2').acceptanceValid).toBe(true);
  });

  it('no acceptance-not-by-po when the story has no owner (story-missing-po says it)', () => {
    const r = audit(
      under(story('ART-2', { po: null, status: 'done', acceptance: accepted('u-dev1') })),
      'ART',
    );
    expect(rulesOf(r, 'ART-2')).toEqual(['story-missing-po']);
    expect(issue(r, 'ART-2').acceptanceValid).toBe(false);
  });

  it('acceptance-stale both ways', () => {
    const reopened = audit(
      under(
        story('ART-2', {
          status: 'indeterminate',
          changedAt: AFTER,
          acceptance: accepted('u-po1', undefined, 'done'),
        }),
      ),
      'ART',
    );
    expect(rulesOf(reopened, 'ART-2')).toEqual(['acceptance-stale']);
    expect(finding(reopened, 'ART-2', 'acceptance-stale')?.message).toBe(
      'Story ART-2 was accepted by Olga Owens on 2026-02-01, but its status has changed since (now In Progress); it needs accepting again',
    );
    const doneAgain = audit(
      under(story('ART-2', { status: 'done', changedAt: AFTER, acceptance: accepted('u-po1') })),
      'ART',
    );
    expect(rulesOf(doneAgain, 'ART-2')).toEqual(['acceptance-stale']);
    expect(issue(doneAgain, 'ART-2').acceptanceStale).toBe(true);
    const normalFlow = audit(
      under(
        story('ART-2', {
          status: 'done',
          changedAt: AFTER,
          acceptance: accepted('u-po1', undefined, 'indeterminate'),
        }),
      ),
      'ART',
    );
    expect(rulesOf(normalFlow, 'ART-2')).toEqual([]);
  });

  it('at most one acceptance rule per story: not-by-po wins over stale, and a disabled rule lets the next speak', () => {
    const s = under(story('ART-2', { status: 'done', changedAt: AFTER, acceptance: accepted('u-dev1') }));
    expect(rulesOf(audit(s, 'ART'), 'ART-2')).toEqual(['acceptance-not-by-po']);
    expect(
      rulesOf(audit(s, 'ART', { rules: { 'acceptance-not-by-po': { enabled: false } } }), 'ART-2'),
    ).toEqual(['acceptance-stale']);
  });

  it('uses acceptanceOf before the property; undefined falls back to the property', () => {
    const specs = under(story('ART-2', { status: 'done', acceptance: accepted('u-po1') }));
    expect(rulesOf(audit(specs, 'ART', {}, { acceptanceOf: () => null }), 'ART-2')).toEqual([
      'story-missing-po-acceptance',
    ]);
    expect(rulesOf(audit(specs, 'ART', {}, { acceptanceOf: () => undefined }), 'ART-2')).toEqual([]);
    expect(rulesOf(audit(specs, 'ART', {}, { acceptanceOf: () => accepted('u-dev1') }), 'ART-2')).toEqual([
      'acceptance-not-by-po',
    ]);
  });
});

describe('hierarchy rules', () => {
  it('feature-done-with-unaccepted-stories lists the stories, across projects', () => {
    const r = audit(
      [
        feature('ART-1', { status: 'done' }),
        story('ORB-1', { parent: 'ART-1', status: 'done', acceptance: accepted() }),
        story('ORB-2', { parent: 'ART-1', status: 'done' }),
        story('NOV-1', { parent: 'ART-1', status: 'done', acceptance: accepted('u-dev1') }),
      ],
      'ART',
    );
    expect(finding(r, 'ART-1', 'feature-done-with-unaccepted-stories')?.message).toBe(
      'Feature ART-1 is done but 2 of its 3 stories have no valid acceptance: NOV-1, ORB-2',
    );
    // Stories of other projects are context: no findings of their own.
    expect(r.findings.map((f) => f.issueKey)).toEqual(['ART-1']);
  });

  it('feature-done-with-unaccepted-stories does not fire when every story is accepted or the feature is not done', () => {
    const ok = audit(
      [
        feature('ART-1', { status: 'done' }),
        story('ORB-1', { parent: 'ART-1', status: 'done', acceptance: accepted() }),
      ],
      'ART',
    );
    expect(ok.findings).toEqual([]);
    const open = audit(
      [feature('ART-1', { status: 'indeterminate' }), story('ORB-1', { parent: 'ART-1', status: 'done' })],
      'ART',
    );
    expect(rulesOf(open, 'ART-1')).toEqual([]);
  });

  it('story owners come from the story own project configuration', () => {
    const r = audit(
      [
        feature('ART-1', { status: 'done' }),
        story('ORB-1', { parent: 'ART-1', po: null, status: 'done', acceptance: accepted('u-po2') }),
      ],
      'ART',
      { projects: { ORB: { roles: { team: { projectDefaults: { ORB: 'u-po2' } } } } } },
    );
    expect(r.findings).toEqual([]);
  });

  it('story-without-feature: no parent, an epic parent, a missing parent', () => {
    const r = audit(
      [
        epic('ART-1'),
        story('ART-2'),
        story('ART-3', { parent: 'ART-1' }),
        story('ART-4', { parent: 'GONE-9' }),
        feature('ART-5', { parent: 'ART-1' }),
        story('ART-6', { parent: 'ART-5' }),
      ],
      'ART',
    );
    expect(finding(r, 'ART-2', 'story-without-feature')?.message).toBe(
      'Story ART-2 has no feature above it (it has no parent)',
    );
    expect(rulesOf(r, 'ART-3')).toEqual(['story-without-feature']);
    expect(finding(r, 'ART-4', 'story-without-feature')?.message).toMatch(/parent GONE-9 could not be read/);
    expect(rulesOf(r, 'ART-6')).toEqual([]);
  });

  it('feature-without-stories counts stories in any project, not sub-tasks', () => {
    const r = audit(
      [
        feature('ART-1'),
        feature('ART-2'),
        story('ORB-1', { parent: 'ART-2' }),
        feature('ART-3'),
        subtask('ART-4', 'ART-3'),
      ],
      'ART',
    );
    expect(finding(r, 'ART-1', 'feature-without-stories')).toMatchObject({
      severity: 'info',
      message: 'Feature ART-1 has no stories',
    });
    expect(rulesOf(r, 'ART-2')).toEqual([]);
    expect(rulesOf(r, 'ART-3')).toEqual(['feature-without-stories']);
  });

  it('pm-po-same-person names the person and the story', () => {
    const r = audit(
      [
        feature('ART-1', { pm: 'u-pm1' }),
        story('ORB-1', { parent: 'ART-1', po: ['u-po1', 'u-pm1'] }),
        story('ORB-2', { parent: 'ART-1', po: 'u-pm1' }),
      ],
      'ART',
    );
    expect(finding(r, 'ART-1', 'pm-po-same-person')).toMatchObject({
      severity: 'info',
      message:
        'Feature ART-1: Paula Pham is both its Product Manager and the Product Owner of ORB-1 and 1 more story below it',
    });
    expect(rulesOf(audit(healthy(), 'ART'), 'ART-1')).toEqual([]);
  });

  it('story-missing-acceptance-criteria for started stories only, field or description', () => {
    const r = audit(
      [
        feature('ART-1'),
        story('ART-2', { parent: 'ART-1', status: 'indeterminate', ac: null }),
        story('ART-3', { parent: 'ART-1', status: 'new', ac: null }),
        story('ART-4', {
          parent: 'ART-1',
          status: 'indeterminate',
          ac: null,
          description: doc(heading('Acceptance criteria'), para('works')),
        }),
        story('ART-5', { parent: 'ART-1', status: 'indeterminate', ac: 'plain text criteria' }),
      ],
      'ART',
      { rules: { 'story-missing-po-acceptance': { enabled: false } } },
    );
    expect(finding(r, 'ART-2', 'story-missing-acceptance-criteria')).toMatchObject({
      severity: 'warning',
      message: 'Story ART-2 is in progress but has no acceptance criteria',
    });
    expect(rulesOf(r, 'ART-3')).toEqual([]);
    expect(rulesOf(r, 'ART-4')).toEqual([]);
    expect(rulesOf(r, 'ART-5')).toEqual([]);
  });

  it('sub-tasks get no findings', () => {
    const r = audit(
      [feature('ART-1'), story('ART-2', { parent: 'ART-1' }), subtask('ART-3', 'ART-2', { status: 'done' })],
      'ART',
    );
    expect(issue(r, 'ART-3')).toMatchObject({
      level: 'subtask',
      findings: [],
      owners: [],
      ownerSource: null,
    });
    expect(r.findings).toEqual([]);
  });
});

describe('levels', () => {
  it('explicit mapping: Epic as the program level', () => {
    const specs = [
      epic('ART-1', { type: 'epic', epicOwner: null, pm: null }),
      story('ART-2', { parent: 'ART-1' }),
    ];
    // Jira's Epic is hierarchyLevel 1: a feature by default...
    expect(rulesOf(audit(specs, 'ART'), 'ART-1')).toEqual(['feature-missing-pm']);
    // ...and a portfolio epic when mapped so (then the story has no feature above it).
    const mapped = audit(specs, 'ART', { levels: { epic: 'portfolio' } });
    expect(rulesOf(mapped, 'ART-1')).toEqual(['epic-missing-owner']);
    expect(rulesOf(mapped, 'ART-2')).toEqual(['story-without-feature']);
  });

  it('reads the level from the issue embedded type when the site list lacks it', () => {
    const data = site([feature('ART-1', { pm: null })]);
    data.issueTypes = [];
    expect(rulesOf(evaluate(data, parseConfig({ version: 1 }), 'ART'), 'ART-1')).toContain(
      'feature-missing-pm',
    );
  });
});

describe('scope', () => {
  it('reports only the audited project issues; others are context', () => {
    const specs = [
      epic('PORT-1', { epicOwner: null }),
      feature('ART-1', { parent: 'PORT-1', pm: null }),
      story('ORB-1', { parent: 'ART-1', po: null }),
    ];
    expect(audit(specs, 'ART').findings.map((f) => f.rule)).toEqual(['feature-missing-pm']);
    expect(audit(specs, 'ORB').findings.map((f) => f.rule)).toEqual(['story-missing-po']);
    expect(audit(specs, 'PORT').findings.map((f) => f.rule)).toEqual(['epic-missing-owner']);
    expect(audit(specs, 'ART').issueCount).toBe(1);
  });

  it('cross-project chains find the feature', () => {
    const r = audit(
      [epic('PORT-1'), feature('ART-1', { parent: 'PORT-1' }), story('ORB-1', { parent: 'ART-1' })],
      'ORB',
    );
    expect(r.findings).toEqual([]);
  });
});

describe('cycles', () => {
  it('a parent loop is a broken chain and does not hang', () => {
    const r = audit(
      [
        feature('ART-1', { parent: 'ART-2' }),
        story('ART-2', { parent: 'ART-3' }),
        story('ART-3', { parent: 'ART-1' }),
        story('ART-4', { parent: 'ART-4' }),
        story('ART-5', { parent: 'ART-1' }),
      ],
      'ART',
    );
    expect(finding(r, 'ART-2', 'story-without-feature')?.message).toMatch(/loops/);
    expect(rulesOf(r, 'ART-3')).toEqual(['story-without-feature']);
    expect(rulesOf(r, 'ART-4')).toEqual(['story-without-feature']);
    // Hanging off the loop is fine: ART-5 still sees its feature.
    expect(rulesOf(r, 'ART-5')).toEqual([]);
    expect(r.issues).toHaveLength(5);
  });
});

describe('configuration', () => {
  const specs = [feature('ART-1', { pm: null }), story('ART-2', { parent: 'ART-1', status: 'done' })];

  it('switches rules off globally and per project', () => {
    expect(
      rulesOf(audit(specs, 'ART', { rules: { 'feature-missing-pm': { enabled: false } } }), 'ART-1'),
    ).toEqual([]);
    const perProject = audit(specs, 'ART', {
      projects: { ART: { rules: { 'feature-missing-pm': { enabled: false } } } },
    });
    expect(rulesOf(perProject, 'ART-1')).toEqual([]);
    const otherProject = audit(specs, 'ART', {
      projects: { ORB: { rules: { 'feature-missing-pm': { enabled: false } } } },
    });
    expect(rulesOf(otherProject, 'ART-1')).toEqual(['feature-missing-pm']);
  });

  it('overrides severities; a project severity keeps the site switch', () => {
    const r = audit(specs, 'ART', { rules: { 'feature-missing-pm': { severity: 'info' } } });
    expect(finding(r, 'ART-1', 'feature-missing-pm')?.severity).toBe('info');
    const off = audit(specs, 'ART', {
      rules: { 'feature-missing-pm': { enabled: false } },
      projects: { ART: { rules: { 'feature-missing-pm': { severity: 'warning' } } } },
    });
    expect(rulesOf(off, 'ART-1')).toEqual([]);
    const on = audit(specs, 'ART', {
      rules: { 'feature-missing-pm': { enabled: false } },
      projects: { ART: { rules: { 'feature-missing-pm': { enabled: true, severity: 'warning' } } } },
    });
    expect(finding(on, 'ART-1', 'feature-missing-pm')?.severity).toBe('warning');
  });

  it('a story-missing-po-acceptance override sets the done severity; in progress stays info', () => {
    const cfg = { rules: { 'story-missing-po-acceptance': { severity: 'warning' } } };
    expect(finding(audit(specs, 'ART', cfg), 'ART-2', 'story-missing-po-acceptance')?.severity).toBe(
      'warning',
    );
    const wip = [feature('ART-1'), story('ART-2', { parent: 'ART-1', status: 'indeterminate' })];
    expect(finding(audit(wip, 'ART', cfg), 'ART-2', 'story-missing-po-acceptance')?.severity).toBe('info');
  });

  it('project role overrides apply to that project issues only', () => {
    const data = [feature('ART-1', { pm: null }), feature('NOV-1', { pm: null })];
    const cfg = { projects: { ART: { roles: { program: { projectDefaults: { ART: 'u-pm2' } } } } } };
    expect(rulesOf(audit(data, 'ART', cfg), 'ART-1')).toEqual(['feature-without-stories']);
    expect(rulesOf(audit(data, 'NOV', cfg), 'NOV-1')).toEqual([
      'feature-missing-pm',
      'feature-without-stories',
    ]);
  });
});

describe('coverage, counts and roll-ups', () => {
  it('coverage is null when the project has no features or no done stories', () => {
    expect(audit([story('ORB-1')], 'ORB').coverage).toEqual({
      featuresWithPm: null,
      doneStoriesAccepted: null,
    });
    expect(audit([], 'ART').coverage).toEqual({ featuresWithPm: null, doneStoriesAccepted: null });
  });

  it('coverage counts in-scope issues only', () => {
    const r = audit(
      [
        feature('ART-1'),
        feature('ART-2', { pm: null }),
        feature('NOV-1', { pm: null }),
        story('ART-3', { parent: 'ART-1', status: 'done', acceptance: accepted() }),
        story('ART-4', { parent: 'ART-1', status: 'done' }),
        story('ART-5', { parent: 'ART-2', status: 'done', changedAt: AFTER, acceptance: accepted() }),
        story('ORB-1', { parent: 'ART-1', status: 'done' }),
      ],
      'ART',
    );
    expect(r.coverage).toEqual({ featuresWithPm: 1 / 2, doneStoriesAccepted: 1 / 3 });
  });

  it('sorts findings by project, issue number, then catalog order, and counts by rule', () => {
    const r = audit(
      [
        feature('ART-10', { pm: null }),
        feature('ART-9', { pm: 'u-idle' }),
        story('ART-2', { status: 'done', po: null, ac: null }),
        story('AAA-1', { po: null }),
      ],
      'ART',
    );
    expect(r.findings.map((f) => `${f.issueKey} ${f.rule}`)).toEqual([
      'ART-2 story-missing-po',
      'ART-2 story-missing-po-acceptance',
      'ART-2 story-without-feature',
      'ART-2 story-missing-acceptance-criteria',
      'ART-9 feature-without-stories',
      'ART-9 owner-inactive',
      'ART-10 feature-missing-pm',
      'ART-10 feature-without-stories',
    ]);
    expect(r.countsByRule).toEqual({
      'story-missing-po': 1,
      'story-missing-po-acceptance': 1,
      'story-without-feature': 1,
      'story-missing-acceptance-criteria': 1,
      'feature-without-stories': 2,
      'owner-inactive': 1,
      'feature-missing-pm': 1,
    });
  });

  it('rolls findings of in-scope issues up to every ancestor, through context issues', () => {
    const r = audit(
      [
        epic('PORT-1'),
        feature('ART-1', { parent: 'PORT-1', pm: null }),
        story('ART-2', { parent: 'ART-1', po: null }),
        story('ART-3', { parent: 'ART-1', po: null }),
        subtask('ART-4', 'ART-2'),
        story('ORB-1', { parent: 'ART-1', po: null }),
      ],
      'ART',
    );
    expect(issue(r, 'PORT-1').belowCounts).toEqual({ 'feature-missing-pm': 1, 'story-missing-po': 2 });
    expect(issue(r, 'ART-1').belowCounts).toEqual({ 'story-missing-po': 2 });
    expect(issue(r, 'ART-2').belowCounts).toEqual({});
  });
});
