import fc from 'fast-check';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { evaluate } from '../../src/domain/engine';
import { RULE_IDS, type RuleId } from '../../src/domain/types';
import { accepted, epic, feature, site, story, subtask, type IssueSpec } from './builders';

const ACCEPTANCE_RULES: RuleId[] = [
  'story-missing-po-acceptance',
  'acceptance-not-by-po',
  'acceptance-stale',
];
const PROJECTS = ['ART', 'ORB'];

/** Random sites: any type, any parent (including itself, loops and missing keys), any status. */
const arbSite = fc
  .array(
    fc.record({
      project: fc.constantFrom(...PROJECTS),
      kind: fc.constantFrom('epic', 'feature', 'story', 'subtask'),
      parent: fc.option(fc.nat(40), { nil: undefined }),
      status: fc.constantFrom('new', 'indeterminate', 'done' as const),
      owner: fc.constantFrom(null, 'u-po1', 'u-pm1', 'u-idle'),
      acceptedBy: fc.option(fc.constantFrom('u-po1', 'u-dev1'), { nil: undefined }),
      changedLate: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((rows) =>
    rows.map((r, i): IssueSpec => {
      const key = `${r.project}-${i + 1}`;
      const parentRow = r.parent === undefined ? undefined : rows[r.parent];
      const parent = r.parent === undefined ? undefined : `${parentRow?.project ?? 'GONE'}-${r.parent + 1}`;
      const common = {
        parent,
        status: r.status,
        changedAt: r.changedLate ? '2026-03-01T00:00:00Z' : undefined,
        acceptance: r.acceptedBy ? accepted(r.acceptedBy) : undefined,
      };
      if (r.kind === 'epic') return epic(key, { ...common, epicOwner: r.owner });
      if (r.kind === 'feature') return feature(key, { ...common, pm: r.owner });
      if (r.kind === 'subtask')
        return subtask(key, parent ?? 'ART-1', { ...common, parent: parent ?? 'ART-1' });
      return story(key, { ...common, po: r.owner });
    }),
  );

describe('evaluate: invariants on random sites', () => {
  it('terminates and keeps its promises on any parent graph', () => {
    fc.assert(
      fc.property(arbSite, fc.constantFrom(...PROJECTS), (specs, project) => {
        const r = evaluate(site(specs), DEFAULT_CONFIG, project);
        expect(r.issues).toHaveLength(specs.length);
        expect(r.issueCount).toBe(specs.filter((s) => s.key.startsWith(`${project}-`)).length);
        // Findings: in scope only, never on sub-tasks, at most one acceptance rule per story.
        for (const issue of r.issues) {
          if (!issue.inScope || issue.level === 'subtask') expect(issue.findings).toEqual([]);
          expect(issue.findings.filter((f) => ACCEPTANCE_RULES.includes(f.rule)).length).toBeLessThanOrEqual(
            1,
          );
        }
        // countsByRule and the flat list agree with the per-issue findings.
        const flat = r.issues.flatMap((i) => i.findings);
        expect(r.findings).toHaveLength(flat.length);
        const total = Object.values(r.countsByRule).reduce((a, b) => a + b, 0);
        expect(total).toBe(flat.length);
        // A roll-up never counts more than exists.
        for (const issue of r.issues) {
          for (const rule of RULE_IDS)
            expect(issue.belowCounts[rule] ?? 0).toBeLessThanOrEqual(r.countsByRule[rule] ?? 0);
        }
        // Parents come before their children in the issue list, unless the child sits on a loop.
        const position = new Map(r.issues.map((i, n) => [i.key, n]));
        const parentOf = new Map(r.issues.map((i) => [i.key, i.parentKey]));
        const onLoop = (key: string): boolean => {
          const seen = new Set<string>();
          for (
            let k = parentOf.get(key);
            k !== null && k !== undefined && !seen.has(k);
            k = parentOf.get(k)
          ) {
            if (k === key) return true;
            seen.add(k);
          }
          return false;
        };
        for (const issue of r.issues) {
          const p = issue.parentKey === null ? undefined : position.get(issue.parentKey);
          if (p !== undefined && p > (position.get(issue.key) ?? -1)) expect(onLoop(issue.key)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 20260101 },
    );
  });
});

describe('evaluate: deep chains', () => {
  it('handles a 20,000-deep parent chain without recursion', () => {
    const specs: IssueSpec[] = [feature('ART-1')];
    for (let i = 2; i <= 20_000; i++) specs.push(story(`ART-${i}`, { parent: `ART-${i - 1}`, po: null }));
    const r = evaluate(site(specs), DEFAULT_CONFIG, 'ART');
    expect(r.countsByRule['story-missing-po']).toBe(19_999);
    expect(r.issues[0]?.key).toBe('ART-1');
    expect(r.issues[0]?.belowCounts['story-missing-po']).toBe(19_999);
    expect(r.countsByRule['story-without-feature']).toBeUndefined();
  });
});
