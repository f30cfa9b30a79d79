/**
 * JQL built from data, safely: every value is a quoted string with `"` and `\` escaped, and keys
 * are checked against Jira's key syntax before they are used at all, so neither a malicious
 * summary nor a mistyped key can change a query's meaning.
 */
import { ISSUE_KEY_RE } from '../domain/read';

/** Jira project keys: an upper-case letter, then upper-case letters, digits or `_`. */
export const PROJECT_KEY_RE = /^[A-Z][A-Z0-9_]{0,254}$/;
/** Jira issue keys: a project key, `-`, a positive number (defined with the domain's readers). */
export { ISSUE_KEY_RE };

export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

export function isProjectKey(value: string): boolean {
  return PROJECT_KEY_RE.test(value);
}

export function isIssueKey(value: string): boolean {
  return ISSUE_KEY_RE.test(value);
}

export function assertProjectKey(value: string): string {
  if (!isProjectKey(value)) {
    throw new JqlError(`${JSON.stringify(value)} is not a Jira project key (expected something like ART)`);
  }
  return value;
}

export function assertIssueKey(value: string): string {
  if (!isIssueKey(value)) {
    throw new JqlError(`${JSON.stringify(value)} is not a Jira issue key (expected something like ART-12)`);
  }
  return value;
}

/** A JQL string literal: double-quoted, with backslash, quotes and control characters escaped. */
export function jqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default:
        out += ch;
    }
  }
  return `${out}"`;
}

function keyList(keys: readonly string[]): string {
  if (keys.length === 0) throw new JqlError('a JQL key list needs at least one key');
  return `(${keys.map((k) => jqlString(assertIssueKey(k))).join(', ')})`;
}

/** Every issue of a project. */
export function jqlProjectIssues(projectKey: string): string {
  return `project = ${jqlString(assertProjectKey(projectKey))}`;
}

/** The issues with these keys. */
export function jqlKeysIn(keys: readonly string[]): string {
  return `key in ${keyList(keys)}`;
}

/** The children of these issues, optionally outside some projects (already read another way). */
export function jqlParentIn(keys: readonly string[], excludeProjects: readonly string[] = []): string {
  const base = `parent in ${keyList(keys)}`;
  if (excludeProjects.length === 0) return base;
  const projects = excludeProjects.map((p) => jqlString(assertProjectKey(p)));
  return excludeProjects.length === 1
    ? `${base} AND project != ${projects[0] ?? ''}`
    : `${base} AND project not in (${projects.join(', ')})`;
}
