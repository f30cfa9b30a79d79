/**
 * The one contract between the Custom UI bundles and the resolvers: resolver names, payload
 * schemas (validated at runtime on the server), result shapes and the result envelope with its
 * error codes. Imported by both sides; never copied.
 *
 * Keep this module free of Node, Forge and React imports: it is bundled into the browser.
 */
import * as z from 'zod';
import { configSchema, projectOverrideSchema, type PopmConfig, type ProjectOverride } from '../domain/config';
import {
  MAX_REASON_LENGTH,
  RULE_IDS,
  type AcceptanceRecord,
  type Decision,
  type DecisionKind,
  type Coverage,
  type Finding,
  type IssueTypeInfo,
  type Level,
  type OwnerSource,
  type RuleId,
  type Severity,
  type StatusCategory,
} from '../domain/types';
import type { IssueChange } from '../domain/preview';
import { MAX_BULK_ACCEPT } from './limits';

// ---------------------------------------------------------------------------------------------
// Envelope

export const ERROR_CODES = [
  'BAD_REQUEST', // the payload is malformed: a bug in the caller, or tampering
  'UNAUTHENTICATED', // no signed-in user
  'FORBIDDEN', // signed in, but may not do this (not the PO, not an admin...)
  'NOT_FOUND', // the issue or project does not exist or the user may not see it
  'INVALID_STATE', // e.g. accepting a story that is still `new`
  'INVALID_CONFIG', // configuration failed validation; details name the paths
  'CONFLICT', // someone else changed the same record first; reload and retry
  'RATE_LIMITED', // Jira asked us to slow down and retries ran out
  'JIRA_UNAVAILABLE', // Jira answered 5xx or could not be reached
  'INTERNAL', // a bug; the message says so without leaking internals
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ResultError {
  code: ErrorCode;
  message: string;
  /** Per-path problems for INVALID_CONFIG / BAD_REQUEST. */
  details?: { path: string; message: string }[];
  /** RATE_LIMITED: how long Jira asked to wait before trying again, when it said. */
  retryAfterMs?: number;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ResultError };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (
  code: ErrorCode,
  message: string,
  details?: ResultError['details'],
  retryAfterMs?: number,
): Result<never> => ({
  ok: false,
  error: {
    code,
    message,
    ...(details ? { details } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  },
});

// ---------------------------------------------------------------------------------------------
// Shared payload pieces

export const issueKeySchema = z
  .string()
  .max(64)
  .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,9}$/, 'must be an issue key such as ART-12');
export const projectKeySchema = z
  .string()
  .max(255)
  .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a project key such as ART');
export const accountIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9:_-]+$/, 'must be an Atlassian account id');

// ---------------------------------------------------------------------------------------------
// View shapes (what resolvers return)

export interface OwnerView {
  accountId: string;
  displayName: string;
  avatarUrl?: string;
  active: boolean;
}

export interface IssueSummary {
  key: string;
  summary: string;
  projectKey: string;
  issueType: string;
  level: Level;
  status: { name: string; category: StatusCategory };
  owners: OwnerView[];
  ownerSource: OwnerSource | null;
  /** The role that owns this level (e.g. "Product Owner"); null for subtasks. */
  role: string | null;
  acceptance: (AcceptanceRecord & { acceptedByName?: string; valid: boolean; stale: boolean }) | null;
  findings: Finding[];
  /** Findings on issues below this one, by rule (roll-up). */
  belowCounts: Partial<Record<RuleId, number>>;
}

export interface IssueView {
  issue: IssueSummary;
  /** Ancestors from the top (portfolio) down to the issue's parent. */
  chain: IssueSummary[];
  /** Direct children (first page); for features and epics. */
  children: IssueSummary[];
  childrenCursor: string | null;
  /** Findings below this issue, by rule. */
  countsByRule: Partial<Record<RuleId, number>>;
  /** What the signed-in user may do here (the server checks again on every write). */
  permissions: { accept: boolean; revoke: boolean; setOwner: boolean; reject?: boolean };
  /** The story's decisions, newest first (empty for other levels). */
  decisions?: DecisionView[];
  /** Each decision action for the signed-in user: allowed, or why not (for stories). */
  actions?: Record<DecisionAction, ActionState>;
  /** Set when the mirrored issue property disagrees with the app's record. */
  propertyMismatch: boolean;
  /**
   * The user field setOwner writes for this issue's role, if the site has one: a multi-user field
   * lets the UI add and remove people instead of replacing them all.
   */
  ownerField?: { id: string; name: string; multi: boolean } | null;
}

