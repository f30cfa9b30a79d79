/**
 * The engine: one pass over a site's issues that resolves levels, owners and acceptance, applies
 * every rule of ../shared/spec/rules.md to the audited project's issues, and rolls findings up the
 * hierarchy. Pure: the caller supplies the site, the configuration and (optionally) where
 * acceptance records come from.
 *
 * Work is linear in the number of issues (plus one sort by key for the stable order): every issue
 * is indexed by key once, parent chains are resolved into a forest once (cycles cut), and
 * everything else is a top-down or bottom-up sweep over that forest.
 */
import {
  acceptanceFromProperty,
  criteriaFingerprint,
  isDelegate,
  isStale,
  latestRejection,
  parseAcceptance,
  type AcceptanceRead,
} from './acceptance';
import { hasAcceptanceCriteria } from './adf';
import { effectiveConfig, type PopmConfig } from './config';
import { acceptanceCriteriaFieldId, discoverRoleFields } from './fields';
import { levelIndex, levelOf } from './levels';
import { ownerRule, resolveOwners, type OwnerRule } from './owners';
import { isRecord, refValue, statusOf, userOf, type UserCache } from './read';
import {
  activeRules,
  dateOnly,
  label,
  listNames,
  personName,
  roleName,
  statusWords,
  type ActiveRules,
} from './rules';
import {
  RULE_IDS,
  type AcceptanceRecord,
  type AuditResult,
  type Decision,
  type EvaluatedIssue,
  type Finding,
  type JiraIssue,
  type Level,
  type OwnerSource,
  type RoleLevel,
  type RuleId,
  type SiteData,
  type StatusCategory,
  type UserRef,
} from './types';

export interface EvaluateOptions {
  /**
   * Where a story's acceptance record comes from. The Forge app passes its own storage (the
   * truth); by default the `popm.acceptance` issue property is read. Return a record, or a value
   * shaped like the property (`{ ...record?, decisions }`) to supply the history too; `null` for
   * "no record", or `undefined` to fall back to the property (e.g. for context issues the caller
   * has not loaded records for).
   */
  acceptanceOf?: (issue: JiraIssue) => AcceptanceRecord | { decisions: Decision[] } | null | undefined;
}

/** Per-project settings that owner resolution and acceptance need, built once per project. */
interface ProjectContext {
  owners: Record<RoleLevel, OwnerRule>;
  delegates: Record<string, string[]>;
}

const MAX_LISTED_KEYS = 3;
const NO_DECISIONS: Decision[] = [];
/** A reason is quoted in full up to this length; findings travel in properties and snapshots. */
const MAX_QUOTED_REASON = 200;

