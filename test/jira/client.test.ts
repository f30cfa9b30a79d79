import { z } from 'zod';
import { DEFAULT_RETRY_POLICY, JiraClient, readRateSignal, retryDelay } from '../../src/jira/client';
import { JiraError, parseRetryAfter, RequestRefusedError } from '../../src/jira/errors';
import { json, scripted } from './fake-transport';

const ok = z.object({ ok: z.boolean() });
const GET = { method: 'GET' as const, path: '/rest/api/3/myself' };

function client(
  steps: Parameters<typeof scripted>[0],
  opts: ConstructorParameters<typeof JiraClient>[1] = {},
  fallback?: Parameters<typeof scripted>[1],
) {
  const transport = scripted(steps, fallback);
  const sleeps: number[] = [];
  const c = new JiraClient(transport, {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    ...opts,
  });
  return { c, transport, sleeps };
}

async function failure(p: Promise<unknown>): Promise<JiraError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof JiraError) return e;
    throw e;
  }
  throw new Error('expected a JiraError');
}

describe('JiraClient', () => {
  it('returns the validated body and counts the request', async () => {
    const { c } = client([json(200, { ok: true, extra: 1 })]);
    await expect(c.request(GET, ok)).resolves.toEqual({ ok: true });
    expect(c.requestCount).toBe(1);
  });

  it('honours Retry-After in seconds on 429, adds bounded jitter, and counts every attempt', async () => {
    const { c, sleeps } = client(
      [json(429, {}, { 'retry-after': '3' }), json(429, {}, { 'retry-after': '1' }), json(200, { ok: true })],
      { random: () => 0.999 },
    );
    await expect(c.request(GET, ok)).resolves.toEqual({ ok: true });
    expect(c.requestCount).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[0]).toBeLessThan(3000 + DEFAULT_RETRY_POLICY.retryAfterJitterMs);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeLessThan(1000 + DEFAULT_RETRY_POLICY.retryAfterJitterMs);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const { c, sleeps } = client(
      [json(429, {}, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), json(200, { ok: true })],
      { random: () => 0 },
    );
    await c.request(GET, ok);
    expect(sleeps).toEqual([5000]);
  });

  it('gives up on 429 after maxAttempts with a rate-limit error carrying retryAfterMs', async () => {
    const { c, sleeps } = client([], { retry: { maxAttempts: 3 } }, json(429, {}, { 'retry-after': '2' }));
    const e = await failure(c.request(GET, ok));
    expect(e.kind).toBe('rate-limit');
    expect(e.retryAfterMs).toBe(2000);
    expect(e.attempts).toBe(3);
    expect(c.requestCount).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not wait longer than maxTotalWaitMs in total', async () => {
    const { c, sleeps } = client(
      [],
      { retry: { maxAttempts: 100, maxTotalWaitMs: 10_000 } },
      json(429, {}, { 'retry-after': '4' }),
    );
    const e = await failure(c.request(GET, ok));
    expect(e.kind).toBe('rate-limit');
    const total = sleeps.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(10_000);
    expect(sleeps.length).toBe(2);
    expect(c.requestCount).toBe(3);
  });

  it('never loops forever even when Jira always fails and nothing is ever waited', async () => {
    const { c } = client([], { retry: { maxAttempts: 7, baseDelayMs: 0 } }, json(503, {}));
    const e = await failure(c.request(GET, ok));
    expect(e.kind).toBe('server');
    expect(c.requestCount).toBe(7);
  });

  it('retries 5xx with exponential backoff and equal jitter', async () => {
    const { c, sleeps } = client([json(500, {}), json(502, {}), json(503, {}), json(200, { ok: true })], {
      random: () => 0,
    });
    await c.request(GET, ok);
    // base 500ms doubling, half fixed: 250, 500, 1000 at random() = 0
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(c.requestCount).toBe(4);
  });

  it('keeps backoff jitter within [step/2, step)', () => {
    const err = new JiraError('server', 'x');
    for (const r of [0, 0.25, 0.5, 0.999]) {
      for (let retry = 1; retry <= 8; retry++) {
        const step = Math.min(
          DEFAULT_RETRY_POLICY.maxDelayMs,
          DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (retry - 1),
        );
        const d = retryDelay(err, retry, DEFAULT_RETRY_POLICY, () => r);
        expect(d).toBeGreaterThanOrEqual(step / 2);
        expect(d).toBeLessThan(step);
      }
    }
  });

  it('retries network errors and then reports them as network', async () => {
    const { c } = client([new Error('ECONNRESET'), json(200, { ok: true })]);
    await expect(c.request(GET, ok)).resolves.toEqual({ ok: true });
    expect(c.requestCount).toBe(2);

    const { c: c2 } = client([], { retry: { maxAttempts: 2 } }, new Error('getaddrinfo ENOTFOUND'));
    const e = await failure(c2.request(GET, ok));
    expect(e.kind).toBe('network');
    expect(e.message).toContain('ENOTFOUND');
    expect(c2.requestCount).toBe(2);
    // The standard Error.cause chain: the error that gave up, then the socket error behind it.
    expect(e.cause).toBeInstanceOf(JiraError);
    expect((e.cause as JiraError).cause).toEqual(new Error('getaddrinfo ENOTFOUND'));
  });

  it.each([
    [401, 'auth', /credentials \(401\).*email and API token/],
    [403, 'forbidden', /denied access \(403\)/],
    [404, 'not-found', /found nothing \(404\)/],
    [400, 'bad-request', /rejected the request \(400\)/],
  ] as const)('turns %d into a %s error at once, without retrying', async (status, cause, message) => {
    const { c, sleeps } = client([
      json(status, { errorMessages: ['Jira explains'], errors: { jql: 'bad' } }),
    ]);
    const e = await failure(c.request(GET, ok));
    expect(e.kind).toBe(cause);
    expect(e.status).toBe(status);
    expect(e.errorMessages).toEqual(['Jira explains']);
    expect(e.errors).toEqual({ jql: 'bad' });
    expect(e.message).toMatch(message);
    expect(e.message).toContain('Jira explains');
    expect(c.requestCount).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reports malformed JSON and wrong shapes as bad-response', async () => {
    const { c } = client([{ status: 200, headers: {}, text: '<html>login</html>' }]);
    const e = await failure(c.request(GET, ok));
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain('not JSON');

    const { c: c2 } = client([json(200, { ok: 'yes' })]);
    const e2 = await failure(c2.request(GET, ok));
    expect(e2.kind).toBe('bad-response');
    expect(e2.message).toContain('ok');
    expect(c2.requestCount).toBe(1);
  });

  it('does not retry a request the transport refuses to send', async () => {
    const { c } = client([new RequestRefusedError('unsafe path')], {}, json(200, { ok: true }));
    const e = await failure(c.request(GET, ok));
    expect(e.kind).toBe('bad-request');
    expect(c.requestCount).toBe(1);
  });
});

