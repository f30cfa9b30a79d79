/**
 * The daily digest to Product Owners (issue 12): each PO with stories awaiting their acceptance
 * longer than the threshold gets one Jira notification a day at most, never an inactive account.
 *
 * Who waits on what comes from the stored project trees (storage reads, no Jira search), with
 * the queue's own definition of "awaiting acceptance" (src/domain/digest.ts). Jira is asked only
 * what storage cannot answer: whether each recipient is still active (GET /user/bulk, one request
 * per 200), the site's URL for the links (GET /serverInfo, once) and the notifications themselves
 * (POST /issue/{key}/notify, one per PO). Cost per run: ceil(POs / 200) + 1 + POs requests, and
 * the users returned as objects.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { remainingMs } from '../domain/deadline';
import {
  awaitsAcceptance,
  digestDay,
  digestMessage,
  planDigest,
  type DigestEntry,
  type WaitingStory,
} from '../domain/digest';
import { JiraError } from '../jira/errors';
import type { AppDeps, QueueEvent } from '../platform/deps';
import { knownProjects } from '../scale/daily';
import { readAll } from '../scale/tree-store';
import type { DigestRunView, DigestStatus } from '../shared/contract';
import { DigestStore } from '../storage/digest-store';
import { appApi, configStore } from './site';
import { ServiceError } from './errors';

/** Time one notification may take, kept back before each send (a resolver has 25 s in all). */
const SEND_RESERVE_MS = 3_000;

/** Jira refused these requests outright: nothing was sent, so the claim can be given back. */
const REFUSED_KINDS = new Set(['bad-request', 'forbidden', 'not-found', 'auth']);

