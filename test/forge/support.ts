/** An emulator-backed AppDeps: the real services over an in-process Jira and an in-memory store. */
import { readFileSync } from 'node:fs';
import { createEmulator, SAMPLE_SNAPSHOT_PATH, type JiraEmulator } from '../../src/emulator';
import { buildResolver } from '../../src/resolvers';
import { invokeResolver, type Definitions, type InvokeContext } from '../../src/resolvers/invoke';
import type { AppDeps, ScanQueue } from '../../src/platform/deps';
import type { ResolverName } from '../../src/shared/contract';
import { parseSnapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';

export const ADMIN = 'u-morgan-reyes'; // site admin, not ORB's PO
export const PO = 'u-lena-fischer'; // ORB's lead (project admin) and the PO of ORB stories
export const OTHER = 'u-kenji-sato'; // neither

const snapshot = parseSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));

export interface Harness {
  emulator: JiraEmulator;
  store: MemoryStore;
  deps: AppDeps;
  definitions: Definitions;
  pushed: { projectKey: string }[];
  // Tests read results by shape (`result.data.issue.key`), whatever the resolver; `any` keeps them short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(name: ResolverName, payload: unknown, accountId?: string, extra?: InvokeContext): Promise<any>;
}

export function harness(
  options: {
    queue?: boolean;
    now?: Date;
    /** More accounts on the site, named by their ids (settings may only name existing accounts). */
    accounts?: readonly string[];
  } = {},
): Harness {
  const extra = (options.accounts ?? []).map((accountId) => ({
    accountId,
    displayName: accountId,
    active: true,
  }));
  const emulator = createEmulator(
    extra.length ? { ...snapshot, users: [...snapshot.users, ...extra] } : snapshot,
  );
  const store = new MemoryStore();
  const pushed: { projectKey: string }[] = [];
  const queue: ScanQueue = { push: async (e) => void pushed.push(e) };
  const deps: AppDeps = {
    jiraAsUser: (id) => emulator.transportFor(id),
    // The emulator has no app principal; the first admin stands in for it.
    jiraAsApp: () => emulator.transportFor(ADMIN),
    store,
    now: () => options.now ?? new Date('2026-03-01T12:00:00.000Z'),
    ...(options.queue ? { queue } : {}),
  };
  const definitions = buildResolver(deps).getDefinitions();
  return {
    emulator,
    store,
    deps,
    definitions,
    pushed,
    call: (name, payload, accountId, extra) =>
      invokeResolver(definitions, name, payload, { ...(accountId ? { accountId } : {}), ...extra }),
  };
}

export async function issueProperty(h: Harness, key: string, property: string): Promise<unknown> {
  const res = await h.emulator.transportFor(ADMIN)({
    method: 'GET',
    path: `/rest/api/3/issue/${key}/properties/${property}`,
  });
  return res.status === 200 ? (JSON.parse(res.text) as { value: unknown }).value : undefined;
}