export function evaluate(
  site: SiteData,
  config: PopmConfig,
  projectKey: string,
  options: EvaluateOptions = {},
): AuditResult {
  const discovered = discoverRoleFields(site.fields);
  const levelsByType = levelIndex(site.issueTypes, config.levels);
  const typeNames = new Map(site.issueTypes.map((t) => [t.id, t.name]));
  const auditConfig = effectiveConfig(config, projectKey);
  const rules = activeRules(auditConfig.rules);
  const acField = acceptanceCriteriaFieldId(auditConfig, site.fields);
  const users = site.users;

  const contexts = new Map<string, ProjectContext>();
  const contextOf = (key: string): ProjectContext => {
    let ctx = contexts.get(key);
    if (!ctx) {
      const eff = effectiveConfig(config, key);
      ctx = {
        owners: {
          portfolio: ownerRule('portfolio', eff, discovered),
          program: ownerRule('program', eff, discovered),
          team: ownerRule('team', eff, discovered),
        },
        delegates: eff.delegates,
      };
      contexts.set(key, ctx);
    }
    return ctx;
  };

  // ---- Index: one slot per distinct key (the first occurrence wins over duplicates).
  const byKey = new Map<string, number>();
  const issues: JiraIssue[] = [];
  for (const issue of site.issues) {
    if (byKey.has(issue.key)) continue;
    byKey.set(issue.key, issues.length);
    issues.push(issue);
  }
  const n = issues.length;

  const projectOf: string[] = new Array<string>(n);
  const levelOfIssue: Level[] = new Array<Level>(n);
  const typeIdOf: string[] = new Array<string>(n);
  const typeNameOf: string[] = new Array<string>(n);
  const rawParent: (string | null)[] = new Array<string | null>(n);
  const parent = new Int32Array(n).fill(-1);
  const parentFound = new Uint8Array(n);
  const embeddedLevels = new Map<string, Level>();

  for (let i = 0; i < n; i++) {
    const issue = issues[i]!;
    const f = issue.fields;
    const dash = issue.key.lastIndexOf('-');
    projectOf[i] = refValue(f.project, 'key') ?? (dash > 0 ? issue.key.slice(0, dash) : issue.key);
    const typeId = refValue(f.issuetype, 'id') ?? '';
    typeIdOf[i] = typeId;
    typeNameOf[i] =
      typeNames.get(typeId) ??
      (isRecord(f.issuetype) && typeof f.issuetype.name === 'string' ? f.issuetype.name : '');
    levelOfIssue[i] = levelsByType.get(typeId) ?? embeddedLevel(f.issuetype, config.levels, embeddedLevels);
    const parentKey = refValue(f.parent, 'key') ?? null;
    rawParent[i] = parentKey;
    if (parentKey !== null) {
      const p = byKey.get(parentKey);
      if (p !== undefined) {
        parent[i] = p;
        parentFound[i] = 1;
      }
    }
  }

  // ---- Cut parent cycles: every issue on a cycle loses its parent link ("broken chain").
  const inCycle = new Uint8Array(n);
  {
    const state = new Uint8Array(n); // 0 unseen, 1 on the current path, 2 settled
    const path: number[] = [];
    for (let start = 0; start < n; start++) {
      if (state[start] !== 0) continue;
      path.length = 0;
      let cur = start;
      while (cur !== -1 && state[cur] === 0) {
        state[cur] = 1;
        path.push(cur);
        cur = parent[cur]!;
      }
      if (cur !== -1 && state[cur] === 1) {
        for (let p = path.lastIndexOf(cur); p < path.length; p++) inCycle[path[p]!] = 1;
      }
      for (const node of path) state[node] = 2;
    }
    for (let i = 0; i < n; i++) if (inCycle[i]) parent[i] = -1;
  }

  // ---- Stable order by key, and the forest in pre-order (parents before children).
  const sorted = sortByKey(issues.map((i) => i.key));
  const firstChild = new Int32Array(n).fill(-1);
  const lastChild = new Int32Array(n).fill(-1);
  const prevSibling = new Int32Array(n).fill(-1);
  const roots: number[] = [];
  for (const i of sorted) {
    const p = parent[i]!;
    if (p === -1) {
      roots.push(i);
    } else {
      if (firstChild[p] === -1) firstChild[p] = i;
      else prevSibling[i] = lastChild[p]!;
      lastChild[p] = i;
    }
  }
  const order: number[] = [];
  {
    const stack: number[] = [];
    for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]!);
    while (stack.length > 0) {
      const i = stack.pop()!;
      order.push(i);
      // Last child first, so the first child is popped next.
      for (let c = lastChild[i]!; c !== -1; c = prevSibling[c]!) stack.push(c);
    }
  }

  // ---- Nearest feature above each issue (top-down over the forest).
  const nearestFeature = new Int32Array(n).fill(-1);
  for (const i of order) {
    const p = parent[i]!;
    if (p !== -1) nearestFeature[i] = levelOfIssue[p] === 'program' ? p : nearestFeature[p]!;
  }

  // ---- Status, owners and acceptance of every issue (context issues too: they feed the rules).
  const status: { name: string; category: StatusCategory }[] = new Array<{
    name: string;
    category: StatusCategory;
  }>(n);
  const changedAt: (string | null)[] = new Array<string | null>(n);
  const owners: UserRef[][] = new Array<UserRef[]>(n);
  const ownerSource: (OwnerSource | null)[] = new Array<OwnerSource | null>(n);
  const acceptance: AcceptanceRead[] = new Array<AcceptanceRead>(n);
  const stale = new Uint8Array(n);
  const valid = new Uint8Array(n);
  const notByOwner = new Uint8Array(n);
  const ABSENT: AcceptanceRead = { state: 'absent' };
  const userCache: UserCache = new Map();
  const statuses = new Map<string, { name: string; category: StatusCategory }>();

  for (let i = 0; i < n; i++) {
    const issue = issues[i]!;
    const level = levelOfIssue[i]!;
    // One status object per distinct status: a site has a handful, shared by thousands of issues.
    const st = statusOf(issue.fields.status);
    const stKey = `${st.category}:${st.name}`;
    const shared = statuses.get(stKey);
    if (shared) status[i] = shared;
    else statuses.set(stKey, (status[i] = st));
    const changed = issue.fields.statuscategorychangedate;
    changedAt[i] = typeof changed === 'string' ? changed : null;
    acceptance[i] = ABSENT;
    if (level === 'subtask') {
      owners[i] = [];
      ownerSource[i] = null;
      continue;
    }
    const ctx = contextOf(projectOf[i]!);
    const resolved = resolveOwners(issue, projectOf[i]!, ctx.owners[level], users, userCache);
    owners[i] = resolved.owners;
    ownerSource[i] = resolved.source;
    if (level !== 'team') continue;
    // The assignee's name can name an acceptor (the scan does not look up people it saw there).
    if (isRecord(issue.fields.assignee)) userOf(issue.fields.assignee, users, userCache);

    const supplied = options.acceptanceOf?.(issue);
    const read = supplied === undefined ? acceptanceFromProperty(issue) : parseAcceptance(supplied);
    acceptance[i] = read;
    if (read.state !== 'present') continue;
    const record = read.record;
    if (isStale(record, status[i]!.category, changedAt[i])) stale[i] = 1;
    const ownerIds = resolved.owners.map((o) => o.accountId);
    const allowed =
      ownerIds.includes(record.acceptedBy) || isDelegate(record.acceptedBy, ownerIds, ctx.delegates);
    if (!allowed && ownerIds.length > 0) notByOwner[i] = 1;
    if (allowed && !stale[i]) valid[i] = 1;
  }

  // ---- What each feature has below it, walking each story's feature ancestors once.
  const inScope = (i: number): boolean => projectOf[i] === projectKey;
  const storiesBelow = new Int32Array(n);
  const unacceptedBelow = new Int32Array(n);
  const unacceptedKeys = new Map<number, string[]>();
  const samePerson = new Map<number, { person: UserRef; storyKey: string; more: number }>();
  for (const s of sorted) {
    if (levelOfIssue[s] !== 'team') continue;
    const storyOwners = owners[s]!;
    for (let f = nearestFeature[s]!; f !== -1; f = nearestFeature[f]!) {
      storiesBelow[f]!++;
      if (!inScope(f)) continue;
      if (!valid[s]) {
        unacceptedBelow[f]!++;
        const keys = unacceptedKeys.get(f);
        if (!keys) unacceptedKeys.set(f, [issues[s]!.key]);
        else if (keys.length < MAX_LISTED_KEYS) keys.push(issues[s]!.key);
      }
      const pm =
        storyOwners.length === 0 ? undefined : owners[f]!.find((o) => hasAccount(storyOwners, o.accountId));
      if (pm) {
        const seen = samePerson.get(f);
        if (!seen) samePerson.set(f, { person: pm, storyKey: issues[s]!.key, more: 0 });
        else seen.more++;
      }
    }
  }

  // ---- Findings of in-scope issues, in key order then catalog order.
  const knownUser = (accountId: string): UserRef | undefined =>
    userCache.get(accountId) ?? (users && Object.hasOwn(users, accountId) ? users[accountId] : undefined);
  const nameOf = (accountId: string): string => {
    const known = knownUser(accountId);
    return known ? personName(known) : accountId;
  };
  const findingsOf: Finding[][] = new Array<Finding[]>(n);
  const allFindings: Finding[] = [];
  const countsByRule: Partial<Record<RuleId, number>> = {};
  let features = 0;
  let featuresWithPm = 0;
  let doneStories = 0;
  let doneStoriesAccepted = 0;

  for (const i of sorted) {
    if (!inScope(i) || levelOfIssue[i] === 'subtask') {
      findingsOf[i] = [];
      continue;
    }
    const level = levelOfIssue[i]!;
    if (level === 'program') {
      features++;
      if (owners[i]!.length > 0) featuresWithPm++;
    } else if (level === 'team' && status[i]!.category === 'done') {
      doneStories++;
      if (valid[i]) doneStoriesAccepted++;
    }
    const found = findingsFor(level, {
      key: issues[i]!.key,
      issue: issues[i]!,
      rules,
      status: status[i]!,
      owners: owners[i]!,
      acceptance: acceptance[i]!,
      stale: stale[i] === 1,
      notByOwner: notByOwner[i] === 1,
      rawParent: rawParent[i]!,
      parentFound: parentFound[i] === 1,
      inCycle: inCycle[i] === 1,
      hasFeatureAbove: nearestFeature[i] !== -1,
      storiesBelow: storiesBelow[i]!,
      unacceptedBelow: unacceptedBelow[i]!,
      unacceptedKeys: unacceptedKeys.get(i) ?? [],
      samePerson: samePerson.get(i),
      acField,
      valid: valid[i] === 1,
      nameOf,
    });
    findingsOf[i] = found;
    for (const finding of found) {
      allFindings.push(finding);
      countsByRule[finding.rule] = (countsByRule[finding.rule] ?? 0) + 1;
    }
  }

  // ---- Roll-ups: findings of in-scope issues below each issue, by rule (bottom-up).
  const below: (Partial<Record<RuleId, number>> | undefined)[] = new Array<
    Partial<Record<RuleId, number>> | undefined
  >(n);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    const p = parent[i]!;
    if (p === -1) continue;
    const own = findingsOf[i]!;
    const sub = below[i];
    if (own.length === 0 && !sub) continue;
    const target = (below[p] ??= {});
    for (const finding of own) target[finding.rule] = (target[finding.rule] ?? 0) + 1;
    if (sub) for (const rule of RULE_IDS) if (sub[rule]) target[rule] = (target[rule] ?? 0) + sub[rule];
  }

  const evaluated: EvaluatedIssue[] = new Array<EvaluatedIssue>(order.length);
  let issueCount = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const issue = issues[i]!;
    const read = acceptance[i]!;
    const scoped = inScope(i);
    if (scoped) issueCount++;
    evaluated[k] = {
      id: issue.id,
      key: issue.key,
      projectKey: projectOf[i]!,
      summary: typeof issue.fields.summary === 'string' ? issue.fields.summary : '',
      issueTypeId: typeIdOf[i]!,
      issueTypeName: typeNameOf[i]!,
      level: levelOfIssue[i]!,
      parentKey: rawParent[i]!,
      status: status[i]!,
      statusCategoryChangedAt: changedAt[i]!,
      owners: owners[i]!,
      ownerSource: ownerSource[i]!,
      acceptance: read.state === 'present' ? read.record : null,
      decisions: read.state === 'malformed' ? NO_DECISIONS : (read.decisions ?? NO_DECISIONS),
      acceptanceValid: valid[i] === 1,
      acceptanceStale: stale[i] === 1,
      acceptedByName:
        read.state === 'present' ? (knownUser(read.record.acceptedBy)?.displayName ?? null) : null,
      findings: findingsOf[i]!,
      belowCounts: below[i] ?? {},
      inScope: scoped,
    };
  }

  return {
    projectKey,
    issues: evaluated,
    findings: allFindings,
    coverage: {
      featuresWithPm: features === 0 ? null : featuresWithPm / features,
      doneStoriesAccepted: doneStories === 0 ? null : doneStoriesAccepted / doneStories,
    },
    issueCount,
    countsByRule,
  };
}

