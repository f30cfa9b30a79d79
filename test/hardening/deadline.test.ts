/**
 * Forge's time limits per invocation: no wait (Retry-After or back-off) is started that would
 * cross the invocation's deadline, a rate limit is answered as RATE_LIMITED with Jira's retry
 * time instead, and a write sequence that could not finish does not start. Time is virtual: the
 * client's sleep advances the same clock the deadline reads.
 */
import { deadlineAfter, DeadlineError, type Deadline } from '../../src/domain/deadline';
import { rateLimited, serverError } from '../../src/emulator/faults';
import { FORGE_TIME_LIMIT_MS, invocationDeadline, ANSWER_RESERVE_MS } from '../../src/entry/deps';
import { JiraClient } from '../../src/jira/client';
import { JiraError } from '../../src/jira/errors';
import { buildResolver } from '../../src/resolvers';
import { invokeResolver } from '../../src/resolvers/invoke';
import type { ResolverName, Result, ResultTypes } from '../../src/shared/contract';
import { KvsStore } from '../../src/storage/kvs';
import { MemoryKvs } from '../../src/storage/memory';
import { describeError } from '../../static/src/errors';
import { loadEnglish } from '../ui/english';
import { json, scripted } from '../jira/fake-transport';
import { harness, PO, STORY } from './support';

const START = Date.parse('2026-03-01T12:00:00Z');

/** A virtual clock whose sleeps advance it, and a deadline on it. */
function virtualTime(budgetMs: number) {
  const clock = { now: START, slept: [] as number[] };
  const now = () => clock.now;
  const deadline: Deadline = deadlineAfter(budgetMs, now);
  const sleep = (ms: number) => {
    clock.slept.push(ms);
    clock.now += ms;
    return Promise.resolve();
  };
  return { clock, now, deadline, sleep };
}

/** The real resolvers over the emulator, on a resolver's deadline in virtual time. */
function timedResolver(budgetMs = FORGE_TIME_LIMIT_MS.resolver - ANSWER_RESERVE_MS) {
  const h = harness();
  const t = virtualTime(budgetMs);
  const deps = {
    ...h.deps,
    now: () => new Date(t.now()),
    deadline: t.deadline,
    jiraClient: { sleep: t.sleep, random: () => 0.5, now: t.now, deadline: t.deadline },
  };
  const definitions = buildResolver(deps).getDefinitions();
  const call = <N extends ResolverName>(
    name: N,
    payload: unknown,
    accountId: string,
  ): Promise<Result<ResultTypes[N]>> => invokeResolver(definitions, name, payload, { accountId });
  return { h, t, call };
}

describe('deadline per invocation kind', () => {
  it.each([
    ['resolver', 25_000],
    ['validator', 25_000],
    ['trigger', 55_000],
    ['consumer', 900_000],
  ] as const)('%s: Forge allows %i ms; the deadline keeps a reserve to answer', (kind, limit) => {
    const d = invocationDeadline(kind, () => START);
    expect(d.at - START).toBe(limit - ANSWER_RESERVE_MS);
  });
});

describe('Jira client under a deadline', () => {
  const GET = { method: 'GET' as const, path: '/rest/api/3/myself' };

  it('does not start a Retry-After wait that would cross the deadline; reports the retry time', async () => {
    const t = virtualTime(23_000);
    const transport = scripted([json(429, {}, { 'retry-after': '30' })], json(200, {}));
    const client = new JiraClient(transport, {
      sleep: t.sleep,
      random: () => 0.5,
      now: t.now,
      deadline: t.deadline,
    });
    const error = await client.send(GET).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JiraError);
    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 30_000, attempts: 1 });
    expect((error as JiraError).message).toMatch(/no time left.*Jira asked to wait 30 s/);
    expect(t.clock.slept).toEqual([]);
    expect(transport.calls).toHaveLength(1);
  });

  it('without a deadline the same answer is waited out (what killed resolvers on Forge)', async () => {
    const t = virtualTime(23_000);
    const transport = scripted([json(429, {}, { 'retry-after': '30' })], json(200, {}));
    await new JiraClient(transport, { sleep: t.sleep, random: () => 0.5, now: t.now }).send(GET);
    expect(t.clock.slept).toEqual([30_500]);
  });

  it('backs off from 5xx only while a wait and one more attempt fit', async () => {
    const t = virtualTime(4_000);
    const transport = scripted([], json(503, {}));
    const client = new JiraClient(transport, {
      sleep: t.sleep,
      random: () => 0.5,
      now: t.now,
      deadline: t.deadline,
      retry: { maxAttempts: 10, baseDelayMs: 400 },
    });
    await expect(client.send(GET)).rejects.toMatchObject({ kind: 'server' });
    // 300 + 600 fit with the 3 s reserve for the attempt after them; 1200 would not.
    expect(t.clock.slept).toEqual([300, 600]);
    expect(t.clock.now - START + 3_000).toBeLessThanOrEqual(4_000);
  });
});

