/**
 * Tampering: anyone with Edit Issues can write the `popm.acceptance` issue property, so the app
 * treats it as a mirror only. A property written by someone other than the app is detected and
 * shown (`propertyMismatch`), and never counts as an acceptance inside Jira: findings, coverage,
 * the workflow validator and the JQL-indexed `popm.findings` all use the app's stored record.
 * The CLI can read only the property; the last test pins that limitation (docs/security.md).
 */
import { mirrorValue, storedAcceptanceSchema } from '../../src/storage/acceptance-store';
import { ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY } from '../../src/domain/types';
import type { JiraEmulator } from '../../src/emulator';
import { createEmulator } from '../../src/emulator';
import { refreshFindings } from '../../src/services/findings-refresh';
import { checkAcceptance } from '../../src/services/validator';
import { ADMIN, cliAudit, harness, OTHER, PO, sample, STORY, STORY_ID } from './support';

/** ORB-119: a done story of Lena's, never accepted (no property, no record). */
const DONE_STORY = 'ORB-119';

async function writeProperty(
  emulator: JiraEmulator,
  as: string,
  key: string,
  value: unknown,
): Promise<number> {
  const res = await emulator.transportFor(as)({
    method: 'PUT',
    path: `/rest/api/3/issue/${key}/properties/${ACCEPTANCE_PROPERTY}`,
    body: value,
  });
  return res.status;
}

async function readProperty(emulator: JiraEmulator, key: string, property: string): Promise<unknown> {
  const res = await emulator.transportFor(ADMIN)({
    method: 'GET',
    path: `/rest/api/3/issue/${key}/properties/${property}`,
  });
  return res.status === 200 ? (JSON.parse(res.text) as { value: unknown }).value : undefined;
}

const forged = (status: 'indeterminate' | 'done') => ({
  acceptedBy: PO,
  acceptedAt: '2026-02-28T09:00:00.000Z',
  statusCategory: status,
});

describe('a forged acceptance property', () => {
  it('is shown as a mismatch and the story stays unaccepted in the app', async () => {
    const h = harness();
    expect(await writeProperty(h.emulator, OTHER, STORY, forged('indeterminate'))).toBe(201);

    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    expect(view.data.propertyMismatch).toBe(true);
    expect(view.data.issue.acceptance).toBeNull();
    expect(view.data.issue.findings.map((f) => f.rule)).toContain('story-missing-po-acceptance');
    // The PO can still accept for real; nothing was stored by the forgery.
    expect(view.data.permissions.accept).toBe(true);
    expect(await h.store.get(`acceptance:${STORY_ID}`)).toBeUndefined();
  });

  it('does not pass the workflow validator, and popm.findings says not accepted', async () => {
    const h = harness();
    await writeProperty(h.emulator, OTHER, DONE_STORY, forged('done'));
    const verdict = await checkAcceptance(h.deps, { issue: { key: DONE_STORY } });
    expect(verdict.result).toBe(false);
    expect(verdict.errorMessage).toMatch(/needs a valid acceptance by its Product Owner/);

    await refreshFindings(h.deps, [DONE_STORY]);
    expect(await readProperty(h.emulator, DONE_STORY, FINDINGS_PROPERTY)).toMatchObject({
      acceptanceValid: 'no',
      rules: expect.arrayContaining(['story-missing-po-acceptance']),
    });
  });

  it('does not change the project’s findings or coverage', async () => {
    const clean = harness();
    const before = await clean.call('getProjectTree', { projectKey: 'ORB' }, PO);
    const h = harness();
    await writeProperty(h.emulator, OTHER, DONE_STORY, forged('done'));
    const after = await h.call('getProjectTree', { projectKey: 'ORB' }, PO);
    expect(before.ok && after.ok).toBe(true);
    if (!before.ok || !after.ok) return;
    expect(after.data.coverage).toEqual(before.data.coverage);
    expect(after.data.countsByRule).toEqual(before.data.countsByRule);
    expect(after.data.rows.find((r) => r.key === DONE_STORY)?.acceptance).toBeNull();
  });

  it('a malformed property is a mismatch too, never a crash', async () => {
    const h = harness();
    for (const value of [{ acceptedBy: 42 }, 'accepted', [PO], { acceptedBy: PO, acceptedAt: 'yesterday' }]) {
      await writeProperty(h.emulator, OTHER, STORY, value);
      const view = await h.call('getIssueView', { issueKey: STORY }, PO);
      expect(view.ok && view.data.propertyMismatch).toBe(true);
      expect(view.ok && view.data.issue.acceptance).toBeNull();
    }
  });
});

describe('a genuine acceptance whose property is tampered with', () => {
  it.each([
    [
      'rewritten to another account',
      (e: JiraEmulator) => writeProperty(e, OTHER, STORY, { ...forged('indeterminate'), acceptedBy: OTHER }),
    ],
    [
      'deleted',
      (e: JiraEmulator) =>
        e
          .transportFor(OTHER)({
            method: 'DELETE',
            path: `/rest/api/3/issue/${STORY}/properties/${ACCEPTANCE_PROPERTY}`,
          })
          .then((r) => r.status),
    ],
  ])('%s: still valid in the app, and shown as a mismatch', async (_what, tamper) => {
    const h = harness();
    const accepted = await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(accepted.ok).toBe(true);
    const stored = await h.store.get(`acceptance:${STORY_ID}`);
    expect([200, 201, 204]).toContain(await tamper(h.emulator));

    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(view.ok && view.data.propertyMismatch).toBe(true);
    expect(view.ok && view.data.issue.acceptance).toMatchObject({ acceptedBy: PO, valid: true });
    expect(await h.store.get(`acceptance:${STORY_ID}`)).toEqual(stored);

    // Accepting again (idempotent) repairs the mirror without a new record.
    await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(await readProperty(h.emulator, STORY, ACCEPTANCE_PROPERTY)).toEqual(
      mirrorValue(storedAcceptanceSchema.parse(stored)),
    );
    expect(await h.store.get(`acceptance:${STORY_ID}`)).toEqual(stored);
  });
});

describe('the CLI (reads only the property)', () => {
  it('cannot tell a forged property from the app’s mirror: a known limitation', async () => {
    const emulator = createEmulator(sample);
    const before = await cliAudit(emulator, 'ORB', ['--format', 'json', '--fail-on', 'never']);
    await writeProperty(emulator, OTHER, DONE_STORY, forged('done'));
    const after = await cliAudit(emulator, 'ORB', ['--format', 'json', '--fail-on', 'never']);
    type Report = { findings: { rule: string; issueKey: string }[] };
    const missing = (r: Report) =>
      r.findings.some((f) => f.issueKey === DONE_STORY && f.rule === 'story-missing-po-acceptance');
    expect(missing(JSON.parse(before.stdout) as Report)).toBe(true);
    // The forged record names the PO, so the CLI counts it. docs/security.md says so.
    expect(missing(JSON.parse(after.stdout) as Report)).toBe(false);
  });

  it('does see a property naming someone who is not the PO', async () => {
    const emulator = createEmulator(sample);
    await writeProperty(emulator, OTHER, DONE_STORY, { ...forged('done'), acceptedBy: OTHER });
    const out = await cliAudit(emulator, 'ORB', ['--format', 'json', '--fail-on', 'never']);
    const report = JSON.parse(out.stdout) as { findings: { rule: string; issueKey: string }[] };
    expect(report.findings).toContainEqual(
      expect.objectContaining({ issueKey: DONE_STORY, rule: 'acceptance-not-by-po' }),
    );
  });
});