function hasAccount(users: readonly UserRef[], accountId: string): boolean {
  for (const u of users) if (u.accountId === accountId) return true;
  return false;
}

/**
 * Issue indices in key order (project, then number), the order of `compareIssueKeys`. Ranks
 * prefixes and parses numbers once so the sort compares integers, not sliced strings: this sort is
 * the one super-linear step of an evaluation.
 */
function sortByKey(keys: readonly string[]): Int32Array {
  const n = keys.length;
  const prefix: string[] = new Array<string>(n);
  const num = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const dash = key.lastIndexOf('-');
    prefix[i] = dash < 0 ? key : key.slice(0, dash);
    const suffix = dash < 0 ? '' : key.slice(dash + 1);
    // A key without a numeric suffix sorts by its full text after the well-formed ones.
    num[i] = /^\d{1,15}$/.test(suffix) ? Number(suffix) : Number.MAX_SAFE_INTEGER;
  }
  const ranks = [...new Set(prefix)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rankOf = new Map(ranks.map((p, r) => [p, r]));
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[i] = rankOf.get(prefix[i]!) ?? 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => {
    const d = rank[a]! - rank[b]! || num[a]! - num[b]!;
    if (d !== 0) return d;
    const ka = keys[a]!;
    const kb = keys[b]!;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/**
 * Level of an issue whose type is not in the site's type list: Jira embeds the type
 * (`{ id, name, hierarchyLevel, subtask }`) in every issue, so use that. With nothing to go on the
 * issue is read as a story: auditing it is safer than hiding it as a sub-task.
 */
export function embeddedLevel(
  value: unknown,
  levels: PopmConfig['levels'],
  cache: Map<string, Level>,
): Level {
  if (!isRecord(value)) return 'team';
  const id = typeof value.id === 'string' ? value.id : '';
  const cached = cache.get(id);
  if (cached) return cached;
  const level = levelOf(
    {
      id,
      name: typeof value.name === 'string' ? value.name : '',
      hierarchyLevel: typeof value.hierarchyLevel === 'number' ? value.hierarchyLevel : 0,
      subtask: value.subtask === true,
    },
    levels,
  );
  cache.set(id, level);
  return level;
}

interface IssueFacts {
  key: string;
  issue: JiraIssue;
  rules: ActiveRules;
  status: { name: string; category: StatusCategory };
  owners: UserRef[];
  acceptance: AcceptanceRead;
  stale: boolean;
  notByOwner: boolean;
  rawParent: string | null;
  parentFound: boolean;
  inCycle: boolean;
  hasFeatureAbove: boolean;
  storiesBelow: number;
  unacceptedBelow: number;
  unacceptedKeys: string[];
  samePerson: { person: UserRef; storyKey: string; more: number } | undefined;
  acField: string | undefined;
  valid: boolean;
  nameOf: (accountId: string) => string;
}

function quote(reason: string | undefined): string {
  const text = (reason ?? '').replace(/\s+/g, ' ').trim();
  return `"${text.length > MAX_QUOTED_REASON ? `${text.slice(0, MAX_QUOTED_REASON - 1)}…` : text}"`;
}

/** Findings of one in-scope, non-subtask issue, in catalog order. */
function findingsFor(level: Exclude<Level, 'subtask'>, x: IssueFacts): Finding[] {
  const out: Finding[] = [];
  const { rules, key, status } = x;
  const who = label(level, key);
  const add = (rule: RuleId, message: string, category?: StatusCategory): void => {
    if (rules.enabled(rule))
      out.push({ rule, severity: rules.severity(rule, category), issueKey: key, message });
  };
  const ownerNames = listNames(x.owners.map(personName));
  const category = status.category;

  if (level === 'program' && x.owners.length === 0)
    add('feature-missing-pm', `${who} has no Product Manager`);
  if (level === 'portfolio' && x.owners.length === 0) add('epic-missing-owner', `${who} has no Epic Owner`);

  if (level === 'team') {
    if (x.owners.length === 0) add('story-missing-po', `${who} has no Product Owner`);

    // At most one of the three acceptance rules: a missing record, then a record by the wrong
    // person, then a stale one. A switched-off rule lets the next applicable one speak, so turning
    // one rule off never hides a different problem.
    const read = x.acceptance;
    if (read.state !== 'present') {
      // A rejection speaks in its own words (below, at its place in the catalog).
      const rejected = read.state === 'absent' && latestRejection(read.decisions) !== null;
      if (rejected && rules.enabled('story-rejected')) {
        // story-rejected takes this rule's place.
      } else if (category !== 'new' && rules.enabled('story-missing-po-acceptance')) {
        const by = x.owners.length > 0 ? `its Product Owner (${ownerNames})` : 'a Product Owner';
        const note =
          read.state === 'malformed'
            ? ` (its popm.acceptance record is malformed and was ignored: ${read.problem})`
            : '';
        add(
          'story-missing-po-acceptance',
          `${who} ${statusWords(category)} but has not been accepted by ${by}${note}`,
          category,
        );
      }
    } else {
      const record = read.record;
      const by = x.nameOf(record.acceptedBy);
      if (x.notByOwner && rules.enabled('acceptance-not-by-po')) {
        add(
          'acceptance-not-by-po',
          `${who} was accepted by ${by}, who is neither its Product Owner (${ownerNames}) nor a delegate`,
        );
      } else if (x.stale && rules.enabled('acceptance-stale')) {
        add(
          'acceptance-stale',
          `${who} was accepted by ${by} on ${dateOnly(record.acceptedAt)}, but its status has changed since (now ${
            status.name || category
          }); it needs accepting again`,
        );
      }
    }
  }

  if (level === 'program' && category === 'done' && x.unacceptedBelow > 0) {
    const more = x.unacceptedBelow - x.unacceptedKeys.length;
    const keys = x.unacceptedKeys.join(', ') + (more > 0 ? ` and ${more} more` : '');
    add(
      'feature-done-with-unaccepted-stories',
      `${who} is done but ${x.unacceptedBelow} of its ${x.storiesBelow} ${x.storiesBelow === 1 ? 'story' : 'stories'} ${x.unacceptedBelow === 1 ? 'has' : 'have'} no valid acceptance: ${keys}`,
    );
  }

  if (level === 'team' && !x.hasFeatureAbove) {
    const why = x.inCycle
      ? ' (its parent chain loops back on itself)'
      : x.rawParent !== null && !x.parentFound
        ? ` (its parent ${x.rawParent} could not be read)`
        : x.rawParent === null
          ? ' (it has no parent)'
          : '';
    add('story-without-feature', `${who} has no feature above it${why}`);
  }

  if (level === 'program' && x.storiesBelow === 0) add('feature-without-stories', `${who} has no stories`);

  const inactive = x.owners.filter((o) => o.active === false);
  if (inactive.length > 0) {
    const role = roleName(level);
    const names = listNames(inactive.map(personName));
    add(
      'owner-inactive',
      inactive.length === 1
        ? `${who}: its ${role} ${names} is inactive`
        : `${who}: its ${role}s ${names} are inactive`,
    );
  }

  if (level === 'program' && x.samePerson) {
    const { person, storyKey, more } = x.samePerson;
    add(
      'pm-po-same-person',
      `${who}: ${personName(person)} is both its Product Manager and the Product Owner of ${storyKey}${
        more > 0 ? ` and ${more} more ${more === 1 ? 'story' : 'stories'} below it` : ''
      }`,
    );
  }

  if (level === 'team') decisionFindings(x, who, add);

  if (level === 'team' && category !== 'new') {
    const fieldValue = x.acField ? x.issue.fields[x.acField] : undefined;
    if (!hasAcceptanceCriteria(fieldValue, x.issue.fields.description)) {
      add(
        'story-missing-acceptance-criteria',
        `${who} ${statusWords(category)} but has no acceptance criteria`,
      );
    }
  }
  return out;
}

/** The decision rules (rules.md): a rejection, changed criteria, self-appointment, the assignee. */
function decisionFindings(x: IssueFacts, who: string, add: (rule: RuleId, message: string) => void): void {
  const read = x.acceptance;
  if (read.state === 'absent') {
    const rejection = latestRejection(read.decisions);
    if (rejection) {
      add(
        'story-rejected',
        `${who} was rejected by ${x.nameOf(rejection.by)} on ${dateOnly(rejection.at)}: ${quote(rejection.reason)}`,
      );
    }
    return;
  }
  if (read.state !== 'present') return;
  const record = read.record;
  const by = x.nameOf(record.acceptedBy);
  if (x.valid && record.criteria !== undefined && x.rules.enabled('acceptance-criteria-changed')) {
    const fieldValue = x.acField ? x.issue.fields[x.acField] : undefined;
    const now = criteriaFingerprint(fieldValue, x.issue.fields.description);
    if (now !== record.criteria) {
      add(
        'acceptance-criteria-changed',
        now === undefined
          ? `${who} was accepted by ${by} on ${dateOnly(record.acceptedAt)}, but its acceptance criteria have been removed since`
          : `${who} was accepted by ${by} on ${dateOnly(record.acceptedAt)}, but its acceptance criteria have changed since`,
      );
    }
  }
  if (x.valid && record.selfAppointed)
    add(
      'acceptance-self-appointed',
      `${who} was accepted by ${by}, who had made themselves its Product Owner shortly before accepting`,
    );
  const assignee = assigneeOf(x.issue);
  if (assignee !== undefined && assignee === record.acceptedBy)
    add('acceptance-by-assignee', `${who} was accepted by ${by}, who is also its assignee`);
}

/** The assignee's account id: Jira's user object, or a bare id as snapshots store it. */
export function assigneeOf(issue: JiraIssue): string | undefined {
  const value = issue.fields.assignee;
  if (typeof value === 'string') return value || undefined;
  return isRecord(value) && typeof value.accountId === 'string' ? value.accountId : undefined;
}