/** The queue event that runs the digest in the consumer (900 s), away from the 55 s trigger. */
export const digestEventSchema = z.looseObject({
  kind: z.literal('digest'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

export function digestEvent(date: string): QueueEvent {
  // projectKey names no project: the queue's events all carry one.
  return { projectKey: '', kind: 'digest', date };
}

/** Every story awaiting acceptance in the stored trees, with its owners and waiting start. */
export async function waitingStories(deps: Pick<AppDeps, 'store' | 'log'>): Promise<WaitingStory[]> {
  const out: WaitingStory[] = [];
  const seen = new Set<string>();
  for (const projectKey of await knownProjects(deps.store)) {
    let tree: Awaited<ReturnType<typeof readAll>>;
    try {
      tree = await readAll(deps.store, projectKey);
    } catch (error) {
      // One broken tree (being rebuilt) must not cost every other PO their digest.
      deps.log?.('digest: tree unreadable, skipped', {
        projectKey,
        message: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    if (!tree) continue;
    tree.rows.forEach((row, i) => {
      // Context rows belong to another project's stored tree; each story counts once.
      if (row.context || seen.has(row.key) || !awaitsAcceptance(row)) return;
      seen.add(row.key);
      const fact = tree.facts[i];
      out.push({
        key: row.key,
        summary: row.summary,
        statusName: row.status.name,
        waitingSince: fact?.k === row.key ? (fact.sc ?? null) : null,
        owners: row.owners.map((o) => o.accountId),
      });
    });
  }
  return out;
}

export interface DigestOutcome extends DigestRunView {
  /** POs whose digest waits for a later invocation (this one ran out of time). */
  left: number;
}

/**
 * One digest run for the current UTC day. Safe to run any number of times a day, concurrently
 * too: each PO's claim (src/storage/digest-store.ts) lets exactly one run send.
 */
export async function runDigest(deps: AppDeps): Promise<DigestOutcome> {
  const now = deps.now();
  const day = digestDay(now);
  const config = (await configStore(deps).current()).config;
  const outcome: DigestOutcome = {
    day,
    enabled: config.digest.enabled,
    due: 0,
    sent: 0,
    alreadySent: 0,
    inactive: 0,
    failed: 0,
    requests: 0,
    left: 0,
  };
  if (!config.digest.enabled) return outcome;
  const digests = new DigestStore(deps.store);
  const plan = planDigest(await waitingStories(deps), config.digest.thresholdDays, now);
  outcome.due = plan.length;
  const pending: DigestEntry[] = [];
  for (const entry of plan) {
    if (await digests.sentOn(entry.accountId, day)) outcome.alreadySent++;
    else pending.push(entry);
  }
  if (pending.length === 0) return outcome;

  const api = appApi(deps);
  // Fresh from Jira, not the stored tree's copy: an account deactivated since the scan gets nothing.
  const active = new Set(
    (await api.bulkUsers(pending.map((e) => e.accountId)))
      .filter((u) => u.active === true)
      .map((u) => u.accountId),
  );
  const recipients = pending.filter((e) => active.has(e.accountId));
  outcome.inactive = pending.length - recipients.length;
  const baseUrl = recipients.length > 0 ? await api.serverBaseUrl() : '';
  const run = randomUUID();
  for (let k = 0; k < recipients.length; k++) {
    if (deps.deadline && remainingMs(deps.deadline) < SEND_RESERVE_MS) {
      outcome.left = recipients.length - k;
      break;
    }
    const entry = recipients[k]!;
    if (!(await digests.claim(entry.accountId, day, run, now.toISOString()))) {
      outcome.alreadySent++;
      continue;
    }
    try {
      // On the longest-waiting story: the one the PO most needs to open.
      await api.notify(entry.stories[0]!.key, {
        ...digestMessage(entry, config.digest.thresholdDays, baseUrl),
        to: { users: [{ accountId: entry.accountId }] },
      });
      outcome.sent++;
    } catch (error) {
      outcome.failed++;
      const refused = error instanceof JiraError && REFUSED_KINDS.has(error.kind);
      if (refused) await digests.release(entry.accountId, run);
      deps.log?.('digest: notification failed', {
        issueKey: entry.stories[0]!.key,
        kind: error instanceof JiraError ? error.kind : 'unknown',
        released: refused,
      });
    }
  }
  outcome.requests = api.requestCount;
  if (outcome.sent > 0) await digests.recordRun(day, deps.now().toISOString(), outcome.sent);
  return outcome;
}

/** The digest as the daily job runs it: in the consumer when there is a queue, continued there if time ran out. */
export async function handleDigestEvent(deps: AppDeps, body: unknown): Promise<boolean> {
  if (!digestEventSchema.safeParse(body).success) return false;
  const outcome = await runDigest(deps);
  deps.log?.('digest', { ...outcome });
  if (outcome.left > 0 && deps.queue) await deps.queue.push(digestEvent(outcome.day));
  return true;
}

/** Called by the daily trigger: hands the run to the consumer (Forge), or runs it here (local host). */
export async function startDailyDigest(deps: AppDeps): Promise<void> {
  if (deps.queue?.pushMany) await deps.queue.pushMany([digestEvent(digestDay(deps.now()))]);
  else await handleDigestEvent(deps, digestEvent(digestDay(deps.now())));
}

/** The admin page's view: the switch's state comes with the configuration; this is the history. */
export async function digestStatus(deps: AppDeps): Promise<DigestStatus> {
  const last = await new DigestStore(deps.store).last();
  return { last: last ? { at: last.at, recipients: last.recipients } : null };
}

/**
 * "Send digest now" on the admin page, under the same once-a-day claim as the daily run. Only Jira
 * administrators reach it: the resolver table declares it `site-admin`.
 */
export async function sendDigestNow(deps: AppDeps): Promise<DigestRunView> {
  const config = (await configStore(deps).current()).config;
  if (!config.digest.enabled)
    throw new ServiceError('INVALID_STATE', 'the daily digest is switched off; switch it on and save first');
  const { left, ...view } = await runDigest(deps);
  if (left > 0 && deps.queue) await deps.queue.push(digestEvent(view.day));
  return { ...view, ...(left > 0 ? { continuing: left } : {}) };
}