describe('resolvers under rate limiting within 25 s', () => {
  // The UI's words come from the English catalog, as boot.tsx loads it.
  beforeAll(loadEnglish);
  it('answer RATE_LIMITED with the retry time instead of waiting past the limit', async () => {
    const { h, t, call } = timedResolver();
    h.emulator.injectFault(rateLimited(Infinity, 40));
    const before = await h.dump();
    const result = await call('getIssueView', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: 40_000 } });
    expect(t.clock.slept).toEqual([]);
    expect(await h.dump()).toEqual(before);
    if (!result.ok) expect(describeError(result.error).action).toBe('Wait about 40 seconds and try again.');
  });

  it('wait out a short Retry-After that fits, and answer', async () => {
    const { h, t, call } = timedResolver();
    h.emulator.injectFault(rateLimited(1, 5));
    const result = await call('getIssueView', { issueKey: STORY }, PO);
    expect(result.ok).toBe(true);
    expect(t.clock.slept).toEqual([5_500]);
  });

  it('stop waiting once the waits so far leave too little time, and never pass the deadline', async () => {
    const { h, t, call } = timedResolver();
    h.emulator.injectFault(rateLimited(Infinity, 6));
    const result = await call('getIssueView', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: 6_000 } });
    expect(t.clock.slept).toEqual([6_500, 6_500, 6_500]); // a fourth attempt was allowed, but not in time
    expect(t.clock.now).toBeLessThanOrEqual(t.deadline.at);
  });

  it('answer JIRA_UNAVAILABLE when Jira keeps failing and back-off would cross the deadline', async () => {
    const { h, t, call } = timedResolver();
    h.emulator.injectFault(serverError(503, Infinity, { retryAfterSeconds: 10 }));
    const result = await call('getIssueView', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
    expect(t.clock.slept).toEqual([10_500]);
    expect(t.clock.now).toBeLessThanOrEqual(t.deadline.at);
  });
});

describe('write sequences finish or do not start', () => {
  it('an accept whose reads ate the time changes nothing and says so', async () => {
    const { h, t, call } = timedResolver();
    // Three 5 s rate limits on reading the story: 16.5 s gone, under 10 s left for the write.
    h.emulator.injectFault(rateLimited(3, 5, { match: { method: 'GET', path: `/issue/${STORY}` } }));
    const before = await h.dump();
    const result = await call('acceptStory', { issueKey: STORY }, PO);
    expect(result).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    if (!result.ok) expect(result.error.message).toMatch(/nothing was changed/);
    expect(t.clock.slept).toEqual([5_500, 5_500, 5_500]);
    expect(await h.dump()).toEqual(before);
    expect(h.emulator.requests.entries.filter((e) => e.method === 'PUT')).toEqual([]);
  });

  it('the same accept with the time to finish writes the record and its mirror', async () => {
    const { h, call } = timedResolver();
    h.emulator.injectFault(rateLimited(1, 5, { match: { method: 'GET', path: `/issue/${STORY}` } }));
    const result = await call('acceptStory', { issueKey: STORY }, PO);
    expect(result.ok).toBe(true);
    expect(h.emulator.requests.entries.filter((e) => e.method === 'PUT').length).toBeGreaterThan(0);
  });

  it('a kvs update does not take its lock with less than its budget left', async () => {
    const t = virtualTime(2_000);
    const kvs = new MemoryKvs(t.now);
    const store = new KvsStore(kvs, { now: t.now, deadline: t.deadline });
    await expect(store.update('count', () => 1)).rejects.toBeInstanceOf(DeadlineError);
    expect(await kvs.get('count')).toBeUndefined();
    expect(await kvs.get('lock:count')).toBeUndefined();
  });
});