export interface TreeRow extends IssueSummary {
  parentKey: string | null;
  depth: number;
  /** True when the issue belongs to another project (context only, no findings of its own). */
  context: boolean;
}

export interface ScanState {
  status: 'none' | 'running' | 'complete' | 'failed';
  /**
   * Issues processed so far and the total Jira reported, if known; while a rescan runs, the total
   * is the previous snapshot's size (an estimate: Jira's search reports no totals).
   */
  processed: number;
  total: number | null;
  builtAt: string | null;
  error?: string;
}

/**
 * Reading which of a big project's issues the viewer may see takes more than one call; while it
 * runs, a view has no rows (never unfiltered ones) and the UI asks again. `processed`: the
 * viewer's issue keys read so far.
 */
export interface AccessCheck {
  status: 'checking';
  processed: number;
}

/** A sprint or fix version the project's stories are in (rules.md, "Scope within a project"). */
export interface ScopeChoices {
  /** Newest first (Jira numbers sprints as they are created). */
  sprints: { id: number; name: string; state: 'active' | 'closed' | 'future' }[];
  versions: string[];
}

/** The scope a view is limited to, as asked (`value`) and in words (`label`). */
export interface ScopeView {
  kind: 'sprint' | 'fixVersion';
  value: string;
  label: string;
}

/** "Done stories accepted" among the project's stories in one sprint. */
export interface SprintFigure {
  id: number;
  name: string;
  state: 'active' | 'closed' | 'future';
  doneStories: number;
  doneStoriesAccepted: number | null;
}

export interface ProjectTree {
  projectKey: string;
  rows: TreeRow[];
  nextCursor: string | null;
  coverage: Coverage;
  countsByRule: Partial<Record<RuleId, number>>;
  countsBySeverity: Record<Severity, number>;
  issues: number;
  scan: ScanState;
  /**
   * Rows of this page left out because Jira hides them from the viewer. The figures above
   * (coverage, counts, `issues`, roll-ups) cover the whole project as the app sees it.
   */
  hidden?: number;
  /** Rows in the whole stored tree (in-scope and context, before the viewer filter): for progress. */
  totalRows?: number;
  /** Set while the viewer's access is still being checked: `rows` is empty, ask again (same cursor). */
  access?: AccessCheck;
  /** The scope asked for; the figures and rows above are those of the scope. */
  scope?: ScopeView;
  /** What a scope picker can offer: on the first page when asked for (`choices`). */
  choices?: ScopeChoices;
}

export interface TrendPoint {
  date: string;
  featuresWithPm: number | null;
  doneStoriesAccepted: number | null;
}

export interface GadgetSummary {
  projectKey: string;
  projectName: string;
  coverage: Coverage;
  countsByRule: Partial<Record<RuleId, number>>;
  trend: TrendPoint[];
  scan: ScanState;
  /** The scope the figures are limited to, if the gadget's configuration names one. */
  scope?: ScopeView;
  /** Done stories accepted in each of the project's recent sprints, oldest first. */
  sprints?: SprintFigure[];
}

export interface SiteMeta {
  issueTypes: IssueTypeInfo[];
  userFields: { id: string; name: string; multi: boolean }[];
  otherFields: { id: string; name: string }[];
  projects: { key: string; name: string }[];
}

export interface ConfigView {
  config: PopmConfig;
  /** Bumped on each save; sent back with a save to detect concurrent edits. */
  revision: number;
  site: SiteMeta;
  canEdit: boolean;
  /** The accounts these settings name, with names and avatars, for the people pickers. */
  people: OwnerView[];
}

export interface ProjectConfigView {
  projectKey: string;
  override: ProjectOverride;
  revision: number;
  site: SiteMeta;
  canEdit: boolean;
  /** The accounts these settings name, with names and avatars, for the people pickers. */
  people: OwnerView[];
}

