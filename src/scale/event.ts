/**
 * The one parser of Jira's issue events (avi:jira:created/updated/deleted:issue), shared by the
 * event pipeline and the tree patches, so both read the same event the same way.
 */
import { z } from 'zod';
import type { IssueEventKind } from './incremental';

const changeItemSchema = z.looseObject({
  field: z.string().optional(),
  fieldId: z.string().optional(),
  from: z.string().nullable().optional(),
  fromString: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  toString: z.string().nullable().optional(),
});
export type ChangeItem = z.infer<typeof changeItemSchema>;

export const issueEventSchema = z.looseObject({
  eventType: z.string().optional(),
  /** Who caused the event (Forge product events). */
  atlassianId: z.string().optional(),
  issue: z.looseObject({
    /** Absent only in the app's own synthetic events after a write (they name the key). */
    id: z.string().min(1).optional(),
    key: z.string().min(1),
    fields: z.looseObject({ parent: z.looseObject({ key: z.string() }).nullable().optional() }).optional(),
  }),
  changelog: z
    .looseObject({ items: z.array(changeItemSchema).default([]) })
    .nullable()
    .optional(),
});

export interface IssueEvent {
  kind: IssueEventKind;
  issueId?: string;
  issueKey: string;
  /** The parent now (from the event's fields), if any. */
  parentKey?: string;
  /** Parents before and after, from the event: both trees' features may change. */
  parentKeys: string[];
  /** False for an update that changed nothing the rules read (labels, comments...). */
  relevant: boolean;
  statusChanged: boolean;
  /** Who caused the event, when Forge says (owner changes are recorded for self-appointment). */
  actor?: string;
  /** The changelog's items, as Jira sent them. */
  items: ChangeItem[];
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

function fieldOf(item: ChangeItem): string {
  return (item.fieldId ?? item.field ?? '').toLowerCase();
}

/** Field changes that can change a row or a finding (owners, status, hierarchy, summary...). */
function relevantChange(item: ChangeItem): boolean {
  const field = fieldOf(item);
  return (
    field === 'status' ||
    field === 'summary' ||
    field === 'parent' ||
    field === 'issueparentassociation' ||
    field === 'issuetype' ||
    field === 'description' ||
    field.startsWith('customfield_') ||
    /owner|manager|team|acceptance/.test((item.field ?? '').toLowerCase())
  );
}

export function parseIssueEvent(input: unknown): IssueEvent | undefined {
  const parsed = issueEventSchema.safeParse(input);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const kind: IssueEventKind =
    event.eventType === 'avi:jira:deleted:issue'
      ? 'deleted'
      : event.eventType === 'avi:jira:created:issue'
        ? 'created'
        : 'updated';
  const items = event.changelog?.items ?? [];
  const parentKey = event.issue.fields?.parent?.key;
  const parentKeys = new Set<string>();
  if (parentKey) parentKeys.add(parentKey);
  for (const item of items) {
    const field = fieldOf(item);
    if (field === 'parent' || field === 'issueparentassociation')
      // Jira puts keys in the *String values.
      for (const v of [item.fromString, item.toString]) if (v && ISSUE_KEY.test(v)) parentKeys.add(v);
  }
  return {
    kind,
    ...(event.issue.id !== undefined ? { issueId: event.issue.id } : {}),
    issueKey: event.issue.key,
    ...(parentKey !== undefined ? { parentKey } : {}),
    parentKeys: [...parentKeys],
    relevant: kind !== 'updated' || items.length === 0 || items.some(relevantChange),
    statusChanged: items.some((i) => fieldOf(i) === 'status'),
    ...(event.atlassianId !== undefined ? { actor: event.atlassianId } : {}),
    items,
  };
}
