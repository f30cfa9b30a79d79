/**
 * The rule catalog (../shared/spec/rules.md): default severities, switches and severity overrides,
 * and the words of each finding.
 */
import type { RuleSettings } from './config';
import {
  ROLE_NAMES,
  RULE_IDS,
  type Level,
  type RuleId,
  type Severity,
  type StatusCategory,
  type UserRef,
} from './types';

export const DEFAULT_SEVERITY: Record<RuleId, Severity> = {
  'feature-missing-pm': 'error',
  'epic-missing-owner': 'warning',
  'story-missing-po': 'warning',
  // For `done` stories; in-progress stories get `info` (see `ActiveRules.severity`).
  'story-missing-po-acceptance': 'error',
  'acceptance-not-by-po': 'error',
  'acceptance-stale': 'warning',
  'feature-done-with-unaccepted-stories': 'error',
  'story-without-feature': 'warning',
  'feature-without-stories': 'info',
  'owner-inactive': 'warning',
  'pm-po-same-person': 'info',
  'story-rejected': 'warning',
  'acceptance-criteria-changed': 'warning',
  'acceptance-self-appointed': 'warning',
  'acceptance-by-assignee': 'error',
  'story-missing-acceptance-criteria': 'warning',
};

/** Rules an admin must switch on: separation of duties is a policy choice, not a default. */
export const OFF_BY_DEFAULT: ReadonlySet<RuleId> = new Set<RuleId>(['acceptance-by-assignee']);

export function enabledByDefault(rule: RuleId): boolean {
  return !OFF_BY_DEFAULT.has(rule);
}

/** Position of a rule in the catalog, for the stable finding order. */
export function ruleOrder(rule: RuleId): number {
  return RULE_IDS.indexOf(rule);
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface ActiveRules {
  enabled(rule: RuleId): boolean;
  /**
   * Severity of a finding. Only `story-missing-po-acceptance` depends on the story's status:
   * a configured severity replaces the severity for `done` stories, while in-progress stories
   * stay `info` — the lowest severity, so an override can never make an unfinished story louder
   * than a finished one, and lowering the rule to `info` makes both `info`.
   */
  severity(rule: RuleId, category?: StatusCategory): Severity;
}

export function activeRules(settings: RuleSettings): ActiveRules {
  return {
    enabled: (rule) => settings[rule]?.enabled ?? enabledByDefault(rule),
    severity: (rule, category) => {
      const configured = settings[rule]?.severity ?? DEFAULT_SEVERITY[rule];
      if (rule === 'story-missing-po-acceptance' && category === 'indeterminate') return 'info';
      return configured;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Messages: say what is wrong and name the issue and people, so a finding reads on its own.

export function personName(user: Pick<UserRef, 'accountId' | 'displayName'>): string {
  return user.displayName?.trim() ? user.displayName : user.accountId;
}

export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

const LEVEL_NOUN: Record<Level, string> = {
  portfolio: 'Epic',
  program: 'Feature',
  team: 'Story',
  subtask: 'Sub-task',
};

/** "Feature ART-3": the level's SAFe word, which is what the rules speak of whatever a site calls its types. */
export function label(level: Level, key: string): string {
  return `${LEVEL_NOUN[level]} ${key}`;
}

export function roleName(level: Level): string {
  return level === 'subtask' ? 'owner' : ROLE_NAMES[level];
}

export function statusWords(category: StatusCategory): string {
  return category === 'done' ? 'is done' : category === 'indeterminate' ? 'is in progress' : 'is not started';
}

export function dateOnly(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 10);
}
