/**
 * The project page's and gadget's scope (rules.md, "Scope within a project"): read from and
 * written to the URL (`?sprint=ID|NAME|active`, `?fixVersion=NAME`, contracts.md), and the picker's
 * options. Pure, so it is tested without a browser; the words a person reads are here.
 */
import type { ScopeChoices } from '../../../src/shared/contract';
import { messages, t } from '../i18n';

export interface ScopeParams {
  sprint?: string;
  fixVersion?: string;
}

const SPRINT = 'sprint';
const FIX_VERSION = 'fixVersion';
/** The server's bound on a scope value (src/shared/contract.ts). */
const MAX_VALUE = 255;

/** Words of the scope picker and the figures' scope line, read from the catalog when shown. */
export const SCOPE_TEXT = messages({
  picker: 'scope.picker',
  placeholder: 'scope.placeholder',
  activeSprints: 'scope.activeSprints',
  sprints: 'scope.sprints',
  versions: 'scope.versions',
  wholeProject: 'projectPage.wholeProject',
});
const STATE_WORDS = messages({
  active: 'scope.state.active',
  closed: 'scope.state.closed',
  future: 'scope.state.future',
});
export const scopedText = (label: string): string => t('scope.scoped', { label });
const sprintLabel = (s: { name: string; state: keyof typeof STATE_WORDS }): string =>
  t('scope.sprintOption', { name: s.name, state: STATE_WORDS[s.state] });

const clean = (v: string | null): string | undefined => {
  const t = v?.trim();
  return t && t.length <= MAX_VALUE ? t : undefined;
};

/** The scope a query string names; a sprint wins when both are given (the server takes one). */
export function scopeFromSearch(search: string): ScopeParams {
  const p = new URLSearchParams(search);
  const sprint = clean(p.get(SPRINT));
  if (sprint !== undefined) return { sprint };
  const fixVersion = clean(p.get(FIX_VERSION));
  return fixVersion !== undefined ? { fixVersion } : {};
}

/** The query string with the scope written in, every other parameter (filters...) left as it was. */
export function searchWithScope(search: string, scope: ScopeParams): string {
  const p = new URLSearchParams(search);
  p.delete(SPRINT);
  p.delete(FIX_VERSION);
  if (scope.sprint !== undefined) p.set(SPRINT, scope.sprint);
  else if (scope.fixVersion !== undefined) p.set(FIX_VERSION, scope.fixVersion);
  const q = p.toString();
  return q ? `?${q}` : '';
}

export const sameScope = (a: ScopeParams, b: ScopeParams): boolean =>
  a.sprint === b.sprint && a.fixVersion === b.fixVersion;

export interface ScopeOption {
  /** `sprint:ID`, `sprint:active` or `fixVersion:NAME`: unique across groups. */
  value: string;
  label: string;
  scope: ScopeParams;
}

export interface ScopeGroup {
  label: string;
  options: ScopeOption[];
}

/** The picker's groups: active sprints first, then each sprint newest first, then versions. */
export function scopeGroups(choices: ScopeChoices): ScopeGroup[] {
  const sprints: ScopeOption[] = choices.sprints.map((s) => ({
    value: `sprint:${s.id}`,
    label: sprintLabel(s),
    scope: { sprint: String(s.id) },
  }));
  if (choices.sprints.some((s) => s.state === 'active'))
    sprints.unshift({ value: 'sprint:active', label: SCOPE_TEXT.activeSprints, scope: { sprint: 'active' } });
  const versions: ScopeOption[] = choices.versions.map((name) => ({
    value: `fixVersion:${name}`,
    label: name,
    scope: { fixVersion: name },
  }));
  return [
    ...(sprints.length > 0 ? [{ label: SCOPE_TEXT.sprints, options: sprints }] : []),
    ...(versions.length > 0 ? [{ label: SCOPE_TEXT.versions, options: versions }] : []),
  ];
}

/**
 * The option showing a scope. A sprint named in the URL by name matches its option by name; a
 * scope the picker does not list (typed into the URL) still shows, as itself.
 */
export function optionFor(scope: ScopeParams, choices: ScopeChoices | undefined): ScopeOption | null {
  if (scope.sprint !== undefined) {
    if (scope.sprint === 'active') return { value: 'sprint:active', label: SCOPE_TEXT.activeSprints, scope };
    const s = choices?.sprints.find((x) => String(x.id) === scope.sprint || x.name === scope.sprint);
    return s
      ? { value: `sprint:${s.id}`, label: sprintLabel(s), scope }
      : { value: `sprint:${scope.sprint}`, label: scope.sprint, scope };
  }
  if (scope.fixVersion !== undefined)
    return { value: `fixVersion:${scope.fixVersion}`, label: scope.fixVersion, scope };
  return null;
}
