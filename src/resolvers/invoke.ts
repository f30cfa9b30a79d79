/**
 * Calls a resolver exactly as Forge does, for the local host and tests. Forge invokes the
 * function returned by `getDefinitions()` with `{ call: { functionKey, payload }, context }` and,
 * separately, the runtime payload whose `principal.accountId` becomes `context.accountId` (any
 * `accountId` in the front end's context is overwritten). This helper builds both halves from the
 * simpler `{ payload, context: { accountId, extension } }` the caller knows.
 */
import type Resolver from '@forge/resolver';
import type { ResolverName, Result, ResultTypes } from '../shared/contract';

export type Definitions = ReturnType<Resolver['getDefinitions']>;

export interface InvokeContext {
  /** The signed-in user; omit to call as nobody (the resolver answers UNAUTHENTICATED). */
  accountId?: string;
  /** Forge's `context.extension` (e.g. `{ type: 'jira:issuePanel', issue: { key } }`). */
  extension?: Record<string, unknown>;
  [key: string]: unknown;
}

export async function invokeResolver<N extends ResolverName>(
  definitions: Definitions,
  name: N,
  payload: unknown,
  context: InvokeContext = {},
): Promise<Result<ResultTypes[N]>> {
  const { accountId, ...rest } = context;
  const runtime = accountId === undefined ? {} : { principal: { accountId } };
  const answer = await definitions({ call: { functionKey: name, payload }, context: rest }, runtime);
  // Our resolvers always answer with the envelope; this is their own output echoed back.
  return answer as Result<ResultTypes[N]>;
}
