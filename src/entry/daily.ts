/** Forge function `daily` (scheduledTrigger): queue a rescan of every project shown on a gadget. */
import { trendProjects } from '../services/project';
import { forgeDeps } from './deps';

export async function handler(): Promise<void> {
  const deps = forgeDeps();
  const projects = await trendProjects(deps);
  for (const projectKey of projects) await deps.queue?.push({ projectKey, reason: 'daily' });
  deps.log?.('daily rescans queued', { projects: projects.length });
}
