/** Forge function `resolver`: every Custom UI `invoke` lands here. */
import { buildResolver } from '../resolvers';
import { forgeDeps } from './deps';

export const handler = buildResolver(forgeDeps()).getDefinitions();
