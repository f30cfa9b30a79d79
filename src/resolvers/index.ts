/**
 * The resolvers: one per name in the contract's `payloadSchemas`. Each validates its payload,
 * takes the account from the Forge context only, checks the guard its table row declares (who may
 * call it: ./guards.ts), delegates to one service call and returns the Result envelope. Every
 * permission check is made against Jira as the user.
 */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { formatPath, MAX_CONFIG_ISSUES } from '../domain/config';
import { isConsentRequired } from '../jira/errors';
import { acceptStory, rejectStory, revokeAcceptance } from '../services/acceptance';
import { getDecisionLog } from '../services/decisions';
import { digestStatus, sendDigestNow } from '../services/digest';
import { bulkAccept, getQueue } from '../services/queue';
import {
  getConfig,
  getProjectConfig,
  previewConfig,
  saveConfig,
  saveProjectConfig,
} from '../services/config';
import type { AppDeps } from '../platform/deps';
import { getChildren, getIssueView } from '../services/issue-view';
import { setOwner } from '../services/owners';
import { getGadgetSummary, getProjectTree, startScan } from '../services/project';
import { scopeFrom, type Scope } from '../domain/scope';
import { searchUsers } from '../services/users';
import {
  accountIdSchema,
  fail,
  ok,
  payloadSchemas,
  RESOLVER_NAMES,
  type Payload,
  type ResolverName,
  type Result,
  type ResultTypes,
} from '../shared/contract';
import { toFailure } from './errors';
import { GUARDS, type GuardSubject, type Who } from './guards';
import type { Definitions } from './invoke';

type Handler<N extends ResolverName> = (
  deps: AppDeps,
  accountId: string,
  payload: Payload<N>,
) => Promise<ResultTypes[N]>;

/** The scope a view payload names (`sprint` or `fixVersion`, already validated), if any. */
function optionalScope(p: { sprint?: string | undefined; fixVersion?: string | undefined }): {
  scope?: Scope;
} {
  const scope = scopeFrom(p);
  return scope ? { scope } : {};
}

/** Who may call a resolver (checked before it runs) and the service call behind it. */
interface Guarded<N extends ResolverName> {
  who: Who;
  run: Handler<N>;
}

/** Who may call each resolver, and the service call behind it. */
export const resolvers: { [N in ResolverName]: Guarded<N> } = {
  getIssueView: { who: 'issue-viewer', run: (deps, me, p) => getIssueView(deps, me, p.issueKey) },
  getChildren: { who: 'issue-viewer', run: (deps, me, p) => getChildren(deps, me, p.issueKey, p.cursor) },
  getProjectTree: {
    who: 'project-viewer',
    run: (deps, me, p) =>
      getProjectTree(deps, me, p.projectKey, p.cursor, {
        ...optionalScope(p),
        ...(p.choices === true ? { choices: true } : {}),
      }),
  },
  startScan: { who: 'project-viewer', run: (deps, me, p) => startScan(deps, me, p.projectKey) },
  getGadgetSummary: {
    who: 'project-viewer',
    run: (deps, me, p) => getGadgetSummary(deps, me, p.projectKey, p.rules, optionalScope(p).scope),
  },
  acceptStory: { who: 'story-owner', run: (deps, me, p) => acceptStory(deps, me, p.issueKey) },
  revokeAcceptance: {
    who: 'story-owner',
    run: (deps, me, p) => revokeAcceptance(deps, me, p.issueKey, p.reason),
  },
  rejectStory: { who: 'story-owner', run: (deps, me, p) => rejectStory(deps, me, p.issueKey, p.reason) },
  // The caller's own queue: only stories they own (or are delegated) are listed.
  getQueue: { who: 'signed-in', run: (deps, me, p) => getQueue(deps, me, p.cursor) },
  // Checked story by story: the ones the caller may not accept come back refused, not accepted.
  bulkAccept: { who: 'story-owner', run: (deps, me, p) => bulkAccept(deps, me, p.issueKeys) },
  getDecisionLog: {
    who: 'project-viewer',
    run: (deps, me, p) => getDecisionLog(deps, me, p.projectKey, p.cursor),
  },
  // Owners are Jira fields written as the user: Jira's Edit Issues permission decides the rest.
  setOwner: { who: 'issue-viewer', run: (deps, me, p) => setOwner(deps, me, p.issueKey, p.accountIds) },
  // Jira's user search as the user decides whom they may see.
  searchUsers: { who: 'signed-in', run: (deps, me, p) => searchUsers(deps, me, p.query) },
  // Everyone reads the settings (the pages show them); `canEdit` says whether they may change them.
  getConfig: { who: 'signed-in', run: (deps, me) => getConfig(deps, me) },
  saveConfig: { who: 'site-admin', run: (deps, me, p) => saveConfig(deps, me, p.config, p.revision) },
  getProjectConfig: { who: 'project-viewer', run: (deps, me, p) => getProjectConfig(deps, me, p.projectKey) },
  saveProjectConfig: {
    who: 'project-admin',
    run: (deps, me, p) => saveProjectConfig(deps, me, p.projectKey, p.override, p.revision),
  },
  previewConfig: {
    who: 'project-admin',
    run: (deps, me, p) => previewConfig(deps, me, p.projectKey, p.config),
  },
  // The admin page's digest section: when the last digest went, and "send digest now".
  getDigestStatus: { who: 'site-admin', run: (deps) => digestStatus(deps) },
  sendDigestNow: { who: 'site-admin', run: (deps) => sendDigestNow(deps) },
};

