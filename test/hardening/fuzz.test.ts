/**
 * Property-based tests over everything that enters from outside: resolver payloads, stored and
 * uploaded configurations, snapshots and Jira's answers. Every case must end in a typed error or
 * a correct result: never a crash, an INTERNAL error, an unhandled rejection or a partial write.
 * Runs are bounded (numRuns) so the file stays within a few seconds.
 */
import fc from 'fast-check';
import { ConfigError, DEFAULT_CONFIG, parseConfig } from '../../src/domain/config';
import { createEmulator } from '../../src/emulator';
import { jsonAnswer } from '../../src/emulator/faults';
import { JiraApi } from '../../src/jira/api';
import { isJiraError } from '../../src/jira/errors';
import { jqlString } from '../../src/jira/jql';
import { apiPath, isSafeApiPath } from '../../src/jira/paths';
import { scanProject } from '../../src/jira/scan';
import { ERROR_CODES, RESOLVER_NAMES, type ResolverName } from '../../src/shared/contract';
import { parseSnapshot, SnapshotError } from '../../src/snapshot/format';
import { ADMIN, harness, OTHER, PO, sample, STORY } from './support';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => expect(unhandled).toEqual([]));

/** Replaces the value at a random path (indexes into each level's keys) of `root`, in place. */
function setAt(root: unknown, path: number[], value: unknown): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null) return;
    const rec = node as Record<string, unknown>;
    const keys = Object.keys(rec);
    if (keys.length === 0) return;
    const key = keys[path[i]! % keys.length]!;
    if (i === path.length - 1 || typeof rec[key] !== 'object' || rec[key] === null) {
      rec[key] = value;
      return;
    }
    node = rec[key];
  }
}

const WRITES: ResolverName[] = [
  'acceptStory',
  'revokeAcceptance',
  'setOwner',
  'saveConfig',
  'saveProjectConfig',
  'startScan',
];

/** Strings an attacker would try in keys, queries and anything that reaches JQL or a path. */
const INJECTIONS = [
  'ORB-12" OR project = "NEB',
  'ORB-12 OR project = NEB',
  'ORB) OR (project = NEB',
  '../../myself',
  '..%2F..%2Fmyself',
  'ORB-12/properties/popm.acceptance',
  'ORB-12%2Fproperties%2Fpopm.acceptance',
  'ORB-12?fields=*all',
  'ORB-12#x',
  '%2e%2e',
  'ORB\\-12',
  'orb-12',
  'ORB-0',
  'ORB-12\n',
  ' ORB-12',
  'ORB-12\u0000',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'x'.repeat(100_000),
];

