import { DEFAULT_CONFIG } from '../../src/domain/config';
import { evaluate } from '../../src/domain/engine';
import {
  resolveSprints,
  scopeAudit,
  scopeChoices,
  sprintsOf,
  storiesInScope,
  UnknownScopeError,
  versionsOf,
  type SprintRef,
} from '../../src/domain/scope';
import type { FieldInfo } from '../../src/domain/types';
import { epic, feature, FIELDS, site, story } from './builders';

const SPRINT_FIELD: FieldInfo = {
  id: 'customfield_10020',
  name: 'Sprint',
  schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
};
const s = (id: number, name: string, state: SprintRef['state']): SprintRef => ({ id, name, state });
const OLD = s(5, 'Sprint 5', 'closed');
const NOW = s(6, 'Sprint 6', 'active');
const DIGITS = s(7, '5', 'future');
const inSprints = (...sprints: SprintRef[]) => ({ fields: { [SPRINT_FIELD.id]: sprints } });

describe('reading the Sprint field and fixVersions', () => {
  it("reads Jira's shapes and skips what is malformed", () => {
    expect(
      sprintsOf([
        { id: 12, name: 'ORB Sprint 3', state: 'ACTIVE', boardId: 4, goal: 'ship' },
        { id: '13', name: 'ORB Sprint 4', state: 'future' },
        { id: 0, name: 'zero', state: 'closed' },
        { id: 14, name: '', state: 'closed' },
        { id: 15, name: 'odd state', state: 'paused' },
        'ORB Sprint 9',
      ]),
    ).toEqual([
      { id: 12, name: 'ORB Sprint 3', state: 'active', boardId: 4 },
      { id: 13, name: 'ORB Sprint 4', state: 'future' },
    ]);
    expect(sprintsOf(null)).toEqual([]);
    expect(versionsOf([{ id: '10200', name: 'PI 2026.4', released: false, self: 'x' }, { id: 1 }])).toEqual([
      { id: '10200', name: 'PI 2026.4', released: false },
    ]);
  });
});

describe('resolving a sprint', () => {
  const known = [OLD, NOW, DIGITS];
  it('by id, by exact name, and active', () => {
    expect([...resolveSprints({ kind: 'sprint', sprint: '6' }, known)]).toEqual([6]);
    expect([...resolveSprints({ kind: 'sprint', sprint: 'Sprint 5' }, known)]).toEqual([5]);
    expect([...resolveSprints({ kind: 'sprint', sprint: 'active' }, known)]).toEqual([6]);
  });
  it('an id wins over an all-digit name; the name is used when no sprint has that id', () => {
    expect([...resolveSprints({ kind: 'sprint', sprint: '5' }, known)]).toEqual([5]);
    expect([...resolveSprints({ kind: 'sprint', sprint: '5' }, [NOW, DIGITS])]).toEqual([7]);
  });
  it('names are exact: case and near misses are unknown, and the error lists what exists', () => {
    expect(() => resolveSprints({ kind: 'sprint', sprint: 'sprint 5' }, known)).toThrow(UnknownScopeError);
    expect(() => resolveSprints({ kind: 'sprint', sprint: 'active' }, [OLD])).toThrow(/active sprint/);
    const error = (() => {
      try {
        resolveSprints({ kind: 'sprint', sprint: '99' }, known);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownScopeError);
    expect((error as UnknownScopeError).known).toEqual(['5 Sprint 5', '6 Sprint 6', '7 5']);
  });
  it('offers sprints newest first and versions by name', () => {
    const choices = scopeChoices([
      { key: 'A-1', sprints: [OLD], fixVersions: ['PI 2'] },
      { key: 'A-2', sprints: [NOW, OLD], fixVersions: ['PI 1'] },
    ]);
    expect(choices.sprints.map((x) => x.id)).toEqual([6, 5]);
    expect(choices.versions).toEqual(['PI 1', 'PI 2']);
    expect([
      ...storiesInScope([{ key: 'A-2', sprints: [NOW, OLD], fixVersions: [] }], {
        kind: 'sprint',
        sprint: 5,
      }),
    ]).toEqual(['A-2']);
  });
});

describe('scopeAudit', () => {
  // Feature ART-2 lives in another project (context); ORB-2's feature ORB-10 is done with an
  // unaccepted story outside the sprint: the rule still sees it (rules are not re-evaluated).
  const data = site(
    [
      epic('ORB-1', { epicOwner: null }),
      feature('ORB-10', { parent: 'ORB-1', status: 'done' }),
      story('ORB-2', {
        parent: 'ORB-10',
        status: 'done',
        acceptance: { acceptedBy: 'u-po1', acceptedAt: '2026-02-01T10:00:00.000Z' },
        ...inSprints(NOW),
      }),
      story('ORB-3', { parent: 'ORB-10', status: 'done', ...inSprints(OLD) }),
      feature('ART-2', { pm: null }),
      story('ORB-4', { parent: 'ART-2', po: null, ...inSprints(OLD, NOW) }),
      story('ORB-5', { parent: 'ORB-10', po: null, fields: { fixVersions: [{ id: '1', name: 'PI 1' }] } }),
    ],
    { fields: [...FIELDS, SPRINT_FIELD] },
  );
  const full = evaluate(data, DEFAULT_CONFIG, 'ORB');
  const scoped = (sprint: number | string) =>
    scopeAudit(full, data.issues, data.fields, { kind: 'sprint', sprint });

  it('keeps the stories in the sprint, their features and epics, and the rules as they were', () => {
    const r = scoped('active');
    const keys = r.issues.filter((i) => i.inScope).map((i) => i.key);
    expect(keys.sort()).toEqual(['ORB-1', 'ORB-10', 'ORB-2', 'ORB-4']);
    expect(r.findings.map((f) => `${f.issueKey} ${f.rule}`)).toEqual([
      'ORB-1 epic-missing-owner',
      'ORB-4 story-missing-po',
      'ORB-10 feature-done-with-unaccepted-stories',
    ]);
    expect(r.coverage).toEqual({ featuresWithPm: 1, doneStoriesAccepted: 1 });
    expect(r.issueCount).toBe(4);
    expect(r.countsByRule).toEqual({
      'epic-missing-owner': 1,
      'story-missing-po': 1,
      'feature-done-with-unaccepted-stories': 1,
    });
  });

  it('rolls up only in-scope findings and clears findings outside the scope', () => {
    const r = scoped(5);
    const byKey = new Map(r.issues.map((i) => [i.key, i]));
    expect(byKey.get('ORB-10')?.belowCounts).toEqual({ 'story-missing-po-acceptance': 1 });
    expect(full.issues.find((i) => i.key === 'ORB-10')?.belowCounts).toEqual({
      'story-missing-po-acceptance': 1,
      'story-missing-po': 1,
    });
    expect(byKey.get('ORB-5')?.findings).toEqual([]);
    expect(r.coverage.doneStoriesAccepted).toBe(0);
  });

  it('a fix version selects by exact name', () => {
    const r = scopeAudit(full, data.issues, data.fields, { kind: 'fixVersion', name: 'PI 1' });
    expect(r.findings.map((f) => f.issueKey)).toEqual(['ORB-1', 'ORB-5', 'ORB-10']);
    expect(() => scopeAudit(full, data.issues, data.fields, { kind: 'fixVersion', name: 'pi 1' })).toThrow(
      UnknownScopeError,
    );
  });
});
