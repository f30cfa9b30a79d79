/**
 * Jira misbehaving, injected by the emulator: for each fault, what the user sees (resolver error
 * code and message, CLI exit code and stderr, partial results marked partial), how often the
 * request was retried, and that nothing stored was corrupted.
 */
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { evaluate } from '../../src/domain/engine';
import { ACCEPTANCE_PROPERTY } from '../../src/domain/types';
import { createEmulator, startEmulatorServer, type JiraEmulator } from '../../src/emulator';
import {
  malformedJson,
  networkFailure,
  rateLimited,
  repeatedPageToken,
  serverError,
  stalled,
  vanishingIssues,
  withDeletedParent,
  withHiddenParent,
  withParentCycle,
} from '../../src/emulator/faults';
import { JiraApi } from '../../src/jira/api';
import { DEFAULT_RETRY_POLICY, type RetryEvent } from '../../src/jira/client';
import { isJiraError, type JiraError } from '../../src/jira/errors';
import { scanProject } from '../../src/jira/scan';
import { runCli } from '../../src/cli/run';
import { ADMIN, answered, cliAudit, harness, OTHER, PO, sample, STORY, STORY_ID } from './support';

const SEARCH = { method: 'POST', path: '/rest/api/3/search/jql' };
const MAX = DEFAULT_RETRY_POLICY.maxAttempts;

function api(emulator: JiraEmulator, retries: RetryEvent[] = [], accountId = ADMIN): JiraApi {
  return new JiraApi(emulator.transportFor(accountId), {
    sleep: () => Promise.resolve(),
    random: () => 0,
    onRetry: (e) => void retries.push(e),
  });
}

async function scanError(emulator: JiraEmulator, project = 'ORB'): Promise<JiraError> {
  const error: unknown = await scanProject(api(emulator), project, DEFAULT_CONFIG).then(
    () => new Error('the scan succeeded'),
    (e: unknown) => e,
  );
  if (!isJiraError(error)) throw error instanceof Error ? error : new Error(String(error));
  return error;
}

const baseline = (() => {
  let cached: Promise<Awaited<ReturnType<typeof scanProject>>> | undefined;
  return () => (cached ??= scanProject(api(createEmulator(sample)), 'ORB', DEFAULT_CONFIG));
})();
const keysOf = (issues: { key: string }[]) => issues.map((i) => i.key).sort();

describe('429 rate limiting', () => {
  it('waits what Retry-After says, retries, and ends with the same data as without the fault', async () => {
    const emulator = createEmulator(sample);
    const limited = rateLimited(2, 3, { match: SEARCH, reason: 'jira-quota-tenant-based' });
    emulator.injectFault(limited);
    const retries: RetryEvent[] = [];
    const site = await scanProject(api(emulator, retries), 'ORB', DEFAULT_CONFIG);
    expect(limited.fired).toBe(2);
    expect(answered(emulator, 429)).toBe(2);
    expect(retries.map((r) => [r.error.kind, r.waitMs])).toEqual([
      ['rate-limit', 3000],
      ['rate-limit', 3000],
    ]);
    expect(keysOf(site.issues)).toEqual(keysOf((await baseline()).issues));
    // Every attempt, retries included, is counted in the report's request numbers.
    expect(site.report.requests.project).toBe((await baseline()).report.requests.project + 2);
  });

  it('sends the headers Jira Cloud sends with a 429', async () => {
    const emulator = createEmulator(sample, {
      faults: rateLimited(1, 7, { now: () => new Date('2026-03-01T12:00:00Z') }),
    });
    const res = await emulator.transportFor(ADMIN)({ method: 'GET', path: '/rest/api/3/myself' });
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({
      'retry-after': '7',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '2026-03-01T12:00Z',
      'ratelimit-reason': 'jira-burst-based',
    });
    expect(Number(res.headers['x-ratelimit-limit'])).toBeGreaterThan(0);
  });

  it('gives up after the attempt budget and says so; the resolver answers RATE_LIMITED', async () => {
    const emulator = createEmulator(sample, { faults: rateLimited(Infinity, 1, { match: SEARCH }) });
    const error = await scanError(emulator);
    expect(error.kind).toBe('rate-limit');
    expect(error.attempts).toBe(MAX);
    expect(answered(emulator, 429)).toBe(MAX);
    expect(error.message).toMatch(/rate-limiting.*wait a little and try again.*gave up after 5 attempts/);

    const h = harness();
    h.emulator.injectFault(rateLimited(Infinity, 1));
    const before = await h.dump();
    const result = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    if (!result.ok) expect(result.error.message).toMatch(/wait a little and try again/);
    // The first request failing stops the use case: exactly one request's attempts were made.
    expect(h.emulator.requests.count).toBeLessThanOrEqual(2 * MAX);
    expect(await h.dump()).toEqual(before);
  });

  it('does not wait when Retry-After exceeds the total wait budget', async () => {
    const emulator = createEmulator(sample, { faults: rateLimited(Infinity, 600) });
    const retries: RetryEvent[] = [];
    const error: unknown = await api(emulator, retries)
      .getMyself()
      .catch((e: unknown) => e);
    expect(isJiraError(error, 'rate-limit')).toBe(true);
    expect(retries).toEqual([]);
    expect(emulator.requests.count).toBe(1);
  });
});