/** The part of a payload the guards read. */
function subjectOf(payload: unknown): GuardSubject {
  return typeof payload === 'object' &&
    payload !== null &&
    'projectKey' in payload &&
    typeof payload.projectKey === 'string'
    ? { projectKey: payload.projectKey }
    : {};
}

/** BAD_REQUEST carries as many details as INVALID_CONFIG. */
const MAX_DETAILS = MAX_CONFIG_ISSUES;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const requestSchema = z.looseObject({
  payload: z.unknown(),
  context: z.looseObject({ accountId: z.unknown() }).optional(),
});

/**
 * Runs one resolver on a Forge-shaped request `{ payload, context }`. Answers every failure in the
 * envelope, except Forge's request for the user's consent, which it rethrows.
 */
export async function runResolver<N extends ResolverName>(
  deps: AppDeps,
  name: N,
  request: unknown,
): Promise<Result<ResultTypes[N]>> {
  try {
    const req = requestSchema.safeParse(request);
    if (!req.success) return fail('BAD_REQUEST', 'the request is not a Forge resolver request');
    // The account comes from Forge's context (the signed-in user), never from the payload.
    const account = accountIdSchema.safeParse(req.data.context?.accountId);
    if (!account.success) return fail('UNAUTHENTICATED', 'sign in to Jira to use POPM Guard');
    const schema = payloadSchemas[name];
    const payload = schema.safeParse(req.data.payload ?? {});
    if (!payload.success) {
      // Bounded: a hostile payload can produce thousands of issues, and each message may list
      // every allowed value; the person reading needs the first few, the details the rest.
      const details = payload.error.issues.slice(0, MAX_DETAILS).map((i) => ({
        path: formatPath(i.path) || '(payload)',
        message: clip(i.message, 200),
      }));
      const shown = details.slice(0, 3).map((d) => `${d.path}: ${d.message}`);
      const more = payload.error.issues.length - shown.length;
      return fail(
        'BAD_REQUEST',
        `invalid ${name} payload: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
        details,
      );
    }
    const row = resolvers[name] as Guarded<N>;
    await GUARDS[row.who](deps, account.data, subjectOf(payload.data));
    return ok(await row.run(deps, account.data, payload.data as Payload<N>));
  } catch (error) {
    // Forge shows its consent prompt only when this error leaves the resolver unchanged.
    if (isConsentRequired(error)) throw error;
    return toFailure(error, (message, extra) => deps.log?.(message, extra));
  }
}

/** True only for a contract name: own keys of `payloadSchemas`, never inherited ones. */
export function isResolverName(name: unknown): name is ResolverName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(payloadSchemas, name);
}

const callSchema = z.looseObject({ call: z.looseObject({ functionKey: z.unknown() }) });

/**
 * Every contract resolver on a @forge/resolver Resolver, behind a check of the called name.
 * @forge/resolver looks a `functionKey` up with `in` on a plain object, so `constructor`,
 * `toString` or `__proto__` find Object.prototype's members: `constructor` is `Object`, which
 * hands the caller's request, context included, straight back. Only contract names get through.
 */
export function buildResolver(deps: AppDeps): { getDefinitions(): Definitions } {
  const resolver = new Resolver();
  for (const name of RESOLVER_NAMES) {
    resolver.define(name, (request) => runResolver(deps, name, request));
  }
  return {
    getDefinitions() {
      const definitions = resolver.getDefinitions();
      return (request, runtime) => {
        const call = callSchema.safeParse(request);
        const name = call.success ? call.data.call.functionKey : undefined;
        if (!isResolverName(name)) {
          const shown = typeof name === 'string' ? JSON.stringify(clip(name, 60)) : typeof name;
          return Promise.resolve(fail('BAD_REQUEST', `there is no resolver named ${shown}`));
        }
        return definitions(request, runtime);
      };
    },
  };
}
