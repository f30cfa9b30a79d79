/**
 * Forge `action` functions of the Rovo agent "POPM Guard" (manifest.yml `rovo:agent`). Each one
 * parses its inputs at runtime, takes the caller from the invocation context only (Rovo's inputs
 * are written by a language model and may name anyone), and delegates to the service the Custom
 * UI's resolver calls, so the agent sees, and may do, exactly what the panel shows that person.
 * Answers are the contract's Result envelope holding compact JSON, bounded in size.
 */
import { z } from 'zod';
import type { RuleId, Severity } from '../domain/types';
import { isConsentRequired } from '../jira/errors';
import type { AppDeps } from '../platform/deps';
import { toFailure } from '../resolvers/errors';
import { acceptStory } from '../services/acceptance';
import { ServiceError } from '../services/errors';
import { getIssueView } from '../services/issue-view';
import { getProjectTree } from '../services/project';
import { getQueue } from '../services/queue';
import {
  accountIdSchema,
  fail,
  issueKeySchema,
  ok,
  projectKeySchema,
  type IssueSummary,
  type ProjectTree,
  type Result,
} from '../shared/contract';
import { forgeDeps, invocationDeadline } from './deps';

/** Rules that say an owner is missing or gone: what "ownership gaps" lists by key. */
export const GAP_RULES = [
  'feature-missing-pm',
  'story-missing-po',
  'epic-missing-owner',
  'owner-inactive',
] as const satisfies readonly RuleId[];
type GapRule = (typeof GAP_RULES)[number];

/** Keys listed per gap rule; the count beside them is always the whole project's. */
export const MAX_KEYS_PER_RULE = 20;
/** Tree pages read for keys (200 rows each, from the stored tree, filtered to the caller). */
const MAX_TREE_PAGES = 3;
/** Stories listed from the caller's queue; the total says how many there are. */
export const MAX_QUEUE_ITEMS = 25;
const MAX_SUMMARY = 120;

/**
 * Rovo's payload: the inputs, plus `context` with the product's identifiers when the chat is
 * opened on an issue (`context.jira.issueKey`, `projectKey`, `url`). Automation passes the inputs
 * alone. Everything is checked before use.
 */
const payloadSchema = z.looseObject({
  issueKey: z.unknown().optional(),
  projectKey: z.unknown().optional(),
  context: z
    .looseObject({
      jira: z
        .looseObject({ issueKey: z.unknown(), projectKey: z.unknown(), url: z.unknown() })
        .partial()
        .optional(),
    })
    .optional(),
});
type ActionPayload = z.infer<typeof payloadSchema>;

/** Forge's second argument: `principal.accountId` is the invoking user. */
const invocationContextSchema = z.looseObject({
  principal: z.looseObject({ accountId: z.unknown() }).optional(),
});

function badInput(path: string, message: string): ServiceError {
  return new ServiceError('BAD_REQUEST', `${path} ${message}`, [{ path, message }]);
}

/**
 * A key input: the one given (trimmed, upper-cased: people and models type "orb-12"), else the
 * key of the issue or project the chat is open on. A key that was given but is not a key is an
 * error, never silently replaced by the page's.
 */
function keyInput(
  payload: ActionPayload,
  name: 'issueKey' | 'projectKey',
  schema: typeof issueKeySchema,
  example: string,
): string {
  const given = payload[name];
  if (given !== undefined && given !== null && given !== '') {
    const parsed = schema.safeParse(typeof given === 'string' ? given.trim().toUpperCase() : given);
    if (!parsed.success)
      throw badInput(
        name,
        `must be a Jira ${name === 'issueKey' ? 'issue' : 'project'} key such as ${example}`,
      );
    return parsed.data;
  }
  const fromPage = schema.safeParse(payload.context?.jira?.[name]);
  if (fromPage.success) return fromPage.data;
  throw badInput(name, `is required: name the ${name === 'issueKey' ? 'story' : 'project'}, e.g. ${example}`);
}

/** The site's origin when the chat says it (`context.jira.url`), for links; never guessed. */
function siteOf(payload: ActionPayload): string | undefined {
  const url = payload.context?.jira?.url;
  if (typeof url !== 'string') return undefined;
  try {
    const origin = new URL(url).origin;
    return /^https:\/\/[a-z0-9.-]+$/i.test(origin) ? origin : undefined;
  } catch {
    return undefined;
  }
}

function clip(text: string, max = MAX_SUMMARY): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Body<T> = (deps: AppDeps, accountId: string, payload: ActionPayload) => Promise<T>;

