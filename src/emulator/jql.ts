/**
 * JQL for the emulator. Every query is parsed by Atlassian's own parser (@atlaskit/jql-ast); the
 * emulator then evaluates the subset the app uses and refuses everything else with a JqlError,
 * which the REST layer answers as Jira does: 400 `{ errorMessages, errors: {} }`.
 *
 * Evaluation uses the site's indexes: a clause on project, key or parent yields a candidate list,
 * AND takes the smallest candidate list and filters it, so a scoped query never scans the site.
 */
import { JastBuilder, type Clause, type Operand, type TerminalClause } from '@atlaskit/jql-ast';
import { STATUS_CATEGORIES, type StatusCategory } from '../domain/types';
import { STATUS_CATEGORY_INFO, type IssueRecord, type Site } from './site';

export class JqlError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join(' '));
    this.name = 'JqlError';
  }
}

type Node =
  | { kind: 'and'; children: Node[] }
  | { kind: 'or'; children: Node[] }
  | { kind: 'not'; child: Node }
  | { kind: 'project'; keys: Set<string>; negate: boolean }
  | { kind: 'issue'; ids: Set<string>; negate: boolean }
  | { kind: 'parent'; keys: Set<string>; negate: boolean }
  | { kind: 'issuetype'; ids: Set<string>; negate: boolean }
  | { kind: 'statusCategory'; cats: Set<StatusCategory>; negate: boolean }
  | { kind: 'status'; names: Set<string>; negate: boolean }
  | { kind: 'user'; field: string; ids: Set<string>; negate: boolean; empty: boolean }
  | { kind: 'property'; key: string; path: string[]; values: Set<string> | null; negate: boolean }
  | { kind: 'date'; field: 'created' | 'updated'; op: DateOperator; at: number; relative: boolean };

type DateOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

type SortField = 'key' | 'rank' | 'created' | 'updated' | 'id';
export interface CompiledQuery {
  where: Node;
  /** Holds a date relative to now (`-90m`), so its answer changes with the clock. */
  relative: boolean;
  orderBy: { field: SortField; dir: 1 | -1 }[];
}

const SUPPORTED =
  'project, key/issuekey/id, parent, issuetype/type, statusCategory, status, assignee, ' +
  'issue.property[...], created/updated (=, !=, >, >=, <, <=; "yyyy-MM-dd[ HH:mm]" or -Nm/h/d/w)';

function parseErrorMessage(message: string): string {
  return `Error in the JQL Query: ${message}`;
}

/** Parses and checks a query against the site; throws JqlError for malformed or unsupported JQL. */
export function compileJql(jql: string, site: Site, accountId: string): CompiledQuery {
  const jast = new JastBuilder().build(jql);
  if (jast.errors.length > 0 || !jast.query) {
    throw new JqlError(jast.errors.map((e) => parseErrorMessage(e.message)));
  }
  const query = jast.query;
  if (!query.where) {
    throw new JqlError([
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    ]);
  }
  const errors: string[] = [];
  const where = compileClause(query.where, site, accountId, errors);
  const relative = hasRelativeDate(where);
  const orderBy: CompiledQuery['orderBy'] = [];
  const fields = query.orderBy ? query.orderBy.fields : [];
  if (fields.length > 7) errors.push('The ORDER BY clause can contain a maximum of 7 fields.');
  for (const f of fields) {
    const name = f.field.value.toLowerCase();
    const dir: 1 | -1 = f.direction?.value === 'DESC' ? -1 : 1;
    const field: SortField | undefined =
      name === 'key' || name === 'issuekey'
        ? 'key'
        : name === 'rank'
          ? 'rank'
          : name === 'created' || name === 'createddate'
            ? 'created'
            : name === 'updated' || name === 'updateddate'
              ? 'updated'
              : name === 'id'
                ? 'id'
                : undefined;
    if (field === undefined) errors.push(`Not able to sort using field '${f.field.value}'.`);
    else orderBy.push({ field, dir });
  }
  if (errors.length > 0) throw new JqlError(errors);
  return { where, orderBy, relative };
}

