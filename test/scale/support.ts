/** Shared fixtures for the scale tests: a generated site behind the emulator, and the direct audit. */
import { DEFAULT_CONFIG, type PopmConfig } from '../../src/domain/config';
import { createEmulator, generateSite, type JiraEmulator } from '../../src/emulator';
import { JiraApi } from '../../src/jira/api';
import { scanProject } from '../../src/jira/scan';
import { evaluateFacts } from '../../src/scale/rows';
import { factPlan, toFact, type Fact, type UserDirectory } from '../../src/scale/compact';
import type { TreeRow } from '../../src/shared/contract';
import type { Snapshot } from '../../src/snapshot/format';
import { evaluate } from '../../src/domain/engine';
import { treeRow } from '../../src/scale/rows';
import type { AuditResult } from '../../src/domain/types';
import type { AppDeps } from '../../src/platform/deps';
import type { KeyValueStore } from '../../src/storage/store';

export const config: PopmConfig = DEFAULT_CONFIG;

export function site(
  features: number,
  storiesPerFeature: number,
  extra: { teamProjects?: number; subtasksPerStory?: number } = {},
): Snapshot {
  return generateSite({
    features,
    storiesPerFeature,
    seed: 7,
    teamProjects: extra.teamProjects ?? 3,
    subtasksPerStory: extra.subtasksPerStory ?? 0,
  });
}

export function apiFor(emulator: JiraEmulator): JiraApi {
  return new JiraApi(emulator.transportFor(emulator.defaultAccountId ?? 'u-0'), {
    sleep: () => Promise.resolve(),
  });
}

/** The reference: the one-shot `scanProject` + `evaluate`, rows built the same way as snapshots. */
export async function directAudit(
  emulator: JiraEmulator,
  projectKey: string,
): Promise<{ result: AuditResult; rows: TreeRow[] }> {
  const data = await scanProject(apiFor(emulator), projectKey, config);
  const result = evaluate(data, config, projectKey);
  const depth = new Map<string, number>();
  return { result, rows: result.issues.map((ev) => treeRow(ev, undefined, depth)) };
}

/** The same audit through compact facts (checks the compact form loses nothing the engine reads). */
export async function directViaFacts(emulator: JiraEmulator, projectKey: string): Promise<TreeRow[]> {
  const data = await scanProject(apiFor(emulator), projectKey, config);
  const plan = factPlan(data, config, projectKey);
  const users: UserDirectory = {};
  const facts: Fact[] = data.issues.map((i) => toFact(i, plan, users));
  return evaluateFacts(facts, users, data, config, projectKey, { kind: 'property' }).entries.map(
    (e) => e.row,
  );
}

export { createEmulator };

/** AppDeps over the emulator (Jira as the admin u-0 for the app), a store and a recording queue. */
export function appDeps(emulator: JiraEmulator, store: KeyValueStore, queued: unknown[]): AppDeps {
  return {
    jiraAsUser: (id) => emulator.transportFor(id),
    jiraAsApp: () => emulator.transportFor('u-0'),
    store,
    now: () => new Date('2026-03-01T10:00:00.000Z'),
    queue: { push: (e) => (queued.push(e), Promise.resolve()) },
    jiraClient: { sleep: () => Promise.resolve() },
  };
}
