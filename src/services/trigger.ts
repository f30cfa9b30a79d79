/**
 * Issue events (avi:jira:created/updated/deleted:issue). A story that leaves done after its
 * acceptance is marked stale in the store at once (views and the validator see it before any
 * rescan); owner, parent or status changes refresh `popm.findings` of the issues they touch.
 */
import { z } from 'zod';
import { isStale } from '../domain/acceptance';
import { statusOf } from '../domain/read';
import type { AppDeps } from './deps';
import { refreshFindings } from './findings-refresh';
import { AcceptanceChangeRefused, acceptanceKey } from '../storage/acceptance-store';
import { acceptanceStore, appApi, configStore } from './site';
import { AppointmentStore } from '../storage/appointment-store';
import { ROLE_NAMES } from '../domain/types';

const changeItemSchema = z.looseObject({
  field: z.string().optional(),
  fieldId: z.string().optional(),
  from: z.string().nullable().optional(),
  fromString: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  toString: z.string().nullable().optional(),
});

export const issueEventSchema = z.looseObject({
  eventType: z.string().optional(),
  /** Who caused the event (Forge product events). */
  atlassianId: z.string().optional(),
  issue: z.looseObject({
    id: z.string().min(1),
    key: z.string().min(1),
    fields: z.looseObject({ parent: z.looseObject({ key: z.string() }).nullable().optional() }).optional(),
  }),
  changelog: z
    .looseObject({ items: z.array(changeItemSchema).default([]) })
    .nullable()
    .optional(),
});
export type IssueEvent = z.infer<typeof issueEventSchema>;

/** Field changes that can change findings (anything owner-ish, status, hierarchy). */
function relevantChange(item: z.infer<typeof changeItemSchema>): boolean {
  const field = (item.fieldId ?? item.field ?? '').toLowerCase();
  return (
    field === 'status' ||
    field === 'parent' ||
    field === 'issueparentassociation' ||
    field === 'issuetype' ||
    field === 'description' ||
    field.startsWith('customfield_') ||
    /owner|manager|team|acceptance/.test((item.field ?? '').toLowerCase())
  );
}

export interface IssueEventOutcome {
  markedStale: boolean;
  refreshed: string[];
}

export async function handleIssueEvent(deps: AppDeps, input: unknown): Promise<IssueEventOutcome> {
  const parsed = issueEventSchema.safeParse(input);
  if (!parsed.success) {
    deps.log?.('issue event ignored: unexpected shape', { problems: parsed.error.issues.length });
    return { markedStale: false, refreshed: [] };
  }
  const event = parsed.data;
  const { id, key } = event.issue;
  const parentKey = event.issue.fields?.parent?.key;

  if (event.eventType === 'avi:jira:deleted:issue') {
    await deps.store.delete(acceptanceKey(id));
    return { markedStale: false, refreshed: parentKey ? await refreshFindings(deps, [parentKey]) : [] };
  }

  const items = event.changelog?.items ?? [];
  if (event.eventType !== 'avi:jira:created:issue' && items.length > 0 && !items.some(relevantChange)) {
    return { markedStale: false, refreshed: [] };
  }

  let markedStale = false;
  if (items.some((i) => (i.fieldId ?? i.field ?? '').toLowerCase() === 'status')) {
    markedStale = await markStaleIfLeftDone(deps, id, key);
  }
  await recordAppointments(deps, event, items);
  const touched = new Set<string>([key]);
  if (parentKey) touched.add(parentKey);
  for (const item of items) {
    const field = (item.fieldId ?? item.field ?? '').toLowerCase();
    if (field === 'parent' || field === 'issueparentassociation') {
      // The old parent lost a child; its findings change too. Jira puts keys in the *String values.
      for (const v of [item.fromString, item.toString])
        if (v && /^[A-Z][A-Z0-9_]*-\d+$/.test(v)) touched.add(v);
    }
  }
  return { markedStale, refreshed: await refreshFindings(deps, [...touched]) };
}

async function markStaleIfLeftDone(deps: AppDeps, issueId: string, issueKey: string): Promise<boolean> {
  const store = acceptanceStore(deps);
  const read = await store.read(issueId);
  if (read.state !== 'present' || !read.entry.record || read.entry.staleSince !== undefined) return false;
  const issue = await appApi(deps).getIssue(issueKey, { fields: ['status', 'statuscategorychangedate'] });
  const category = statusOf(issue.fields.status).category;
  const changedAt =
    typeof issue.fields.statuscategorychangedate === 'string' ? issue.fields.statuscategorychangedate : null;
  if (!isStale(read.entry.record, category, changedAt)) return false;
  const at = deps.now().toISOString();
  let marked = false;
  try {
    await store.change(issueId, (current) => {
      marked = false;
      if (!current) throw new AcceptanceChangeRefused('not-accepted', 'revoked and removed meanwhile');
      if (!current.record || current.staleSince !== undefined) return current;
      marked = true;
      return {
        ...current,
        staleSince: at,
        revision: current.revision + 1,
        history: [...current.history.slice(-40), { action: 'stale', at }],
      };
    });
  } catch (error) {
    if (error instanceof AcceptanceChangeRefused) return false;
    throw error;
  }
  return marked;
}

/**
 * Owner changes made in Jira itself, for acceptance-self-appointed (rules.md): the accounts a
 * Product Owner field gained, and who made the change. Fields are recognised by the configured
 * team role fields, or by name as discovery does.
 */
async function recordAppointments(
  deps: AppDeps,
  event: IssueEvent,
  items: z.infer<typeof changeItemSchema>[],
): Promise<void> {
  const by = event.atlassianId;
  if (!by || items.length === 0) return;
  const config = (await configStore(deps).current()).config;
  const configured = new Set(config.roles.team?.fields ?? []);
  for (const override of Object.values(config.projects))
    for (const f of override.roles?.team?.fields ?? []) configured.add(f);
  const added = new Set<string>();
  for (const item of items) {
    const isPoField =
      (item.fieldId !== undefined && configured.has(item.fieldId)) ||
      (item.field ?? '').trim().toLowerCase() === ROLE_NAMES.team.toLowerCase();
    if (!isPoField) continue;
    const before = new Set(accountTokens(item.from));
    for (const id of accountTokens(item.to)) if (!before.has(id)) added.add(id);
  }
  if (added.size > 0)
    await new AppointmentStore(deps.store).record(event.issue.id, [...added], by, deps.now().toISOString());
}

/** Account ids in a changelog value: one id, or Jira's "[id1, id2]" list for multi-user fields. */
function accountTokens(value: string | null | undefined): string[] {
  return (value ?? '').match(/[A-Za-z0-9:_-]{3,128}/g) ?? [];
}
