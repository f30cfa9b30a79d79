/**
 * Jira cost per user action (issue 10's table): requests, issues returned and other objects
 * returned, for each action cold (right after install) and warm (as in use: the viewer opened the
 * issue a minute earlier). Jira meters apps in points, about one per request plus one per object
 * returned, so `points` is requests + issues + other objects.
 *
 * Counted at the transport seam (src/jira/transport.ts) around the real resolvers and the
 * validator's service over the emulator (test/forge/actions.ts, the same runs the cost guard in
 * test/forge/cost.test.ts asserts). The same table through the bundled Forge handlers is the
 * `bundled` section (bench/bundled.ts).
 */
import { ACTIONS } from '../test/forge/actions';
import type { BenchSection } from './section';

const row = (cells: (string | number)[], widths: number[]): string =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('');

export const actionsBench: BenchSection = {
  name: 'actions',
  description: 'Jira requests and objects per user action (resolvers over the emulator, transport seam)',
  async run() {
    console.log(
      'counted at src/jira/transport.ts around the real resolvers (bundled handlers: --only bundled)',
    );
    console.log('cold: right after install; warm: the viewer opened the issue a minute earlier');
    console.log('a write includes the panel reload the UI makes when the answer carries no view\n');
    const widths = [34, 6, 10, 8, 8, 8, 10, 8, 8, 8];
    console.log(
      row(
        ['action', 'goal', 'cold req', 'issues', 'other', 'points', 'warm req', 'issues', 'other', 'points'],
        widths,
      ),
    );
    for (const action of ACTIONS) {
      const cells: (string | number)[] = [action.name, `<= ${action.goal}`];
      for (const warmth of ['cold', 'warm'] as const) {
        const { cost } = await action.run(warmth);
        cells.push(cost.requests, cost.issues, cost.others, cost.requests + cost.issues + cost.others);
      }
      console.log(row(cells, widths));
    }
  },
};
