/**
 * The domain's vocabulary. Pure types: no I/O, no Forge imports. Shared by the engine, the Jira
 * access layer (which produces `JiraIssue`s), the CLI, the resolvers and (through
 * `src/shared/contract.ts`) the UI.
 */

export const LEVELS = ['portfolio', 'program', 'team', 'subtask'] as const;
export type Level = (typeof LEVELS)[number];

/** The three levels that have an owning role; subtasks inherit their parent's context. */
export const ROLE_LEVELS = ['portfolio', 'program', 'team'] as const;
export type RoleLevel = (typeof ROLE_LEVELS)[number];

export const ROLE_NAMES: Record<RoleLevel, string> = {
  portfolio: 'Epic Owner',
  program: 'Product Manager',
  team: 'Product Owner',
};

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUS_CATEGORIES = ['new', 'indeterminate', 'done'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

/** Stable public rule ids (../shared/spec/rules.md). Order is the catalog's order. */
export const RULE_IDS = [
  'feature-missing-pm',
  'epic-missing-owner',
  'story-missing-po',
  'story-missing-po-acceptance',
  'acceptance-not-by-po',
  'acceptance-stale',
  'feature-done-with-unaccepted-stories',
  'story-without-feature',
  'feature-without-stories',
  'owner-inactive',
  'pm-po-same-person',
  'story-rejected',
  'acceptance-criteria-changed',
  'acceptance-self-appointed',
  'acceptance-by-assignee',
  'story-missing-acceptance-criteria',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** The issue property the acceptance record is mirrored to, for JQL and outside readers. */
export const ACCEPTANCE_PROPERTY = 'popm.acceptance';
/** A small indexed property with the issue's rule ids and highest severity, for JQL. */
export const FINDINGS_PROPERTY = 'popm.findings';

export interface AcceptanceRecord {
  acceptedBy: string;
  acceptedAt: string;
  /** Status category the story was in when accepted; missing means `done` (rules.md). */
  statusCategory?: StatusCategory;
  /** Fingerprint of the acceptance criteria when accepted (rules.md, "Decisions"). */
  criteria?: string;
  /** The acceptor had made themselves an owner within 30 days before accepting. */
  selfAppointed?: true;
}

export const DECISION_KINDS = ['accepted', 'rejected', 'revoked'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** One entry of a story's append-only acceptance history (rules.md, "Decisions"). */
export interface Decision {
  kind: DecisionKind;
  by: string;
  at: string;
  statusCategory: StatusCategory;
  /** Required for `rejected`, optional for `revoked`. */
  reason?: string;
  criteria?: string;
  selfAppointed?: true;
}

/** Decisions the `popm.acceptance` mirror carries, newest kept (rules.md). */
export const MIRRORED_DECISIONS = 20;
/** Bounds of a rejection's (or revocation's) reason, after trimming. */
export const MAX_REASON_LENGTH = 2000;

export interface IssueTypeInfo {
  id: string;
  name: string;
  hierarchyLevel: number;
  subtask: boolean;
}

export interface FieldInfo {
  id: string;
  name: string;
  schema?: { type: string; items?: string; custom?: string };
}

export interface UserRef {
  accountId: string;
  displayName?: string;
  active?: boolean;
  avatarUrl?: string;
}

/**
 * An issue in Jira REST v3's own shape, cut to the fields the engine reads. The Jira access
 * layer produces these from `/search/jql` and `/issue/bulkfetch`; the engine never sees raw JSON
 * it has not validated.
 *
 * `fields` holds system fields under their Jira names (`summary`, `project`, `issuetype`,
 * `parent`, `status`, `statuscategorychangedate`, `assignee`, `description`) and custom fields
 * under their ids, with Jira's values (users as user objects, ADF documents, option objects...).
 */
export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/** Everything the engine needs about a site to audit one project. */
export interface SiteData {
  issueTypes: IssueTypeInfo[];
  /** Custom fields (system fields are implied). */
  fields: FieldInfo[];
  /** The audited project's issues plus context issues (ancestors, stories below its features). */
  issues: JiraIssue[];
  /** Accounts known beyond those embedded in issue fields (e.g. fallback owners), by id. */
  users?: Record<string, UserRef>;
}

export type OwnerSource = 'field' | 'team' | 'project';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  issueKey: string;
  message: string;
}

export interface Coverage {
  featuresWithPm: number | null;
  doneStoriesAccepted: number | null;
}

/** One issue after evaluation: its level, resolved owners, acceptance and findings. */
export interface EvaluatedIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  issueTypeId: string;
  issueTypeName: string;
  level: Level;
  parentKey: string | null;
  status: { name: string; category: StatusCategory };
  statusCategoryChangedAt: string | null;
  owners: UserRef[];
  ownerSource: OwnerSource | null;
  acceptance: AcceptanceRecord | null;
  /** The story's decisions known to the engine (app storage or the mirror), oldest first. */
  decisions: Decision[];
  acceptanceValid: boolean;
  acceptanceStale: boolean;
  /** Display name of who accepted, where the site told us (user fields or `site.users`). */
  acceptedByName: string | null;
  /** Findings of this issue (empty for issues outside the audited project). */
  findings: Finding[];
  /** Findings on issues below this one (in scope), by rule. */
  belowCounts: Partial<Record<RuleId, number>>;
  /** False for context issues from other projects. */
  inScope: boolean;
}

export interface AuditResult {
  projectKey: string;
  /** Every issue read, in scope or context, parents before children where possible. */
  issues: EvaluatedIssue[];
  /** All findings of in-scope issues, in a stable order (issue key, then catalog order). */
  findings: Finding[];
  coverage: Coverage;
  /** Number of in-scope issues. */
  issueCount: number;
  countsByRule: Partial<Record<RuleId, number>>;
}
