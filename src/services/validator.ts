/**
 * The "Requires PO acceptance" workflow validator. Runs as the app (Forge gives validators no
 * user). Non-story issues pass: the validator is meant for team-level types and must not block
 * anything else it is added to by mistake.
 */
import { z } from 'zod';
import type { RuleId } from '../domain/types';
import type { AppDeps } from '../platform/deps';
import { Invocation } from './cache';
import { appApi } from './site';
import { evaluateIssue } from './issue-view';

export const validatorArgsSchema = z.looseObject({
  issue: z.looseObject({ key: z.string().min(1).max(300) }),
});

export interface ValidatorResult {
  result: boolean;
  errorMessage?: string;
}

export async function checkAcceptance(deps: AppDeps, args: unknown): Promise<ValidatorResult> {
  const parsed = validatorArgsSchema.safeParse(args);
  if (!parsed.success)
    return { result: false, errorMessage: 'POPM Guard could not read which issue is being transitioned.' };
  const key = parsed.data.issue.key;
  // Acceptance validity is the story's own (owners, record, status): the story alone is read, in
  // one request, and the site's fields come from the cache.
  const ec = await evaluateIssue(new Invocation(deps), appApi(deps), key, {
    children: false,
    ancestors: false,
  });
  const ev = ec.byKey.get(ec.ctx.issue.key);
  if (!ev || ev.level !== 'team') return { result: true };
  const valid = ev.acceptanceValid && ec.entries.get(ec.ctx.issue.id)?.staleSince === undefined;
  // A valid acceptance still does not pass when an acceptance rule of severity error fires (e.g.
  // acceptance-by-assignee under separation of duties, or a rule an admin raised to error).
  const blocking = ev.findings.find((f) => ACCEPTANCE_RULES.has(f.rule) && f.severity === 'error');
  if (valid && !blocking) return { result: true };
  const why =
    blocking ?? ev.findings.find((f) => ACCEPTANCE_RULES.has(f.rule) || f.rule === 'story-missing-po');
  return {
    result: false,
    errorMessage: valid
      ? `${key} cannot make this transition in POPM Guard: ${why?.message ?? ''}`
      : `${key} needs a valid acceptance by its Product Owner in POPM Guard before this transition.${why ? ` ${why.message}` : ''}`,
  };
}

/** Rules about a story's acceptance (rules.md); an error among them blocks the transition. */
const ACCEPTANCE_RULES: ReadonlySet<RuleId> = new Set<RuleId>([
  'story-missing-po-acceptance',
  'acceptance-not-by-po',
  'acceptance-stale',
  'story-rejected',
  'acceptance-criteria-changed',
  'acceptance-self-appointed',
  'acceptance-by-assignee',
]);
