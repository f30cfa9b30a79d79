/**
 * Evaluation of a small neighbourhood (an issue, its ancestors, its children) as the issue panel
 * shows it: each issue judged in the scope of its own project, as that project's audit would judge
 * it. A plain `evaluate(site, config, P)` gives findings to P's issues only, so children living
 * in team projects would show none below an ART feature.
 */
import type { PopmConfig } from './config';
import { evaluate, type EvaluateOptions } from './engine';
import type { EvaluatedIssue, RuleId, SiteData } from './types';
import { refValue } from './read';

/** Rules whose verdict on an issue depends on the issues below it. */
export const DESCENDANT_RULES: ReadonlySet<RuleId> = new Set<RuleId>([
  'feature-done-with-unaccepted-stories',
  'feature-without-stories',
  'pm-po-same-person',
]);

export interface NeighbourhoodOptions extends EvaluateOptions {
  /**
   * Keys of the issues whose children were all loaded. Descendant rules are judged only for them:
   * on any other issue they would be judged from a partial set of children, and could be wrong.
   */
  complete: ReadonlySet<string>;
}

export function evaluateNeighbourhood(
  site: SiteData,
  config: PopmConfig,
  options: NeighbourhoodOptions,
): Map<string, EvaluatedIssue> {
  const projects = new Set<string>();
  for (const issue of site.issues) {
    const project = refValue(issue.fields.project, 'key');
    if (project !== undefined) projects.add(project);
  }
  const byKey = new Map<string, EvaluatedIssue>();
  for (const project of projects) {
    for (const ev of evaluate(site, config, project, options).issues) {
      if (!ev.inScope) continue;
      const findings = options.complete.has(ev.key)
        ? ev.findings
        : ev.findings.filter((f) => !DESCENDANT_RULES.has(f.rule));
      byKey.set(ev.key, { ...ev, findings, belowCounts: {} });
    }
  }
  // Roll-ups over the whole neighbourhood, whatever project each finding belongs to.
  for (const ev of byKey.values()) {
    if (ev.findings.length === 0) continue;
    const seen = new Set<string>([ev.key]);
    let parent = ev.parentKey === null ? undefined : byKey.get(ev.parentKey);
    while (parent && !seen.has(parent.key)) {
      seen.add(parent.key);
      for (const f of ev.findings) parent.belowCounts[f.rule] = (parent.belowCounts[f.rule] ?? 0) + 1;
      parent = parent.parentKey === null ? undefined : byKey.get(parent.parentKey);
    }
  }
  return byKey;
}
