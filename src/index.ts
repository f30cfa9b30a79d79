/**
 * Forge entry points: manifest.yml's `function` handlers are `index.<export>` (Forge resolves
 * handler files relative to src/). Each lives in src/entry/; this file only names them.
 */
export { handler as resolver } from './entry/resolver';
export { handler as onIssueEvent } from './entry/issue-events';
export { handler as validateAcceptance } from './entry/validator';
export { handler as onDaily } from './entry/daily';
export { handler as onScanEvent } from './entry/scan-consumer';
export {
  acceptStoryAction,
  awaitingMyAcceptanceAction,
  checkAcceptanceAction,
  ownershipGapsAction,
} from './entry/rovo';