export interface PreviewFigures {
  countsByRule: Partial<Record<RuleId, number>>;
  countsBySeverity: Record<Severity, number>;
  coverage: Coverage;
  findings: number;
}

export interface PreviewResult {
  projectKey: string;
  before: PreviewFigures;
  after: PreviewFigures;
  /** The issues whose findings change (rule or severity), the first MAX_PREVIEW_CHANGES of them. */
  changes: IssueChange[];
  /** How many issues change in all, listed or not. */
  changedIssues: number;
}

export interface AcceptanceView {
  issueKey: string;
  acceptance: IssueSummary['acceptance'];
  /** The issue view after the change, so the UI shows it without asking again. */
  view: IssueView;
}

/** setOwner's answer: the issue after the change, and its whole view (the UI shows it as is). */
export interface OwnerChangeView extends IssueSummary {
  view: IssueView;
}

export type DecisionAction = 'accept' | 'reject' | 'revoke';

export interface ActionState {
  allowed: boolean;
  /** Why the action is unavailable, in words a person can act on. */
  reason?: string;
}

/** One decision (rules.md, "Decisions") with the decider's name. */
export interface DecisionView extends Decision {
  byName: string;
}

/** A story awaiting the signed-in user's acceptance ("Awaiting my acceptance"). */
export interface QueueItem {
  key: string;
  summary: string;
  projectKey: string;
  status: { name: string; category: StatusCategory };
  /** The nearest feature above the story, when it could be read. */
  feature: { key: string; summary: string } | null;
  /** When the story entered its current status category (`statuscategorychangedate`). */
  waitingSince: string | null;
  hasCriteria: boolean;
  acceptance: IssueSummary['acceptance'];
  /** The latest decision, when there is one (e.g. a rejection the team is working on). */
  latest: DecisionView | null;
}

export interface QueueView {
  items: QueueItem[];
  /** Set when more stories matched than one answer carries; ask again with this cursor. */
  cursor: string | null;
}

export interface BulkAcceptResult {
  accepted: string[];
  refused: { issueKey: string; code: ErrorCode; message: string }[];
}

export interface DecisionLogRow {
  issueKey: string;
  kind: DecisionKind;
  by: string;
  byName: string;
  at: string;
  statusCategory: StatusCategory;
  reason: string;
}

export interface DecisionLog {
  projectKey: string;
  rows: DecisionLogRow[];
  cursor: string | null;
}

/** The daily digest's history for the admin page ("last digest: <time>, to N people"). */
export interface DigestStatus {
  /** The latest day a digest went: when its last run finished, and how many people got one that day. */
  last: { at: string; recipients: number } | null;
}

/** What one digest run did (the admin's "send digest now"). */
export interface DigestRunView {
  /** The UTC day the once-a-day guard counts in. */
  day: string;
  enabled: boolean;
  /** Product Owners with stories waiting longer than the threshold. */
  due: number;
  sent: number;
  /** Due, but they already had today's digest. */
  alreadySent: number;
  /** Due, but their account is inactive (or unknown to Jira): never notified. */
  inactive: number;
  failed: number;
  /** Jira requests the run made. */
  requests: number;
  /** POs left to a background continuation (the call ran out of time). */
  continuing?: number;
}

export { MAX_BULK_ACCEPT };

