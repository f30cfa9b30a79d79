/** Forge function `resolver`: every Custom UI `invoke` lands here. */
import { buildResolver } from '../resolvers';
import type { Definitions } from '../resolvers/invoke';
import { forgeDeps, invocationDeadline } from './deps';

/**
 * Dependencies are built per invocation, not once per module: each call has its own 25 s
 * deadline, which every Jira wait and store write of the call is held to.
 */
export const handler: Definitions = (request, runtime) =>
  buildResolver(forgeDeps(invocationDeadline('resolver'))).getDefinitions()(request, runtime);
