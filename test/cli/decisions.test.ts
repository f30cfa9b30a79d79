/**
 * `popm decisions` reads the decision history from the popm.acceptance mirror of a snapshot, and
 * the app (its store seeded from the same mirrors, as the local host does) gives the same log.
 */
import { runCli } from '../../src/cli/run';
import { parseAcceptance } from '../../src/domain/acceptance';
import { ACCEPTANCE_PROPERTY } from '../../src/domain/types';
import { SAMPLE_SNAPSHOT_PATH } from '../../src/emulator';
import { decisionsToCsv, type DecisionCsvRow } from '../../src/shared/decision-log';
import { AcceptanceStore } from '../../src/storage/acceptance-store';
import { ADMIN, harness, sample } from '../hardening/support';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(args, {}, { stdout: (t) => (out += t), stderr: () => undefined });
  return { code, out };
}

describe('popm decisions', () => {
  it('prints the contract columns, stories in key order, a rejection with its reason', async () => {
    const { code, out } = await cli(['decisions', '--project', 'ORB', '--snapshot', SAMPLE_SNAPSHOT_PATH]);
    expect(code).toBe(0);
    const lines = out.split('\r\n');
    expect(lines[0]).toBe('issueKey,kind,by,byName,at,statusCategory,reason');
    expect(out).toMatch(
      /\r\nORB-\d+,rejected,u-lena-fischer,Lena Fischer,[^,]+,done,The cart is lost after logging out; the criteria say it must be kept for 30 days\.\r\n/,
    );
    const keys = lines.slice(1, -1).map((l) => Number(l.split(',')[0]!.slice(4)));
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    const json = await cli([
      'decisions',
      '--project',
      'ORB',
      '--snapshot',
      SAMPLE_SNAPSHOT_PATH,
      '--format',
      'json',
    ]);
    expect(JSON.parse(json.out)).toMatchObject({ project: 'ORB', decisions: expect.any(Array) });
  });

  it('refuses bad usage with exit code 2', async () => {
    expect((await cli(['decisions', '--snapshot', SAMPLE_SNAPSHOT_PATH])).code).toBe(2);
    expect((await cli(['decisions', '--project', 'ORB', '--format', 'xml', '--snapshot', 'x'])).code).toBe(2);
  });

  it('agrees with the app on the same snapshot', async () => {
    const h = harness();
    const store = new AcceptanceStore(h.store);
    for (const issue of sample.issues) {
      const read = parseAcceptance(issue.properties?.[ACCEPTANCE_PROPERTY]);
      if (read.state === 'malformed' || (read.state === 'absent' && !read.decisions)) continue;
      await store.adopt(
        issue.id,
        issue.key,
        read.state === 'present' ? read.record : null,
        read.decisions ?? [],
      );
    }
    const rows: DecisionCsvRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.call(
        'getDecisionLog',
        { projectKey: 'ORB', ...(cursor ? { cursor } : {}) },
        ADMIN,
      );
      if (!page.ok) throw new Error(page.error.message);
      rows.push(...page.data.rows);
      cursor = page.data.cursor ?? undefined;
    } while (cursor);
    const { out } = await cli(['decisions', '--project', 'ORB', '--snapshot', SAMPLE_SNAPSHOT_PATH]);
    expect(decisionsToCsv(rows)).toBe(out);
  });
});