export const reasonInputSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`);

// ---------------------------------------------------------------------------------------------
// Resolvers: name -> payload schema and result type

const gadgetRules = z.array(z.enum(RULE_IDS)).max(RULE_IDS.length);

/** A sprint (id, exact name, or `active`) or fix version name, as `?sprint=` / `?fixVersion=` give it. */
const scopeValue = z.string().trim().min(1, 'must not be empty').max(255);
export const scopeFields = { sprint: scopeValue.optional(), fixVersion: scopeValue.optional() };
const oneScope = (p: { sprint?: string | undefined; fixVersion?: string | undefined }): boolean =>
  p.sprint === undefined || p.fixVersion === undefined;
const ONE_SCOPE = { message: 'give a sprint or a fix version, not both', path: ['fixVersion'] };

export const payloadSchemas = {
  getIssueView: z.object({ issueKey: issueKeySchema }).strict(),
  getChildren: z.object({ issueKey: issueKeySchema, cursor: z.string().max(2048).optional() }).strict(),
  getProjectTree: z
    .object({
      projectKey: projectKeySchema,
      cursor: z.string().max(2048).optional(),
      ...scopeFields,
      /** Ask for the sprints and versions a picker offers (first page only). */
      choices: z.boolean().optional(),
    })
    .strict()
    .refine(oneScope, ONE_SCOPE),
  startScan: z.object({ projectKey: projectKeySchema }).strict(),
  getGadgetSummary: z
    .object({ projectKey: projectKeySchema, rules: gadgetRules.optional(), ...scopeFields })
    .strict()
    .refine(oneScope, ONE_SCOPE),
  acceptStory: z.object({ issueKey: issueKeySchema }).strict(),
  revokeAcceptance: z
    .object({ issueKey: issueKeySchema, reason: z.string().max(10_000).optional() })
    .strict(),
  rejectStory: z.object({ issueKey: issueKeySchema, reason: reasonInputSchema }).strict(),
  getQueue: z.object({ cursor: z.string().max(2048).optional() }).strict(),
  bulkAccept: z
    .object({
      issueKeys: z
        .array(issueKeySchema)
        .min(1)
        .max(MAX_BULK_ACCEPT)
        .refine((keys) => new Set(keys).size === keys.length, 'must not list a story twice'),
    })
    .strict(),
  getDecisionLog: z
    .object({ projectKey: projectKeySchema, cursor: z.string().max(2048).optional() })
    .strict(),
  setOwner: z.object({ issueKey: issueKeySchema, accountIds: z.array(accountIdSchema).max(20) }).strict(),
  searchUsers: z.object({ query: z.string().max(100), issueKey: issueKeySchema.optional() }).strict(),
  getConfig: z.object({}).strict(),
  saveConfig: z.object({ config: z.unknown(), revision: z.number().int().min(0) }).strict(),
  getProjectConfig: z.object({ projectKey: projectKeySchema }).strict(),
  saveProjectConfig: z
    .object({ projectKey: projectKeySchema, override: z.unknown(), revision: z.number().int().min(0) })
    .strict(),
  previewConfig: z.object({ projectKey: projectKeySchema, config: z.unknown() }).strict(),
  getDigestStatus: z.object({}).strict(),
  sendDigestNow: z.object({}).strict(),
} as const;

export type ResolverName = keyof typeof payloadSchemas;
export type Payload<N extends ResolverName> = z.infer<(typeof payloadSchemas)[N]>;

export interface ResultTypes {
  getIssueView: IssueView;
  getChildren: { children: IssueSummary[]; cursor: string | null };
  getProjectTree: ProjectTree;
  startScan: ScanState;
  getGadgetSummary: GadgetSummary;
  acceptStory: AcceptanceView;
  revokeAcceptance: AcceptanceView;
  rejectStory: AcceptanceView;
  getQueue: QueueView;
  bulkAccept: BulkAcceptResult;
  getDecisionLog: DecisionLog;
  setOwner: OwnerChangeView;
  searchUsers: OwnerView[];
  getConfig: ConfigView;
  saveConfig: ConfigView;
  getProjectConfig: ProjectConfigView;
  saveProjectConfig: ProjectConfigView;
  previewConfig: PreviewResult;
  getDigestStatus: DigestStatus;
  sendDigestNow: DigestRunView;
}

export const RESOLVER_NAMES = Object.keys(payloadSchemas) as ResolverName[];

/** The saved gadget configuration (Jira stores it through `view.submit`). */
export const gadgetConfigSchema = z
  .object({ projectKey: projectKeySchema, rules: gadgetRules.optional(), ...scopeFields })
  .strict()
  .refine(oneScope, ONE_SCOPE);
export type GadgetConfig = z.infer<typeof gadgetConfigSchema>;

// Re-exported so UI code needs only this module.
export { configSchema, projectOverrideSchema };
export type { IssueChange, RuleSeverity, SeverityChange } from '../domain/preview';
export type { PopmConfig, ProjectOverride, Finding, RuleId, Severity, Level, StatusCategory, Coverage };