describe('slowing down before Jira refuses (rate-limit headers on any answer)', () => {
  const body = { ok: true };
  it('pauses before the next request after X-RateLimit-NearLimit, and stops once the signal goes', async () => {
    const { c, sleeps } = client([
      json(200, body, { 'x-ratelimit-nearlimit': 'true' }),
      json(200, body),
      json(200, body),
    ]);
    await c.request(GET, ok);
    expect(sleeps).toEqual([]);
    await c.request(GET, ok);
    expect(sleeps).toEqual([DEFAULT_RETRY_POLICY.nearLimitPauseMs]);
    await c.request(GET, ok);
    expect(sleeps).toEqual([DEFAULT_RETRY_POLICY.nearLimitPauseMs]);
    expect(c.pausedMs).toBe(DEFAULT_RETRY_POLICY.nearLimitPauseMs);
  });

  it('waits the Beta-Retry-After Jira names (capped), and reads Remaining below 20% of Limit', async () => {
    const { c, sleeps } = client([
      json(200, body, { 'beta-retry-after': '4' }),
      json(200, body, { 'beta-retry-after': '600' }),
      json(200, body, { 'x-ratelimit-limit': '350', 'x-ratelimit-remaining': '69' }),
      json(200, body, { 'x-ratelimit-limit': '350', 'x-ratelimit-remaining': '70' }),
      json(200, body),
    ]);
    for (let i = 0; i < 5; i++) await c.request(GET, ok);
    expect(sleeps).toEqual([4000, DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.nearLimitPauseMs]);
  });

  it('skips a pause the invocation has no time for', async () => {
    let t = 0;
    const { c, sleeps } = client([json(200, body, { 'beta-retry-after': '5' }), json(200, body)], {
      deadline: { at: 6_000, now: () => t },
    });
    await c.request(GET, ok);
    t = 1_000; // 5 s left: a 5 s pause would leave none for the request
    await c.request(GET, ok);
    expect(sleeps).toEqual([]);
  });

  it('does not add a pause to the retry of a 429, and names the limit that refused', async () => {
    const { c, sleeps } = client(
      [
        json(
          429,
          {},
          { 'retry-after': '2', 'x-ratelimit-nearlimit': 'true', 'ratelimit-reason': 'jira-burst-based' },
        ),
        json(200, body),
      ],
      { random: () => 0 },
    );
    await c.request(GET, ok);
    expect(sleeps).toEqual([2000]);
    const refused = client([json(429, {}, { 'ratelimit-reason': 'jira-quota-tenant-based' })], {
      retry: { maxAttempts: 1 },
    });
    expect((await failure(refused.c.request(GET, ok))).message).toContain('429 (jira-quota-tenant-based)');
  });

  it('reads the headers', () => {
    expect(readRateSignal({}, 0)).toEqual({ nearLimit: false, betaRetryAfterMs: undefined });
    expect(readRateSignal({ 'x-beta-ratelimit-nearlimit': 'TRUE' }, 0).nearLimit).toBe(true);
    expect(readRateSignal({ 'x-ratelimit-nearlimit': 'false' }, 0).nearLimit).toBe(false);
    expect(readRateSignal({ 'x-ratelimit-limit': '0', 'x-ratelimit-remaining': '0' }, 0).nearLimit).toBe(
      false,
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds, dates and rejects junk', () => {
    expect(parseRetryAfter('10', now)).toBe(10_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