const hostile = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Payloads close to valid ones (right keys, hostile values) and plain random JSON. */
const payloadArb = fc.oneof(
  fc.record(
    {
      issueKey: hostile,
      projectKey: hostile,
      query: hostile,
      cursor: hostile,
      accountIds: fc.oneof(fc.array(hostile, { maxLength: 3 }), fc.array(fc.constant(PO), { maxLength: 40 })),
      revision: fc.oneof(fc.integer(), fc.double(), fc.constant(0), fc.string()),
      config: fc.anything(),
      override: fc.anything(),
      rules: fc.anything(),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
  fc.jsonValue(),
);

describe('resolver payloads', () => {
  it.each(RESOLVER_NAMES)('%s: typed error or result, never INTERNAL, no partial write', async (name) => {
    const h = harness();
    await fc.assert(
      fc.asyncProperty(payloadArb, fc.constantFrom(PO, OTHER, ADMIN), async (payload, who) => {
        const before = await h.dump();
        const result = await h.call(name, payload, who);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          expect(ERROR_CODES).toContain(result.error.code);
          expect(result.error.code).not.toBe('INTERNAL');
          expect(result.error.message.length).toBeLessThan(2000);
          // A refused write leaves the store exactly as it was.
          if (WRITES.includes(name)) expect(await h.dump()).toEqual(before);
        }
      }),
      { numRuns: 40, seed: 20260301 },
    );
    expect(h.logs.filter((l) => l.message.includes('unexpectedly'))).toEqual([]);
  });

  it('injection attempts in keys never reach Jira, and no request leaves /rest/api/3 or climbs out of it', async () => {
    const h = harness();
    for (const value of INJECTIONS) {
      for (const [name, payload] of [
        ['getIssueView', { issueKey: value }],
        ['acceptStory', { issueKey: value }],
        ['setOwner', { issueKey: value, accountIds: [PO] }],
        ['getProjectTree', { projectKey: value }],
        ['startScan', { projectKey: value }],
        ['saveProjectConfig', { projectKey: value, override: {}, revision: 0 }],
        ['getChildren', { issueKey: STORY, cursor: value }],
        ['getProjectTree', { projectKey: 'ORB', cursor: value }],
      ] as const) {
        const result = await h.call(name, payload, PO);
        expect(result).toMatchObject({ ok: false });
        if (!result.ok) expect(['BAD_REQUEST', 'NOT_FOUND']).toContain(result.error.code);
      }
    }
    for (const e of h.emulator.requests.entries) expect(isSafeApiPath(e.path)).toBe(true);
    expect(await h.dump()).toEqual({});
  });

  it('user search text travels as one query parameter, whatever it holds', async () => {
    const h = harness();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...INJECTIONS.filter((s) => s.length <= 100)),
          fc.string({ maxLength: 100 }),
        ),
        async (query) => {
          h.emulator.requests.reset();
          const result = await h.call('searchUsers', { query }, OTHER);
          if (!result.ok)
            expect(['BAD_REQUEST', 'RATE_LIMITED', 'JIRA_UNAVAILABLE']).toContain(result.error.code);
          for (const e of h.emulator.requests.entries) {
            const url = new URL(e.path, 'http://x.invalid');
            expect(url.pathname).toBe('/rest/api/3/user/search');
            expect(url.searchParams.get('query')).toBe(query);
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('an oversized payload is refused before any work', async () => {
    const h = harness();
    const big = await h.call('setOwner', { issueKey: STORY, accountIds: Array(10_000).fill(PO) }, PO);
    expect(big).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const huge = await h.call('searchUsers', { query: 'a'.repeat(1_000_000) }, PO);
    expect(huge).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(h.emulator.requests.count).toBe(0);
  });
});

describe('JQL and REST paths built from data', () => {
  /** Reads back a JQL string literal; undefined when it is not exactly one literal. */
  function readLiteral(jql: string): string | undefined {
    if (!jql.startsWith('"') || !jql.endsWith('"') || jql.length < 2) return undefined;
    let out = '';
    const map: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' };
    for (let i = 1; i < jql.length - 1; i++) {
      const ch = jql[i]!;
      if (ch === '"') return undefined; // an unescaped quote would end the literal early
      if (ch === '\\') {
        const next = map[jql[++i] ?? ''];
        if (next === undefined) return undefined;
        out += next;
      } else out += ch;
    }
    return out;
  }

  it('jqlString always makes exactly one literal holding the value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...INJECTIONS)), (s) => {
        expect(readLiteral(jqlString(s))).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('a quoted injection matches nothing instead of widening the search', async () => {
    const emulator = createEmulator(sample);
    const api = new JiraApi(emulator.transportFor(OTHER));
    for (const s of INJECTIONS.slice(0, 3)) {
      const error: unknown = await api
        .searchJqlAll({ jql: `project = ${jqlString(s)}`, fields: ['summary'] })
        .then(
          (issues) => issues,
          (e: unknown) => e,
        );
      // Either Jira says the project does not exist, or nothing matches: never NEB's issues.
      if (Array.isArray(error)) expect(error).toEqual([]);
      else expect(isJiraError(error, 'bad-request')).toBe(true);
    }
  });

  it('apiPath keeps every segment inside its slot', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom(...INJECTIONS)), (segment) => {
        let path: string;
        try {
          path = apiPath(['issue', segment, 'properties', 'popm.acceptance']);
        } catch (e) {
          expect(['.', '..']).toContain(segment);
          expect(String(e)).toMatch(/refusing to build a Jira path/);
          return;
        }
        expect(isSafeApiPath(path)).toBe(true);
        const parts = path.split('?')[0]!.split('/');
        expect(parts).toHaveLength(8);
        expect(parts.slice(0, 5)).toEqual(['', 'rest', 'api', '3', 'issue']);
        expect(decodeURIComponent(parts[5]!)).toBe(segment);
      }),
      { numRuns: 500 },
    );
  });
});

