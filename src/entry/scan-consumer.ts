/** Forge function `scan-consumer`: one queued scan (from startScan or the daily trigger). */
import { z } from 'zod';
import { projectKeySchema } from '../shared/contract';
import { runScan } from '../services/project';
import { forgeDeps } from './deps';

const scanEventSchema = z.looseObject({ body: z.looseObject({ projectKey: projectKeySchema }) });

export async function handler(event: unknown): Promise<void> {
  const deps = forgeDeps();
  const parsed = scanEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.log?.('scan event ignored: no valid projectKey');
    return;
  }
  const audit = await runScan(deps, parsed.data.body.projectKey);
  deps.log?.('scan complete', { projectKey: parsed.data.body.projectKey, issues: audit.result.issueCount });
}
