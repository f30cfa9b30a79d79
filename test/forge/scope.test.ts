/**
 * The project page and gadget in a scope (rules.md, "Scope within a project"), through the real
 * resolvers over the emulator: the same findings and coverage as `popm audit --sprint/--fix-version`
 * against the same site, served from the stored snapshot without extra Jira requests.
 */
import { compareIssueKeys } from '../../src/domain/read';
import type { Finding, ProjectTree } from '../../src/shared/contract';
import { adoptSnapshotAcceptances } from '../../src/localhost/app';
import { AcceptanceStore } from '../../src/storage/acceptance-store';
import { ADMIN, cliAudit, harness as bareHarness, PO, sample, type Harness } from '../hardening/support';

/**
 * The app with the sample's acceptances as its own records, as the local host starts: the CLI
 * reads the same records from the properties, so both judge every story alike.
 */
async function harness(): Promise<Harness> {
  const h = bareHarness();
  await adoptSnapshotAcceptances(sample, new AcceptanceStore(h.store));
  return h;
}

interface Report {
  findings: Finding[];
  summary: { issues: number; coverage: ProjectTree['coverage'] };
}

async function tree(h: Harness, payload: Record<string, unknown>, as = ADMIN) {
  const first = await h.call('getProjectTree', { projectKey: 'ORB', ...payload }, as);
  if (!first.ok) throw new Error(`${first.error.code}: ${first.error.message}`);
  const rows = [...first.data.rows];
  for (let cursor = first.data.nextCursor; cursor;) {
    const next = await h.call('getProjectTree', { projectKey: 'ORB', ...payload, cursor }, as);
    if (!next.ok) throw new Error(next.error.message);
    rows.push(...next.data.rows);
    cursor = next.data.nextCursor;
  }
  return { first: first.data, rows };
}

/** `popm audit --project ORB ... --format json` over the same emulated site. */
async function cliReport(h: Harness, ...flags: string[]): Promise<Report> {
  const out = await cliAudit(h.emulator, 'ORB', [...flags, '--format', 'json', '--fail-on', 'never']);
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as Report;
}

const SCOPES: [Record<string, string>, string[]][] = [
  [{ sprint: 'active' }, ['--sprint', 'active']],
  [{ sprint: '12' }, ['--sprint', '12']],
  [{ sprint: 'ORB Sprint 1' }, ['--sprint', 'ORB Sprint 1']],
  [{ fixVersion: 'PI 2026.4' }, ['--fix-version', 'PI 2026.4']],
];

describe('project page in a scope', () => {
  it.each(SCOPES)('%j shows what the CLI reports', async (scope, flags) => {
    const h = await harness();
    await tree(h, {}); // builds the snapshot
    const expected = await cliReport(h, ...flags);
    expect(expected.findings.length).toBeGreaterThan(0);

    h.emulator.requests.reset();
    const { first, rows } = await tree(h, scope);
    // The scope is read from storage: the warm view asks Jira nothing.
    expect(h.emulator.requests.count).toBe(0);
    const shown = rows.flatMap((r) => r.findings).sort((a, b) => compareIssueKeys(a.issueKey, b.issueKey));
    expect(shown).toEqual(expected.findings);
    expect(first.coverage).toEqual(expected.summary.coverage);
    expect(first.issues).toBe(expected.summary.issues);
    expect(first.scope?.kind).toBe(scope.sprint !== undefined ? 'sprint' : 'fixVersion');
    // Fewer rows than the whole tree, and every row's parent is shown (or is a root).
    const whole = await tree(h, {});
    expect(rows.length).toBeLessThan(whole.rows.length);
    const keys = new Set(rows.map((r) => r.key));
    for (const r of rows) if (r.depth > 0) expect(keys.has(r.parentKey ?? '')).toBe(true);
  });

  it('offers the project sprints and versions on the first page when asked, and refuses unknown ones', async () => {
    const h = await harness();
    const { first } = await tree(h, { choices: true }, PO);
    expect(first.choices?.sprints.map((s) => `${s.id} ${s.name} ${s.state}`)).toEqual([
      '14 ORB Sprint 4 future',
      '13 ORB Sprint 3 active',
      '12 ORB Sprint 2 closed',
      '11 ORB Sprint 1 closed',
    ]);
    expect(first.choices?.versions).toEqual(['PI 2026.4', 'PI 2027.1']);
    expect((await tree(h, {})).first.choices).toBeUndefined();

    const unknown = await h.call('getProjectTree', { projectKey: 'ORB', sprint: 'NEB Sprint 3' }, PO);
    expect(unknown).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'NOT_FOUND',
        message: expect.stringContaining('"NEB Sprint 3"'),
      }),
    });
    const both = await h.call(
      'getProjectTree',
      { projectKey: 'ORB', sprint: '12', fixVersion: 'PI 2026.4' },
      PO,
    );
    expect(both.ok ? null : both.error.code).toBe('BAD_REQUEST');
  });
});

describe('gadget in a scope and per sprint', () => {
  it('shows done stories accepted for each recent sprint, as the CLI counts them', async () => {
    const h = await harness();
    const summary = await h.call('getGadgetSummary', { projectKey: 'ORB' }, PO);
    if (!summary.ok) throw new Error(summary.error.message);
    const sprints = summary.data.sprints ?? [];
    // Active and closed sprints, oldest first; the future sprint has no figure.
    expect(sprints.map((s) => s.name)).toEqual(['ORB Sprint 1', 'ORB Sprint 2', 'ORB Sprint 3']);
    for (const sprint of sprints) {
      const cli = await cliReport(h, '--sprint', String(sprint.id));
      expect(sprint.doneStoriesAccepted).toBe(cli.summary.coverage.doneStoriesAccepted);
    }
    expect(sprints.some((s) => s.doneStories > 0)).toBe(true);

    const scoped = await h.call('getGadgetSummary', { projectKey: 'ORB', fixVersion: 'PI 2026.4' }, PO);
    if (!scoped.ok) throw new Error(scoped.error.message);
    const cli = await cliReport(h, '--fix-version', 'PI 2026.4');
    expect(scoped.data.coverage).toEqual(cli.summary.coverage);
    expect(scoped.data.scope).toEqual({ kind: 'fixVersion', value: 'PI 2026.4', label: 'PI 2026.4' });
    const counts: Record<string, number> = {};
    for (const f of cli.findings) counts[f.rule] = (counts[f.rule] ?? 0) + 1;
    expect(scoped.data.countsByRule).toEqual(counts);
  });
});
