/**
 * The "Requires PO acceptance" workflow validator. Runs as the app (Forge gives validators no
 * user). Non-story issues pass: the validator is meant for team-level types and must not block
 * anything else it is added to by mistake.
 */
import { z } from 'zod';
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
  if (ev.acceptanceValid && ec.entries.get(ec.ctx.issue.id)?.staleSince === undefined)
    return { result: true };
  const why = ev.findings.find((f) =>
    ['story-missing-po-acceptance', 'acceptance-not-by-po', 'acceptance-stale', 'story-missing-po'].includes(
      f.rule,
    ),
  );
  return {
    result: false,
    errorMessage: `${key} needs a valid acceptance by its Product Owner in POPM Guard before this transition.${why ? ` ${why.message}` : ''}`,
  };
}
