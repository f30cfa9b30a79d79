/**
 * The resolvers: one per name in the contract's `payloadSchemas`. Each validates its payload,
 * takes the account from the Forge context only, delegates to one service call and returns the
 * Result envelope. Permission checks live in the services, next to the data they protect, and are
 * made against Jira as the user.
 */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { formatPath, MAX_CONFIG_ISSUES } from '../domain/config';
import { isConsentRequired } from '../jira/errors';
import { acceptStory, rejectStory, revokeAcceptance } from '../services/acceptance';
import { getDecisionLog } from '../services/decisions';
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
import type { Definitions } from './invoke';

type Handler<N extends ResolverName> = (
  deps: AppDeps,
  accountId: string,
  payload: Payload<N>,
) => Promise<ResultTypes[N]>;

/** The service call behind each resolver name. */
/** The scope a view payload names (`sprint` or `fixVersion`, already validated), if any. */
function optionalScope(p: { sprint?: string | undefined; fixVersion?: string | undefined }): {
  scope?: Scope;
} {
  const scope = scopeFrom(p);
  return scope ? { scope } : {};
}

export const handlers: { [N in ResolverName]: Handler<N> } = {
  getIssueView: (deps, me, p) => getIssueView(deps, me, p.issueKey),
  getChildren: (deps, me, p) => getChildren(deps, me, p.issueKey, p.cursor),
  getProjectTree: (deps, me, p) =>
    getProjectTree(deps, me, p.projectKey, p.cursor, {
      ...optionalScope(p),
      ...(p.choices === true ? { choices: true } : {}),
    }),
  startScan: (deps, me, p) => startScan(deps, me, p.projectKey),
  getGadgetSummary: (deps, me, p) =>
    getGadgetSummary(deps, me, p.projectKey, p.rules, optionalScope(p).scope),
  acceptStory: (deps, me, p) => acceptStory(deps, me, p.issueKey),
  revokeAcceptance: (deps, me, p) => revokeAcceptance(deps, me, p.issueKey, p.reason),
  rejectStory: (deps, me, p) => rejectStory(deps, me, p.issueKey, p.reason),
  getQueue: (deps, me, p) => getQueue(deps, me, p.cursor),
  bulkAccept: (deps, me, p) => bulkAccept(deps, me, p.issueKeys),
  getDecisionLog: (deps, me, p) => getDecisionLog(deps, me, p.projectKey, p.cursor),
  setOwner: (deps, me, p) => setOwner(deps, me, p.issueKey, p.accountIds),
  searchUsers: (deps, me, p) => searchUsers(deps, me, p.query),
  getConfig: (deps, me) => getConfig(deps, me),
  saveConfig: (deps, me, p) => saveConfig(deps, me, p.config, p.revision),
  getProjectConfig: (deps, me, p) => getProjectConfig(deps, me, p.projectKey),
  saveProjectConfig: (deps, me, p) => saveProjectConfig(deps, me, p.projectKey, p.override, p.revision),
  previewConfig: (deps, me, p) => previewConfig(deps, me, p.projectKey, p.config),
};

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
    const handler = handlers[name] as Handler<N>;
    return ok(await handler(deps, account.data, payload.data as Payload<N>));
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