function hasRelativeDate(node: Node): boolean {
  if (node.kind === 'and' || node.kind === 'or') return node.children.some(hasRelativeDate);
  if (node.kind === 'not') return hasRelativeDate(node.child);
  return node.kind === 'date' && node.relative;
}

function compileClause(clause: Clause, site: Site, accountId: string, errors: string[]): Node {
  switch (clause.clauseType) {
    case 'compound': {
      const children = clause.clauses.map((c) => compileClause(c, site, accountId, errors));
      return clause.operator.value === 'and' ? { kind: 'and', children } : { kind: 'or', children };
    }
    case 'not':
      return { kind: 'not', child: compileClause(clause.clause, site, accountId, errors) };
    case 'terminal':
      return compileTerminal(clause, site, accountId, errors);
  }
}

/** Literal values of an operand; functions are not supported (except currentUser()). */
function operandValues(
  operand: Operand,
  fieldName: string,
  accountId: string,
  errors: string[],
): string[] | 'EMPTY' {
  switch (operand.operandType) {
    case 'value':
      return [operand.value];
    case 'keyword':
      return 'EMPTY';
    case 'function': {
      if (operand.function.value.toLowerCase() === 'currentuser') return [accountId];
      errors.push(
        `The emulator does not support the function '${operand.function.value}' (field '${fieldName}').`,
      );
      return [];
    }
    case 'list': {
      const out: string[] = [];
      for (const v of operand.values) {
        const inner = operandValues(v, fieldName, accountId, errors);
        if (inner === 'EMPTY') errors.push(`EMPTY is not allowed in a list for field '${fieldName}'.`);
        else out.push(...inner);
      }
      return out;
    }
  }
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

function compileTerminal(clause: TerminalClause, site: Site, accountId: string, errors: string[]): Node {
  const fieldText = clause.field.text;
  const field = clause.field.value.toLowerCase();
  const operator = clause.operator ? clause.operator.value : undefined;
  const fallback: Node = { kind: 'and', children: [] };
  if (!operator || !clause.operand) {
    errors.push(parseErrorMessage(`incomplete clause for field '${fieldText}'`));
    return fallback;
  }
  if (clause.predicates.length > 0) {
    errors.push(`The emulator does not support predicates (field '${fieldText}').`);
    return fallback;
  }
  if (field !== 'issue.property' && !FIELDS.has(field)) {
    const fieldId = clauseFieldId(field, site);
    if (site.userFieldKind(fieldId) === null) {
      errors.push(
        site.fieldsById.has(fieldId) || KNOWN_JIRA_FIELDS.has(field)
          ? `The emulator does not support JQL on field '${fieldText}' (supported: ${SUPPORTED}).`
          : `Field '${fieldText}' does not exist or you do not have permission to view it.`,
      );
      return fallback;
    }
  }
  const listOp = operator === 'in' || operator === 'not in';
  const eqOp = operator === '=' || operator === '!=';
  const isOp = operator === 'is' || operator === 'is not';
  const negate = operator === '!=' || operator === 'not in' || operator === 'is not';
  const values = operandValues(clause.operand, fieldText, accountId, errors);
  const unsupportedOperator = (): Node => {
    errors.push(`The emulator does not support the operator '${operator}' for field '${fieldText}'.`);
    return fallback;
  };
  if (listOp && clause.operand.operandType !== 'list' && clause.operand.operandType !== 'function') {
    errors.push(parseErrorMessage(`expecting a list after '${operator}' for field '${fieldText}'`));
    return fallback;
  }
  if (eqOp && clause.operand.operandType === 'list') {
    errors.push(`The operator '${operator}' is not supported with a list for field '${fieldText}'.`);
    return fallback;
  }

  if (DATE_FIELDS.has(field)) return compileDate(clause, field, operator, site, errors) ?? fallback;

  if (field === 'issue.property') {
    const prop = clause.field.properties?.[0];
    const key = prop?.key?.value;
    if (!key) {
      errors.push(parseErrorMessage('issue.property needs a property key'));
      return fallback;
    }
    const path = (prop.path ?? []).flatMap((p) => p.value.split('.')).filter((s) => s !== '');
    if (isOp) {
      if (values !== 'EMPTY') return unsupportedOperator();
      // `is EMPTY` matches missing values: a negated "has a value" test.
      return { kind: 'property', key, path, values: null, negate: operator === 'is' };
    }
    if (!listOp && !eqOp) return unsupportedOperator();
    if (values === 'EMPTY') return unsupportedOperator();
    return { kind: 'property', key, path, values: new Set(values), negate };
  }

  if (isOp) {
    if (values !== 'EMPTY') return unsupportedOperator();
    if (field === 'parent') return { kind: 'parent', keys: new Set(), negate: operator !== 'is' };
    if (field === 'assignee' || site.userFieldKind(clauseFieldId(field, site)) !== null) {
      return {
        kind: 'user',
        field: clauseFieldId(field, site),
        ids: new Set(),
        negate: operator !== 'is',
        empty: true,
      };
    }
    return unsupportedOperator();
  }
  if (!listOp && !eqOp) return unsupportedOperator();
  if (values === 'EMPTY') return unsupportedOperator();

  const notExist = (v: string): void => {
    errors.push(`The value '${v}' does not exist for the field '${fieldText}'.`);
  };
  switch (field) {
    case 'project': {
      const keys = new Set<string>();
      for (const v of values) {
        const p = site.findProject(v) ?? site.projects.find((x) => x.name.toLowerCase() === v.toLowerCase());
        if (p) keys.add(p.key);
        else notExist(v);
      }
      return { kind: 'project', keys, negate };
    }
    case 'key':
    case 'issuekey':
    case 'id':
    case 'issue':
    case 'parent': {
      const ids = new Set<string>();
      for (const v of values) {
        const isId = /^\d+$/.test(v);
        if (!isId && !ISSUE_KEY.test(v.toUpperCase())) {
          errors.push(`The issue key '${v}' for field '${fieldText}' is invalid.`);
          continue;
        }
        const rec = site.find(v, accountId);
        if (!rec) errors.push(`An issue with key '${v}' does not exist for field '${fieldText}'.`);
        else ids.add(field === 'parent' ? rec.issue.key : rec.issue.id);
      }
      return field === 'parent' ? { kind: 'parent', keys: ids, negate } : { kind: 'issue', ids, negate };
    }
    case 'issuetype':
    case 'type': {
      const ids = new Set<string>();
      for (const v of values) {
        const matches = site.issueTypes.filter((t) => t.id === v || t.name.toLowerCase() === v.toLowerCase());
        if (matches.length === 0) notExist(v);
        for (const t of matches) ids.add(t.id);
      }
      return { kind: 'issuetype', ids, negate };
    }
    case 'statuscategory': {
      const cats = new Set<StatusCategory>();
      for (const v of values) {
        const lower = v.toLowerCase();
        const cat = STATUS_CATEGORIES.find((c) => {
          const info = STATUS_CATEGORY_INFO[c];
          return c === lower || info.name.toLowerCase() === lower || String(info.id) === v;
        });
        if (cat) cats.add(cat);
        else notExist(v);
      }
      return { kind: 'statusCategory', cats, negate };
    }
    case 'status': {
      const names = new Set<string>();
      for (const v of values) {
        const lower = v.toLowerCase();
        const byId = [...site.statusIds].find(([, id]) => id === v)?.[0];
        if (site.statusIds.has(lower)) names.add(lower);
        else if (byId !== undefined) names.add(byId);
        else notExist(v);
      }
      return { kind: 'status', names, negate };
    }
    default: {
      const fieldId = clauseFieldId(field, site);
      if (fieldId === 'assignee' || site.userFieldKind(fieldId) !== null) {
        for (const v of values) if (!site.users.has(v)) notExist(v);
        return { kind: 'user', field: fieldId, ids: new Set(values), negate, empty: false };
      }
      errors.push(
        site.fieldsById.has(fieldId) || KNOWN_JIRA_FIELDS.has(field)
          ? `The emulator does not support JQL on field '${fieldText}' (supported: ${SUPPORTED}).`
          : `Field '${fieldText}' does not exist or you do not have permission to view it.`,
      );
      return fallback;
    }
  }
}

/** `updated` and `created` and their long names (`updatedDate`, `createdDate`). */
const DATE_FIELDS = new Set(['created', 'createddate', 'updated', 'updateddate']);
const DATE_OPERATORS = new Set<string>(['=', '!=', '>', '>=', '<', '<=']);
const ABSOLUTE_DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/;
const RELATIVE_DATE = /^([-+]?)(\d+)([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * `updated >= "2026-03-01 12:00"`, `updated > -90m`: Jira's absolute formats (`yyyy-MM-dd`,
 * `yyyy/MM/dd`, each with an optional ` HH:mm`) and relative periods (minutes, hours, days, weeks
 * from now, one unit). Jira reads absolute times in the searching user's time zone; the emulator's
 * users all live in UTC. Issues without the field never match.
 */
function compileDate(
  clause: TerminalClause,
  field: string,
  operator: string,
  site: Site,
  errors: string[],
): Node | undefined {
  const fieldText = clause.field.text;
  if (!DATE_OPERATORS.has(operator)) {
    errors.push(`The emulator does not support the operator '${operator}' for field '${fieldText}'.`);
    return undefined;
  }
  const operand = clause.operand;
  if (operand?.operandType !== 'value') {
    errors.push(`The field '${fieldText}' takes one date value (the emulator supports no functions here).`);
    return undefined;
  }
  const text = operand.value.trim();
  const absolute = ABSOLUTE_DATE.exec(text);
  const relative = RELATIVE_DATE.exec(text);
  let at: number;
  if (absolute) {
    const [, y, mo, d, h = '00', mi = '00'] = absolute;
    at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  } else if (relative) {
    const [, sign, amount, unit] = relative;
    const offset = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    at = site.now().getTime() + (sign === '-' ? -offset : offset);
  } else {
    errors.push(
      `Date value '${text}' for field '${fieldText}' is invalid. Valid formats include: ` +
        `'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period of one unit, e.g. '-5d', '-90m'.`,
    );
    return undefined;
  }
  if (Number.isNaN(at)) {
    errors.push(`Date value '${text}' for field '${fieldText}' is invalid.`);
    return undefined;
  }
  return {
    kind: 'date',
    field: field.startsWith('created') ? 'created' : 'updated',
    op: operator as DateOperator,
    at,
    relative: relative !== null,
  };
}

function compareDate(value: number, op: DateOperator, at: number): boolean {
  switch (op) {
    case '=':
      return value === at;
    case '!=':
      return value !== at;
    case '>':
      return value > at;
    case '>=':
      return value >= at;
    case '<':
      return value < at;
    case '<=':
      return value <= at;
  }
}

const FIELDS = new Set([
  'project',
  'key',
  'issuekey',
  'id',
  'issue',
  'parent',
  'issuetype',
  'type',
  'statuscategory',
  'status',
  'assignee',
  ...DATE_FIELDS,
]);

const KNOWN_JIRA_FIELDS = new Set([
  'summary',
  'description',
  'text',
  'labels',
  'created',
  'updated',
  'resolution',
  'priority',
  'reporter',
  'creator',
  'sprint',
  'fixversion',
  'component',
  'duedate',
  'resolved',
  'comment',
]);

/** `cf[10101]` and custom field names map to the field id; other names pass through. */
function clauseFieldId(field: string, site: Site): string {
  const cf = /^cf\[(\d+)\]$/.exec(field);
  if (cf) return `customfield_${cf[1]}`;
  if (site.fieldsById.has(field)) return field;
  const byName = site.fields.find((f) => f.name.toLowerCase() === field);
  return byName ? byName.id : field;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function propertyValue(rec: IssueRecord, key: string, path: string[]): unknown {
  let v: unknown = rec.issue.properties?.[key];
  for (const p of path) {
    if (!isRecord(v)) return undefined;
    v = v[p];
  }
  return v;
}

function matches(node: Node, rec: IssueRecord): boolean {
  const f = rec.issue.fields;
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => matches(c, rec));
    case 'or':
      return node.children.some((c) => matches(c, rec));
    case 'not':
      return !matches(node.child, rec);
    case 'project':
      return node.keys.has(f.project) !== node.negate;
    case 'issue':
      return node.ids.has(rec.issue.id) !== node.negate;
    case 'parent': {
      const parent = f.parent ?? null;
      // `parent is EMPTY` / `parent is not EMPTY` are encoded with an empty key set.
      if (node.keys.size === 0) return (parent !== null) === node.negate;
      // Jira's negative operators never match issues without a value.
      if (parent === null) return false;
      return node.keys.has(parent) !== node.negate;
    }
    case 'issuetype':
      return node.ids.has(f.issuetype) !== node.negate;
    case 'statusCategory':
      return node.cats.has(f.status.category) !== node.negate;
    case 'status':
      return node.names.has(f.status.name.toLowerCase()) !== node.negate;
    case 'user': {
      const raw = f[node.field];
      const ids = Array.isArray(raw)
        ? raw.filter((x) => typeof x === 'string')
        : typeof raw === 'string'
          ? [raw]
          : [];
      if (node.empty) return (ids.length === 0) !== node.negate;
      if (ids.length === 0) return false;
      return ids.some((id) => node.ids.has(id)) !== node.negate;
    }
    case 'date': {
      const raw = f[node.field];
      const value = typeof raw === 'string' ? Date.parse(raw) : NaN;
      return !Number.isNaN(value) && compareDate(value, node.op, node.at);
    }
    case 'property': {
      const v = propertyValue(rec, node.key, node.path);
      const present = v !== undefined && v !== null;
      if (node.values === null) return present !== node.negate;
      if (!present) return false;
      const s =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v);
      return node.values.has(s) !== node.negate;
    }
  }
}