describe.each([500, 502, 503, 504] as const)('%i from Jira', (status) => {
  it('is retried with backoff and recovers', async () => {
    const emulator = createEmulator(sample, { faults: serverError(status, 2, { match: SEARCH }) });
    const retries: RetryEvent[] = [];
    const site = await scanProject(api(emulator, retries), 'ORB', DEFAULT_CONFIG);
    expect(answered(emulator, status)).toBe(2);
    expect(retries.map((r) => r.error.kind)).toEqual(['server', 'server']);
    // Exponential: the second wait is longer than the first.
    expect(retries[1]!.waitMs).toBeGreaterThan(retries[0]!.waitMs);
    expect(keysOf(site.issues)).toEqual(keysOf((await baseline()).issues));
  });

  it('ends as JIRA_UNAVAILABLE with a message about Jira, after 5 attempts', async () => {
    const emulator = createEmulator(sample, { faults: serverError(status, Infinity) });
    const error = await scanError(emulator);
    expect(error.kind).toBe('server');
    expect(emulator.requests.count).toBe(MAX);
    expect(error.message).toContain(`Jira failed with ${status}`);
    expect(error.message).toContain("this is on Jira's side");
    // A gateway's HTML page is not pasted into the message.
    expect(error.message).not.toMatch(/<html|<h1/i);
  });
});

describe('no answer at all', () => {
  it.each(['timeout', 'reset'] as const)('%s is retried and recovers', async (kind) => {
    const emulator = createEmulator(sample, { faults: networkFailure(kind, 3, { match: SEARCH }) });
    const retries: RetryEvent[] = [];
    const site = await scanProject(api(emulator, retries), 'ORB', DEFAULT_CONFIG);
    expect(answered(emulator, 'network-error')).toBe(3);
    expect(retries.map((r) => r.error.kind)).toEqual(['network', 'network', 'network']);
    expect(keysOf(site.issues)).toEqual(keysOf((await baseline()).issues));
  });

  it('a connection that keeps failing ends as JIRA_UNAVAILABLE and writes nothing', async () => {
    const h = harness();
    const before = await h.dump();
    h.emulator.injectFault(networkFailure('reset', Infinity));
    const result = await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
    if (!result.ok) expect(result.error.message).toMatch(/Could not reach Jira.*ECONNRESET/);
    // Each request that failed was tried MAX times, no more (metadata is read two at a time).
    const perPath = new Map<string, number>();
    for (const e of h.emulator.requests.entries) perPath.set(e.path, (perPath.get(e.path) ?? 0) + 1);
    expect([...perPath.values()].every((n) => n === MAX)).toBe(true);
    expect(h.retries.every((r) => r.error.kind === 'network')).toBe(true);
    expect(await h.dump()).toEqual(before);
  });

  it('the HTTP transport abandons a request that never gets an answer, and retries it', async () => {
    const emulator = createEmulator(sample);
    const stall = stalled(1, { match: { path: '/rest/api/3/issuetype' } });
    emulator.injectFault(stall);
    const server = await startEmulatorServer(emulator, { port: 0 });
    let stdout = '';
    let stderr = '';
    try {
      const code = await runCli(
        [
          'audit',
          '--project',
          'ORB',
          '--site',
          server.url,
          '--email',
          'a@b',
          '--token',
          't',
          '--format',
          'json',
        ],
        {},
        {
          stdout: (t) => (stdout += t),
          stderr: (t) => (stderr += t),
          sleep: () => Promise.resolve(),
          requestTimeoutMs: 300,
        },
      );
      expect(stall.fired).toBe(1);
      expect(stderr).toMatch(/network \(no answer\); retrying/);
      expect([0, 1]).toContain(code);
      expect((JSON.parse(stdout) as { summary: { issues: number } }).summary.issues).toBe(
        (await baseline()).report.issues.project,
      );
    } finally {
      stall.release();
      await server.close();
    }
  });
});