async function run<T>(payload: unknown, context: unknown, body: Body<T>): Promise<Result<T>> {
  const deps = forgeDeps(invocationDeadline('action'));
  try {
    const invocation = invocationContextSchema.safeParse(context);
    const account = accountIdSchema.safeParse(
      invocation.success ? invocation.data.principal?.accountId : undefined,
    );
    if (!account.success) return fail('UNAUTHENTICATED', 'POPM Guard answers signed-in Jira users only');
    const parsed = payloadSchema.safeParse(payload ?? {});
    if (!parsed.success) return fail('BAD_REQUEST', 'the action was called without its inputs');
    return ok(await body(deps, account.data, parsed.data));
  } catch (error) {
    // Forge asks the user for consent only when this error leaves the function unchanged.
    if (isConsentRequired(error)) throw error;
    return toFailure(error, (message, extra) => deps.log?.(message, extra));
  }
}

// ---------------------------------------------------------------------------------------------
// Ownership gaps of a project

export interface OwnershipGaps {
  projectKey: string;
  /** Issues in the project's stored tree. */
  issues: number;
  scan: { status: ProjectTree['scan']['status']; builtAt: string | null };
  coverage: ProjectTree['coverage'];
  /** Whole project, every rule with findings. */
  countsByRule: Partial<Record<RuleId, number>>;
  countsBySeverity: Record<Severity, number>;
  /** Per gap rule: the project's count and the keys the caller may see (at most 20). */
  gaps: Record<GapRule, { count: number; keys: string[] }>;
  /** False when more keys exist than were listed (the project page lists them all). */
  keysComplete: boolean;
  /** Issues of the pages read that Jira hides from the caller. */
  hidden?: number;
  note?: string;
}