describe('configurations', () => {
  const validConfig = {
    version: 1,
    delegates: { [PO]: [OTHER] },
    roles: { team: { fields: ['customfield_10103'] } },
    rules: { 'story-missing-po': { severity: 'error' } },
    projects: { ORB: { delegates: [OTHER] } },
  };

  /** Replaces the value at a random path of `base` by `value`. */
  function mutate(base: unknown, path: number[], value: unknown): unknown {
    if (path.length === 0 || typeof base !== 'object' || base === null) return value;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(base)
      ? [...(base as unknown[])]
      : { ...(base as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0) return value;
    const key = keys[path[0]! % keys.length]!;
    (copy as Record<string, unknown>)[key] = mutate(
      (copy as Record<string, unknown>)[key],
      path.slice(1),
      value,
    );
    return copy;
  }

  it('parseConfig returns a config or throws ConfigError naming a path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc
            .tuple(fc.array(fc.nat(), { maxLength: 5 }), fc.anything())
            .map(([p, v]) => mutate(validConfig, p, v)),
        ),
        (input) => {
          try {
            const config = parseConfig(input);
            // A config that parses is a fixed point: parsing it again changes nothing.
            expect(parseConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
          } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
            expect((e as ConfigError).issues.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 400, seed: 11 },
    );
  });

  it('a rejected saveConfig stores nothing; an accepted one stores exactly what parses', async () => {
    const h = harness();
    let revision = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .tuple(fc.array(fc.nat(), { maxLength: 4 }), fc.anything())
          .map(([p, v]) => mutate(validConfig, p, v)),
        async (config) => {
          const before = await h.dump();
          const result = await h.call('saveConfig', { config, revision }, ADMIN);
          if (result.ok) {
            revision = result.data.revision;
            expect(result.data.config).toEqual(parseConfig(config));
          } else {
            expect(['INVALID_CONFIG', 'BAD_REQUEST']).toContain(result.error.code);
            expect(await h.dump()).toEqual(before);
          }
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });
});

describe('snapshots', () => {
  const raw = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;

  it('parseSnapshot on a mutated sample returns a snapshot or throws SnapshotError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.jsonValue({ maxDepth: 2 }),
        (path, value) => {
          const copy = structuredClone(raw);
          setAt(copy, path, value);
          try {
            const parsed = parseSnapshot(copy);
            expect(parsed.format).toBe('popm-snapshot/1');
          } catch (e) {
            expect(e).toBeInstanceOf(SnapshotError);
            expect((e as SnapshotError).problems.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 80, seed: 13 },
    );
  });

  it('a snapshot that parses can be served and audited without a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 2, maxLength: 5 }),
        fc.jsonValue({ maxDepth: 1 }),
        async (path, value) => {
          const copy = structuredClone(raw);
          setAt(copy, path, value);
          let snapshot;
          try {
            snapshot = parseSnapshot(copy);
          } catch (e) {
            expect(e).toBeInstanceOf(SnapshotError);
            return;
          }
          const emulator = createEmulator(snapshot);
          const account = emulator.defaultAccountId ?? snapshot.users[0]?.accountId;
          if (account === undefined) return;
          const site = await scanProject(
            new JiraApi(emulator.transportFor(account)),
            'ORB',
            DEFAULT_CONFIG,
          ).catch((e: unknown) => {
            // A mutated site may lack the project or answer 401 for an unknown account: typed errors.
            expect(isJiraError(e)).toBe(true);
            return undefined;
          });
          if (site) expect(Array.isArray(site.issues)).toBe(true);
        },
      ),
      { numRuns: 15, seed: 14 },
    );
  });
});

describe('Jira answers', () => {
  const endpoints: [string, (api: JiraApi) => Promise<unknown>][] = [
    ['issuetype', (api) => api.getIssueTypes()],
    ['field', (api) => api.getFields()],
    ['search/jql', (api) => api.searchJql({ jql: 'project = ORB', fields: ['summary'] })],
    ['issue/bulkfetch', (api) => api.bulkFetch(['ORB-1'], ['summary'])],
    ['issue/ORB-1', (api) => api.getIssue('ORB-1')],
    ['project/ORB', (api) => api.getProject('ORB')],
    ['project/search', (api) => api.searchProjects()],
    ['myself', (api) => api.getMyself()],
    ['mypermissions', (api) => api.getMyPermissions(['ADMINISTER'])],
    ['user/search', (api) => api.searchUsers('lena')],
  ];

  it.each(endpoints)('%s: a random 200 body is a result or a bad-response JiraError', async (path, call) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const emulator = createEmulator(sample, {
          faults: jsonAnswer(body, { match: { path: `/rest/api/3/${path}` } }),
        });
        const api = new JiraApi(emulator.transportFor(ADMIN), { sleep: () => Promise.resolve() });
        await call(api).catch((e: unknown) => {
          expect(isJiraError(e, 'bad-response')).toBe(true);
          // Not retried: the same body would come back.
          expect(emulator.requests.count).toBe(1);
        });
      }),
      { numRuns: 40, seed: 15 },
    );
  });

  it('a scan over mutated search pages ends in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.jsonValue({ maxDepth: 2 }),
        async (path, value) => {
          const emulator = createEmulator(sample);
          let mutated = false;
          emulator.injectFault(async (req, _i, next) => {
            if (mutated || !req.path.startsWith('/rest/api/3/search/jql')) return undefined;
            mutated = true;
            const answer = await next();
            const body = JSON.parse(answer.text) as unknown;
            setAt(body, path, value);
            return { ...answer, text: JSON.stringify(body) };
          });
          const retries: string[] = [];
          const api = new JiraApi(emulator.transportFor(ADMIN), {
            sleep: () => Promise.resolve(),
            onRetry: (e) => void retries.push(e.error.message),
          });
          await scanProject(api, 'ORB', DEFAULT_CONFIG).then(
            (site) => expect(Array.isArray(site.issues)).toBe(true),
            (e: unknown) => expect(isJiraError(e)).toBe(true),
          );
          // A bad answer is not retried: the same request would get the same answer.
          expect(retries).toEqual([]);
        },
      ),
      { numRuns: 40, seed: 16 },
    );
  });
});