describe('malformed JSON', () => {
  it('is refused as an unreadable answer without retrying (1 request)', async () => {
    const emulator = createEmulator(sample, { faults: malformedJson(1, { match: SEARCH }) });
    const error = await scanError(emulator);
    expect(error.kind).toBe('bad-response');
    expect(error.message).toMatch(/body we could not read: not JSON/);
    expect(emulator.requests.entries.filter((e) => e.path.includes('search/jql'))).toHaveLength(1);
  });

  it('reaches the user as JIRA_UNAVAILABLE and the CLI as exit 3', async () => {
    const h = harness();
    h.emulator.injectFault(malformedJson(Infinity, { match: { path: '/rest/api/3/issue/' } }));
    const result = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });

    const emulator = createEmulator(sample, { faults: malformedJson(Infinity, { match: SEARCH }) });
    const out = await cliAudit(emulator, 'ORB');
    expect(out.code).toBe(3);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /popm: Jira answered POST \/rest\/api\/3\/search\/jql \(200\) with a body we could not read/,
    );
  });
});

describe('a nextPageToken that repeats', () => {
  it('stops paging with a clear error instead of looping', async () => {
    const emulator = createEmulator(sample, { faults: repeatedPageToken() });
    const client = api(emulator);
    const pages: number[] = [];
    const error: unknown = await (async () => {
      for await (const page of client.searchJqlPages({
        jql: 'project = ORB ORDER BY key ASC',
        fields: ['summary'],
        maxResults: 10,
      }))
        pages.push(page.length);
    })().catch((e: unknown) => e);
    expect(isJiraError(error, 'bad-response')).toBe(true);
    expect(String(error)).toMatch(/same nextPageToken came back twice/);
    expect(pages).toEqual([10, 10]);
    expect(emulator.requests.count).toBe(2);
  });

  it('makes the CLI exit 3 with nothing on stdout (never a report of half the project)', async () => {
    const out = await cliAudit(createEmulator(sample, { faults: repeatedPageToken() }), 'ORB');
    expect(out.code).toBe(3);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/paging would never end/);
  });
});

describe('issues deleted between pages', () => {
  it('finishes the scan without them and marks the audit partial where a parent vanished', async () => {
    // ART-4 is the parent of ORB-12; it vanishes once the first page of ORB has been read.
    const emulator = createEmulator(sample);
    const vanish = vanishingIssues(['ART-4', 'ORB-30'], { afterPages: 1 });
    emulator.injectFault(vanish);
    const site = await scanProject(api(emulator), 'ORB', DEFAULT_CONFIG, { maxPageSize: 10 });
    expect(vanish.gone).toBe(true);
    const keys = site.issues.map((i) => i.key);
    expect(keys).not.toContain('ART-4');
    expect(keys).not.toContain('ORB-30');
    expect(site.report.missingParents).toContain('ART-4');
    const result = evaluate(site, DEFAULT_CONFIG, 'ORB');
    const finding = result.findings.find((f) => f.issueKey === STORY && f.rule === 'story-without-feature');
    expect(finding?.message).toMatch(/its parent ART-4 could not be read/);
  });

  it('a story deleted before it is accepted is NOT_FOUND and nothing is stored', async () => {
    const h = harness();
    h.emulator.injectFault(vanishingIssues([STORY], { afterPages: 0 }));
    const result = await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.dump()).toEqual({});
  });
});

