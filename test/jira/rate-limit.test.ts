/**
 * The client against the emulator's points budget (src/emulator/faults.ts `pointsBudget`): it
 * slows down once Jira's headers say less than 20% is left, and a spent budget is refused with
 * the reason Jira names.
 */
import { createEmulator, generateSite } from '../../src/emulator';
import { pointsBudget } from '../../src/emulator/faults';
import { JiraApi } from '../../src/jira/api';
import { JiraError } from '../../src/jira/errors';

describe('the hourly points budget', () => {
  it('paces the requests near the limit, then gives up with the reason once it is spent', async () => {
    const now = Date.parse('2026-03-01T10:30:00.000Z');
    const budget = pointsBudget(1_000, { now: () => new Date(now) });
    const emulator = createEmulator(
      generateSite({ features: 12, storiesPerFeature: 100, teamProjects: 1, seed: 3 }),
      {
        faults: budget,
      },
    );
    const sleeps: number[] = [];
    const api = new JiraApi(emulator.transportFor('u-0'), {
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
      random: () => 0,
      retry: { maxAttempts: 1 },
    });
    // Pages of 100 issues: 101 points each. Under 200 left after the 8th page: the 9th, 10th and
    // 11th wait; the 11th finds the budget spent.
    const pages: number[] = [];
    let refused: unknown;
    try {
      for await (const issues of api.searchJqlPages({
        jql: 'project = T1',
        fields: ['summary'],
        maxResults: 100,
      }))
        pages.push(issues.length);
    } catch (e) {
      refused = e;
    }
    expect(pages).toEqual(Array.from({ length: 10 }, () => 100));
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
    expect(budget.spent).toBe(1_010);
    expect(refused).toBeInstanceOf(JiraError);
    expect((refused as JiraError).kind).toBe('rate-limit');
    expect((refused as JiraError).message).toContain('jira-quota-tenant-based');
    // Until the top of the hour.
    expect((refused as JiraError).retryAfterMs).toBe(30 * 60 * 1000);
  });
});