async function ownershipGaps(deps: AppDeps, me: string, payload: ActionPayload): Promise<OwnershipGaps> {
  const projectKey = keyInput(payload, 'projectKey', projectKeySchema, 'ART');
  const first = await getProjectTree(deps, me, projectKey, undefined);
  const keys = Object.fromEntries(GAP_RULES.map((r) => [r, [] as string[]])) as Record<GapRule, string[]>;
  const full = () =>
    GAP_RULES.every((r) => keys[r].length >= Math.min(MAX_KEYS_PER_RULE, first.countsByRule[r] ?? 0));
  let page: ProjectTree = first;
  let hidden = 0;
  for (let read = 1; ; read++) {
    hidden += page.hidden ?? 0;
    for (const row of page.rows) {
      if (row.context) continue;
      for (const f of row.findings) {
        const list = (GAP_RULES as readonly RuleId[]).includes(f.rule) ? keys[f.rule as GapRule] : undefined;
        if (list && list.length < MAX_KEYS_PER_RULE && !list.includes(row.key)) list.push(row.key);
      }
    }
    if (!page.nextCursor || page.access || read >= MAX_TREE_PAGES || full()) break;
    page = await getProjectTree(deps, me, projectKey, page.nextCursor);
  }
  const gaps = Object.fromEntries(
    GAP_RULES.map((r) => [r, { count: first.countsByRule[r] ?? 0, keys: keys[r] }]),
  ) as OwnershipGaps['gaps'];
  const keysComplete = GAP_RULES.every((r) => gaps[r].keys.length >= gaps[r].count);
  const out: OwnershipGaps = {
    projectKey,
    issues: first.issues,
    scan: { status: first.scan.status, builtAt: first.scan.builtAt },
    coverage: first.coverage,
    countsByRule: first.countsByRule,
    countsBySeverity: first.countsBySeverity,
    gaps,
    keysComplete,
    ...(hidden > 0 ? { hidden } : {}),
  };
  if (first.scan.status === 'running' && first.issues === 0)
    out.note = `POPM Guard is scanning ${projectKey} for the first time; ask again in a minute.`;
  else if (first.scan.status === 'failed')
    out.note = `The last scan of ${projectKey} failed; a project admin can retry it on the POPM Guard project page.`;
  else if (first.access)
    out.note =
      'Jira is still checking which issues you may see; the counts are complete, ask again for the keys.';
  else if (!keysComplete)
    out.note = `Keys are listed up to ${MAX_KEYS_PER_RULE} per rule, from issues you may see; the POPM Guard project page lists them all.`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Awaiting my acceptance

export interface AwaitingMyAcceptance {
  /** Stories listed here; `more` says whether the queue holds others. */
  total: number;
  more: boolean;
  stories: {
    key: string;
    summary: string;
    status: string;
    done: boolean;
    feature: string | null;
    waitingSince: string | null;
    hasCriteria: boolean;
    /** The latest decision, e.g. a rejection the team is working on. */
    latest: { kind: string; by: string; at: string } | null;
    url?: string;
  }[];
}

async function awaitingMyAcceptance(
  deps: AppDeps,
  me: string,
  payload: ActionPayload,
): Promise<AwaitingMyAcceptance> {
  const queue = await getQueue(deps, me, undefined);
  const site = siteOf(payload);
  const shown = queue.items.slice(0, MAX_QUEUE_ITEMS);
  return {
    total: queue.items.length,
    more: queue.items.length > shown.length || queue.cursor !== null,
    stories: shown.map((item) => ({
      key: item.key,
      summary: clip(item.summary),
      status: item.status.name,
      done: item.status.category === 'done',
      feature: item.feature?.key ?? null,
      waitingSince: item.waitingSince,
      hasCriteria: item.hasCriteria,
      latest: item.latest ? { kind: item.latest.kind, by: item.latest.byName, at: item.latest.at } : null,
      ...(site ? { url: `${site}/browse/${item.key}` } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Check acceptance, accept a story

export interface AcceptanceCheck {
  issueKey: string;
  summary: string;
  status: string;
  /** Only stories (team level) carry a PO acceptance. */
  story: boolean;
  /** True when the story has a valid acceptance that is not stale. */
  accepted: boolean;
  acceptedBy: string | null;
  acceptedAt: string | null;
  stale: boolean;
  productOwners: string[];
  /** Whether the caller may accept it now, and why not. */
  youMayAccept: boolean;
  whyNot?: string;
  /** Acceptance findings on the story, one line each. */
  findings: string[];
}

/** Acceptance as the panel shows it: valid and not stale. */
function isAccepted(acceptance: IssueSummary['acceptance']): boolean {
  return acceptance !== null && acceptance.valid && !acceptance.stale;
}

async function checkAcceptance(deps: AppDeps, me: string, payload: ActionPayload): Promise<AcceptanceCheck> {
  const issueKey = keyInput(payload, 'issueKey', issueKeySchema, 'ORB-12');
  const view = await getIssueView(deps, me, issueKey);
  const { issue } = view;
  const acceptance = issue.acceptance;
  const accept = view.actions?.accept;
  return {
    issueKey: issue.key,
    summary: clip(issue.summary),
    status: issue.status.name,
    story: issue.level === 'team',
    accepted: isAccepted(acceptance),
    acceptedBy: acceptance ? (acceptance.acceptedByName ?? acceptance.acceptedBy) : null,
    acceptedAt: acceptance?.acceptedAt ?? null,
    stale: acceptance?.stale ?? false,
    productOwners: issue.level === 'team' ? issue.owners.map((o) => o.displayName) : [],
    youMayAccept: view.permissions.accept,
    ...(accept && !accept.allowed && accept.reason ? { whyNot: accept.reason } : {}),
    findings: issue.findings.slice(0, 10).map((f) => `${f.rule} (${f.severity}): ${clip(f.message, 200)}`),
  };
}

export interface AcceptedStory {
  issueKey: string;
  accepted: boolean;
  acceptedBy: string | null;
  acceptedAt: string | null;
}

async function accept(deps: AppDeps, me: string, payload: ActionPayload): Promise<AcceptedStory> {
  const issueKey = keyInput(payload, 'issueKey', issueKeySchema, 'ORB-12');
  const done = await acceptStory(deps, me, issueKey);
  const acceptance = done.acceptance;
  return {
    issueKey: done.issueKey,
    accepted: isAccepted(acceptance),
    acceptedBy: acceptance ? (acceptance.acceptedByName ?? acceptance.acceptedBy) : null,
    acceptedAt: acceptance?.acceptedAt ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// The Forge functions (manifest.yml `function` entries, exported from src/index.ts)

export const ownershipGapsAction = (payload: unknown, context: unknown) =>
  run(payload, context, ownershipGaps);
export const awaitingMyAcceptanceAction = (payload: unknown, context: unknown) =>
  run(payload, context, awaitingMyAcceptance);
export const checkAcceptanceAction = (payload: unknown, context: unknown) =>
  run(payload, context, checkAcceptance);
export const acceptStoryAction = (payload: unknown, context: unknown) => run(payload, context, accept);