describe('parents deleted, hidden or looping', () => {
  it('deleted parent: Jira drops the link, so the story is reported as having no parent', async () => {
    const { snapshot, parentKey } = withDeletedParent(sample, STORY);
    const site = await scanProject(api(createEmulator(snapshot)), 'ORB', DEFAULT_CONFIG);
    expect(site.issues.map((i) => i.key)).not.toContain(parentKey);
    const finding = evaluate(site, DEFAULT_CONFIG, 'ORB').findings.find(
      (f) => f.issueKey === STORY && f.rule === 'story-without-feature',
    );
    expect(finding?.message).toMatch(/has no feature above it \(it has no parent\)/);
  });

  it('hidden parent: the CLI warns on stderr and marks the report partial', async () => {
    const { snapshot, parentKey } = withHiddenParent(sample, STORY, [PO]);
    const out = await cliAudit(createEmulator(snapshot), 'ORB', ['--format', 'json', '--fail-on', 'never']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(
      `1 parent issue(s) could not be read (deleted or not visible): ${parentKey}`,
    );
    const report = JSON.parse(out.stdout) as { partial?: { missingParents: string[] } };
    expect(report.partial).toEqual({ missingParents: [parentKey] });

    const table = await cliAudit(createEmulator(snapshot), 'ORB', ['--fail-on', 'never']);
    expect(table.stdout).toMatch(new RegExp(`PARTIAL: 1 parent issue could not be read .*${parentKey}`));
  });

  it('a complete audit carries no partial marker', async () => {
    const out = await cliAudit(createEmulator(sample), 'ORB', ['--format', 'json', '--fail-on', 'never']);
    expect(JSON.parse(out.stdout)).not.toHaveProperty('partial');
  });

  it('hidden parent: hidden from the account auditing, visible to the one allowed', async () => {
    const { snapshot, parentKey } = withHiddenParent(sample, STORY, [PO]);
    const hidden = await scanProject(api(createEmulator(snapshot), [], ADMIN), 'ORB', DEFAULT_CONFIG);
    expect(hidden.report.missingParents).toEqual([parentKey]);
    const seen = await scanProject(api(createEmulator(snapshot), [], PO), 'ORB', DEFAULT_CONFIG);
    expect(seen.report.missingParents).toEqual([]);

    // In the app the story's view says the chain is broken instead of showing a clean story.
    const h = harness({ snapshot });
    const view = await h.call('getIssueView', { issueKey: STORY }, OTHER);
    expect(view.ok).toBe(true);
    if (view.ok) {
      expect(view.data.chain.map((c) => c.key)).not.toContain(parentKey);
      const finding = view.data.issue.findings.find((f) => f.rule === 'story-without-feature');
      expect(finding?.message).toContain(`its parent ${parentKey} could not be read`);
    }
    // The project tree (scan as the user) shows the same finding for a user who cannot see it.
    const tree = await h.call('getProjectTree', { projectKey: 'ORB' }, OTHER);
    expect(tree.ok).toBe(true);
    if (tree.ok) {
      expect(tree.data.rows.map((r) => r.key)).not.toContain(parentKey);
      const row = tree.data.rows.find((r) => r.key === STORY);
      expect(row?.findings.map((f) => f.message).join(' ')).toContain(
        `its parent ${parentKey} could not be read`,
      );
    }
  });

  it('parent cycle: the scan terminates, the chain is reported as looping, views still answer', async () => {
    // Two ART features made each other's parent, with ORB-12 below one of them.
    const snapshot = withParentCycle(sample, ['ART-4', 'ART-5']);
    const emulator = createEmulator(snapshot);
    const site = await scanProject(api(emulator), 'ORB', DEFAULT_CONFIG);
    expect(site.issues.filter((i) => i.key === 'ART-4' || i.key === 'ART-5')).toHaveLength(2);
    expect(emulator.requests.count).toBeLessThan(20);
    const result = evaluate(site, DEFAULT_CONFIG, 'ART');
    const art4 = result.issues.find((i) => i.key === 'ART-4');
    expect(art4).toBeDefined();

    const h = harness({ snapshot });
    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(view.ok).toBe(true);
    const artView = await h.call('getIssueView', { issueKey: 'ART-4' }, ADMIN);
    expect(artView.ok).toBe(true);
    if (artView.ok) expect(artView.data.chain.map((c) => c.key)).toEqual(['ART-5']);
    const tree = await h.call('getProjectTree', { projectKey: 'ART' }, ADMIN);
    expect(tree.ok).toBe(true);
  });
});

describe('a write that fails half-way', () => {
  it('accept: the store keeps one valid record, the view shows the property out of step, a retry repairs it', async () => {
    const h = harness();
    // Jira fails every property write: the record is stored, its mirror cannot be written.
    const remove = h.emulator.injectFault(
      serverError(503, Infinity, { match: { method: 'PUT', path: `/properties/${ACCEPTANCE_PROPERTY}` } }),
    );
    const failed = await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(failed).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
    const stored = await h.store.get(`acceptance:${STORY_ID}`);
    expect(stored).toMatchObject({ record: { acceptedBy: PO }, revision: 1 });
    expect(h.retries.length).toBe(MAX - 1);

    remove();
    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(view.ok && view.data.propertyMismatch).toBe(true);
    expect(view.ok && view.data.issue.acceptance?.valid).toBe(true);

    const again = await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(again.ok).toBe(true);
    // The retry did not create a second acceptance: same record, same revision, mirror repaired.
    expect(await h.store.get(`acceptance:${STORY_ID}`)).toEqual(stored);
    const after = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(after.ok && after.data.propertyMismatch).toBe(false);
  });

  it('saveConfig: a Jira failure while checking permissions saves nothing', async () => {
    const h = harness();
    const before = await h.dump();
    h.emulator.injectFault(serverError(500, Infinity, { match: { path: '/rest/api/3/mypermissions' } }));
    const result = await h.call('saveConfig', { config: { version: 1 }, revision: 0 }, ADMIN);
    expect(result).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
    expect(await h.dump()).toEqual(before);
  });
});

describe('the CLI under faults', () => {
  it('recovers from 429s, says it is retrying, and reports the same as without them', async () => {
    const clean = await cliAudit(createEmulator(sample), 'ORB', ['--format', 'json']);
    const emulator = createEmulator(sample, { faults: rateLimited(2, 2, { match: SEARCH }) });
    const out = await cliAudit(emulator, 'ORB', ['--format', 'json']);
    expect(out.code).toBe(clean.code);
    expect(out.stderr).toMatch(/popm: rate-limit \(429\); retrying in 2\.\ds/);
    expect(out.waits.every((w) => w >= 2000)).toBe(true);
    const strip = (text: string) => ({ ...(JSON.parse(text) as Record<string, unknown>), requests: 0 });
    expect(strip(out.stdout)).toEqual(strip(clean.stdout));
    expect((JSON.parse(out.stdout) as { requests: number }).requests).toBe(
      (JSON.parse(clean.stdout) as { requests: number }).requests + 2,
    );
  });

  it.each([
    ['500', () => serverError(500, Infinity), /Jira failed with 500.*gave up after 5 attempts/],
    ['503', () => serverError(503, Infinity, { retryAfterSeconds: 1 }), /Jira failed with 503/],
    ['reset', () => networkFailure('reset', Infinity), /Could not reach Jira.*ECONNRESET/],
    ['timeout', () => networkFailure('timeout', Infinity), /Could not reach Jira.*timeout/],
  ])('exits 3 on persistent %s with a message on stderr and nothing on stdout', async (_n, make, message) => {
    const emulator = createEmulator(sample, { faults: make() });
    const out = await cliAudit(emulator, 'ORB');
    expect(out.code).toBe(3);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(emulator.requests.count).toBe(MAX);
  });
});
