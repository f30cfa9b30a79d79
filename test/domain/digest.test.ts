import { configSchema, DEFAULT_CONFIG, parseConfig } from '../../src/domain/config';
import {
  awaitsAcceptance,
  DIGEST_MAX_LISTED,
  digestDay,
  digestMessage,
  planDigest,
  type WaitingStory,
} from '../../src/domain/digest';

const NOW = new Date('2026-03-10T08:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const waiting = (key: string, owners: string[], since: string | null): WaitingStory => ({
  key,
  summary: `Summary of ${key}`,
  statusName: 'In Progress',
  waitingSince: since,
  owners,
});

describe('awaiting acceptance (the queue and the digest share it)', () => {
  const base = { level: 'team' as const, status: { category: 'indeterminate' as const }, acceptance: null };
  it('is a started story without a valid, unstale acceptance', () => {
    expect(awaitsAcceptance(base)).toBe(true);
    expect(awaitsAcceptance({ ...base, status: { category: 'done' } })).toBe(true);
    expect(awaitsAcceptance({ ...base, acceptance: { valid: false, stale: false } })).toBe(true);
    expect(awaitsAcceptance({ ...base, acceptance: { valid: true, stale: true } })).toBe(true);
  });
  it('is not a new story, an accepted story, or anything above a story', () => {
    expect(awaitsAcceptance({ ...base, status: { category: 'new' } })).toBe(false);
    expect(awaitsAcceptance({ ...base, acceptance: { valid: true, stale: false } })).toBe(false);
    expect(awaitsAcceptance({ ...base, level: 'program' })).toBe(false);
    expect(awaitsAcceptance({ ...base, level: 'subtask' })).toBe(false);
  });
});

describe('planDigest', () => {
  it('groups by owner, keeps stories over the threshold, longest-waiting first', () => {
    const plan = planDigest(
      [
        waiting('T-1', ['a'], daysAgo(3)),
        waiting('T-2', ['a', 'b'], daysAgo(5)),
        waiting('T-3', ['b'], daysAgo(1)), // under the threshold
        waiting('T-4', ['c'], null), // waiting since unknown
        waiting('T-2', ['a'], daysAgo(5)), // the same story from another snapshot
      ],
      2,
      NOW,
    );
    expect(plan.map((e) => [e.accountId, e.stories.map((s) => [s.key, s.waitingDays])])).toEqual([
      [
        'a',
        [
          ['T-2', 5],
          ['T-1', 3],
        ],
      ],
      ['b', [['T-2', 5]]],
    ]);
  });
  it('needs strictly more than the threshold', () => {
    expect(planDigest([waiting('T-1', ['a'], daysAgo(2))], 2, NOW)).toEqual([]);
    expect(planDigest([waiting('T-1', ['a'], daysAgo(2.01))], 2, NOW)).toHaveLength(1);
  });
  it('counts days in UTC', () => {
    expect(digestDay(new Date('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
    expect(digestDay(new Date('2026-03-11T00:00:00.000Z'))).toBe('2026-03-11');
  });
});

describe('digestMessage', () => {
  it('lists at most DIGEST_MAX_LISTED stories and counts the rest', () => {
    const stories = Array.from({ length: DIGEST_MAX_LISTED + 3 }, (_, i) =>
      waiting(`T-${i + 1}`, ['a'], daysAgo(9)),
    );
    const [entry] = planDigest(stories, 2, NOW);
    const m = digestMessage(entry!, 2, 'https://x.atlassian.net/');
    expect(m.textBody.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(DIGEST_MAX_LISTED);
    expect(m.textBody).toContain('and 3 more.');
    expect(m.textBody).toContain('https://x.atlassian.net/browse/T-1');
    expect(m.subject).toBe(`POPM Guard: ${DIGEST_MAX_LISTED + 3} stories await your acceptance`);
  });
});

describe('digest settings', () => {
  it('default to off and 2 days, also for a stored configuration from before the digest', () => {
    expect(DEFAULT_CONFIG.digest).toEqual({ enabled: false, thresholdDays: 2 });
    const old = { version: 1, levels: { Story: 'team' }, rules: {} };
    expect(parseConfig(old)).toMatchObject({
      levels: { Story: 'team' },
      digest: { enabled: false, thresholdDays: 2 },
    });
  });
  it('refuse a threshold that is not a whole number of days in 1..90, naming the path', () => {
    for (const bad of [0, 91, 1.5, -3, '2'])
      expect(() => parseConfig({ version: 1, digest: { enabled: true, thresholdDays: bad } })).toThrow(
        /digest\.thresholdDays/,
      );
    expect(() => parseConfig({ version: 1, digest: { enabled: 'yes' } })).toThrow(/digest\.enabled/);
    expect(() => parseConfig({ version: 1, digest: { enabled: true, extra: 1 } })).toThrow(/digest/);
    expect(configSchema.parse({ version: 1, digest: { enabled: true, thresholdDays: 90 } }).digest).toEqual({
      enabled: true,
      thresholdDays: 90,
    });
  });
});