/** Issues an index can name up front, or null when the node needs a scan. */
function candidates(node: Node, site: Site): IssueRecord[] | null {
  switch (node.kind) {
    case 'project':
      if (node.negate) return null;
      return [...node.keys].flatMap((k) => site.byProject.get(k) ?? []);
    case 'issue':
      if (node.negate) return null;
      return [...node.ids].flatMap((id) => {
        const r = site.byId.get(id);
        return r ? [r] : [];
      });
    case 'parent':
      if (node.negate || node.keys.size === 0) return null;
      return [...node.keys].flatMap((k) => site.children.get(k) ?? []);
    case 'and': {
      let best: IssueRecord[] | null = null;
      for (const c of node.children) {
        const list = candidates(c, site);
        if (list !== null && (best === null || list.length < best.length)) best = list;
      }
      return best;
    }
    case 'or': {
      const lists: IssueRecord[][] = [];
      for (const c of node.children) {
        const list = candidates(c, site);
        if (list === null) return null;
        lists.push(list);
      }
      return lists.flat();
    }
    default:
      return null;
  }
}

function compareKeys(a: IssueRecord, b: IssueRecord): number {
  const pa = a.issue.fields.project;
  const pb = b.issue.fields.project;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.num - b.num;
}

function compareBy(field: SortField, a: IssueRecord, b: IssueRecord): number {
  switch (field) {
    case 'key':
      return compareKeys(a, b);
    case 'rank':
      return a.rank - b.rank;
    case 'id':
      return Number(a.issue.id) - Number(b.issue.id);
    case 'created':
    case 'updated': {
      // Issues without a value sort after those with one (before them when descending).
      const x = a.issue.fields[field];
      const y = b.issue.fields[field];
      if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/** Runs a compiled query: visible matching issues, ordered (default: rank, Jira's backlog order). */
export function runQuery(query: CompiledQuery, site: Site, accountId: string): IssueRecord[] {
  const pool = candidates(query.where, site);
  let out: IssueRecord[];
  if (pool === null) {
    out = site.records.filter((r) => site.canSee(r, accountId) && matches(query.where, r));
  } else {
    const seen = new Set<IssueRecord>();
    out = [];
    for (const r of pool) {
      if (seen.has(r)) continue;
      seen.add(r);
      if (site.canSee(r, accountId) && matches(query.where, r)) out.push(r);
    }
  }
  const order = query.orderBy.length > 0 ? query.orderBy : [{ field: 'rank' as const, dir: 1 as const }];
  out.sort((a, b) => {
    for (const o of order) {
      const c = compareBy(o.field, a, b);
      if (c !== 0) return c * o.dir;
    }
    return a.rank - b.rank;
  });
  return out;
}
