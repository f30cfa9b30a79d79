/**
 * The user actions of issue 10's cost table, each run through the real resolvers (or, for the
 * workflow validator, its service) over the emulator, with the Jira cost counted at the transport
 * seam. Shared by the cost guard (cost.test.ts) and `npm run bench` (bench/actions.ts).
 *
 * Each action runs twice, on a fresh app each time:
 * - cold: right after install (nothing cached; the project snapshots of ORB and ART built);
 * - warm: the way it happens in use: the viewer opened the issue a minute earlier (the stored
 *   view has expired, the site's fields, chain hints and permission answers have not) and, for
 *   the writes, has the panel open (the accept follows its view within seconds).
 * A write's cost includes what the UI does next: a reload of the panel when the answer does not
 * carry the updated view.
 */
import { startTreeScan } from '../../src/scale/service';
import { checkAcceptance } from '../../src/services/validator';
import { meter, type Cost } from './metering';
import { PO, harness, type Harness } from './support';

export const STORY = 'ORB-12';
/** PO of other stories below ART-4: named in the issues in hand, so no user lookup is needed. */
export const NEIGHBOUR = 'u-raj-patel';
/** Named on no issue near ORB-12: showing them as the new owner costs one user lookup. */
export const STRANGER = 'u-kenji-sato';

export type Warmth = 'cold' | 'warm';

export interface ActionRun {
  cost: Cost;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  result: any;
  h: Harness;
}

export interface Action {
  name: string;
  goal: number;
  run(warmth: Warmth): Promise<ActionRun>;
}

const START = Date.parse('2026-03-01T12:00:00.000Z');

/** A fresh app with the snapshots built and a clock the caller can move. */
async function setUp(): Promise<{ h: Harness; later(seconds: number): void }> {
  const h = harness();
  let now = START;
  h.deps.now = () => new Date(now);
  await startTreeScan(h.deps, 'ORB');
  await startTreeScan(h.deps, 'ART');
  return { h, later: (seconds) => void (now += seconds * 1000) };
}

/** Both issue surfaces, opened together as Jira opens them. */
async function openIssue(h: Harness, accountId: string, key: string): Promise<unknown[]> {
  return Promise.all([
    h.call('getIssueView', { issueKey: key }, accountId),
    h.call('getIssueView', { issueKey: key }, accountId),
  ]);
}

/** Runs a write from the panel; adds the panel's reload when the answer has no view. */
async function write(h: Harness, call: () => Promise<{ ok: boolean; data?: { view?: unknown } }>) {
  const result = await call();
  if (result.ok && result.data?.view === undefined) await h.call('getIssueView', { issueKey: STORY }, PO);
  return result;
}

async function measured(
  warmth: Warmth,
  before: (h: Harness) => Promise<unknown>,
  action: (h: Harness) => Promise<unknown>,
  /** A separate step the user takes right before (the owner picker's search), not counted. */
  justBefore?: (h: Harness) => Promise<unknown>,
): Promise<ActionRun> {
  const { h, later } = await setUp();
  const m = meter(h.deps);
  if (warmth === 'warm') {
    await before(h);
    later(60);
  }
  if (justBefore) await justBefore(h);
  m.take();
  const result = await action(h);
  return { cost: m.take(), result, h };
}

/** The PO, with the panel open, makes `accountId` the story's PO. */
function setOwnerAction(
  name: string,
  accountId: string,
  justBefore?: (h: Harness) => Promise<unknown>,
): Action {
  return {
    name,
    goal: 4,
    run: (warmth) =>
      measured(
        warmth,
        (h) => openIssue(h, PO, STORY),
        (h) => write(h, () => h.call('setOwner', { issueKey: STORY, accountIds: [accountId] }, PO)),
        justBefore,
      ),
  };
}

export const ACTIONS: Action[] = [
  {
    name: 'issue panel + issue context',
    goal: 3,
    run: (warmth) =>
      measured(
        warmth,
        (h) => openIssue(h, PO, STORY),
        (h) => openIssue(h, PO, STORY),
      ),
  },
  {
    name: 'PO accepts a story',
    goal: 4,
    run: (warmth) => {
      const accept = (h: Harness) => write(h, () => h.call('acceptStory', { issueKey: STORY }, PO));
      // Warm: the panel was opened a minute ago and the PO clicks now; cold: the first thing.
      return measured(warmth, (h) => openIssue(h, PO, STORY), accept);
    },
  },
  {
    name: 'workflow validator',
    goal: 2,
    run: (warmth) =>
      measured(
        warmth,
        (h) => openIssue(h, PO, STORY),
        (h) => checkAcceptance(h.deps, { issue: { key: STORY } }),
      ),
  },
  setOwnerAction('set an owner', NEIGHBOUR),
  setOwnerAction('set an owner named nowhere near', STRANGER),
  // The picker's own search (one request) is the step before, as in the UI.
  setOwnerAction('set an owner found with the picker', STRANGER, (h) =>
    h.call('searchUsers', { query: 'kenji' }, PO),
  ),
];
