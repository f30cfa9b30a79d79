/**
 * Wires the local host: the snapshot in the Jira emulator, an in-memory app store, the real
 * resolvers, and the host server. Used by `npm start` (main.ts) and by the browser tests.
 */
import { NeedsAuthenticationError } from '@forge/api';
import { createEmulator, type JiraEmulator } from '../emulator/emulator';
import { SAMPLE_SNAPSHOT_PATH } from '../emulator/sample';
import { buildResolver } from '../resolvers';
import { invokeResolver } from '../resolvers/invoke';
import { handleScanEvent } from '../scale/service';
import { handleDigestEvent } from '../services/digest';
import type { AppDeps, ScanQueue } from '../platform/deps';
import { loadSnapshotFile } from '../snapshot/load';
import { MemoryStore } from '../storage/memory';
import { AcceptanceStore } from '../storage/acceptance-store';
import { parseAcceptance } from '../domain/acceptance';
import { ACCEPTANCE_PROPERTY } from '../domain/types';
import type { Snapshot } from '../snapshot/format';
import { fail, RESOLVER_NAMES } from '../shared/contract';
import { localAvatarPath } from './avatars';
import { createHost } from './server';

export interface LocalHostOptions {
  port: number;
  /** A snapshot file; default POPM_SNAPSHOT, then the bundled sample site. */
  snapshotPath?: string;
  buildDir: string;
  log?: (message: string) => void;
  /**
   * Accounts that have not yet granted the app access to Jira (default: POPM_CONSENT_PENDING,
   * comma-separated). Their resolver calls fail as on Forge until they allow access in the frame.
   */
  consentPending?: readonly string[];
}

export interface LocalHost {
  url: string;
  port: number;
  emulator: JiraEmulator;
  store: MemoryStore;
  close(): Promise<void>;
}

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? (() => undefined);
  const snapshotPath = options.snapshotPath ?? process.env.POPM_SNAPSHOT ?? SAMPLE_SNAPSHOT_PATH;
  const snapshot = await loadSnapshotFile(snapshotPath);
  // Pages show avatars the host draws (./avatars.ts): the sample's accounts have none anywhere.
  // Jira's avatar URLs are absolute (AvatarUrlsBean, format uri), so they need the host's origin,
  // known once it listens; nothing asks the emulator for a user before then.
  let origin = '';
  const emulator = createEmulator(snapshot, {
    avatarUrlOf: (kind, id) => `${origin}${localAvatarPath(kind, id)}`,
  });
  const store = new MemoryStore();
  // The app's own identity: an app account of the snapshot if it has one, else the first admin.
  const appAccount =
    snapshot.users.find((u) => u.accountType === 'app')?.accountId ?? emulator.defaultAccountId;
  if (!appAccount) throw new Error(`${snapshotPath} has no users: the local host needs at least one admin`);

  const pending = new Set<Promise<unknown>>();
  // Locally, queued scan steps run in-process right after the current call returns: the same
  // consumer work as on Forge (`handleScanEvent` on the pushed body), continuations included.
  const queue: ScanQueue = {
    push(event) {
      const p = (async () => {
        await new Promise((r) => setImmediate(r));
        try {
          // The consumer's dispatch on Forge (src/entry/scan-consumer.ts): the digest, else a scan step.
          if (!(await handleDigestEvent(deps, event))) await handleScanEvent(deps, event);
        } catch (e: unknown) {
          log(`queued step of ${event.projectKey} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      })();
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return Promise.resolve();
    },
  };
  const consentPending = new Set(
    options.consentPending ?? (process.env.POPM_CONSENT_PENDING ?? '').split(',').filter(Boolean),
  );
  const deps: AppDeps = {
    jiraAsUser: (accountId) => {
      const transport = emulator.transportFor(accountId);
      // Forge's proxy refuses asUser() requests of a user who has not consented, with this error.
      return (request) =>
        consentPending.has(accountId)
          ? Promise.reject(
              new NeedsAuthenticationError('Authentication Required', 'atlassian-token-service-key'),
            )
          : transport(request);
    },
    jiraAsApp: () => emulator.transportFor(appAccount),
    store,
    now: () => new Date(),
    queue,
    log: (message, extra) => log(extra ? `${message} ${JSON.stringify(extra)}` : message),
  };
  const adopted = await adoptSnapshotAcceptances(snapshot, new AcceptanceStore(store));
  log(`adopted ${adopted} acceptance records from the site's popm.acceptance properties`);
  const definitions = buildResolver(deps).getDefinitions();

  const host = createHost({
    snapshot,
    buildDir: options.buildDir,
    log,
    grantConsent: (accountId) => consentPending.delete(accountId),
    invoke: (name, payload, context) => {
      const known = RESOLVER_NAMES.find((n) => n === name);
      // Jira answers an unknown function key with an error; so do we, in the envelope.
      if (!known) return Promise.resolve(fail('BAD_REQUEST', `no resolver named ${name}`));
      return invokeResolver(definitions, known, payload, {
        accountId: context.accountId,
        extension: context.extension,
      });
    },
  });
  const port = await host.listen(options.port);
  origin = `http://localhost:${port}`;
  log(`POPM Guard local host on http://localhost:${port} (site: ${snapshotPath})`);
  return {
    url: origin,
    port,
    emulator,
    store,
    async close() {
      await host.close();
      await Promise.allSettled([...pending]);
    },
  };
}

/**
 * The snapshot stands for a site the app has been running on, so its `popm.acceptance` properties
 * are the mirrors of records the app made: they seed the app's store, which is then the truth as on
 * Forge. Without this the local app and `popm audit` (which reads the properties) would disagree on
 * every accepted story. Malformed properties are not adopted, the same as the engine ignores them.
 */
export async function adoptSnapshotAcceptances(
  snapshot: Snapshot,
  acceptances: AcceptanceStore,
): Promise<number> {
  let count = 0;
  for (const issue of snapshot.issues) {
    // Records and decisions, read the way the engine reads the mirror (the latest decision decides).
    const read = parseAcceptance(issue.properties?.[ACCEPTANCE_PROPERTY]);
    if (read.state === 'malformed' || (read.state === 'absent' && !read.decisions)) continue;
    const record = read.state === 'present' ? read.record : null;
    if (await acceptances.adopt(issue.id, issue.key, record, read.decisions ?? [])) count++;
  }
  return count;
}
