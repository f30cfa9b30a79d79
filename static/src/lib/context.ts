/** The parts of the Forge context the surfaces read, validated (the host is outside our code). */
import { z } from 'zod';

export const forgeContextSchema = z
  .object({
    accountId: z.string().optional(),
    siteUrl: z.string().optional(),
    theme: z.object({ colorMode: z.string().optional() }).loose().optional(),
    extension: z
      .object({
        type: z.string().optional(),
        entryPoint: z.string().optional(),
        issue: z
          .object({ key: z.string(), id: z.string().optional(), type: z.string().optional() })
          .loose()
          .optional(),
        project: z.object({ key: z.string(), id: z.string().optional() }).loose().optional(),
        gadgetConfiguration: z.record(z.string(), z.unknown()).optional(),
      })
      .loose()
      .default({}),
  })
  .loose();

export type ForgeContext = z.infer<typeof forgeContextSchema>;

export function parseContext(
  raw: unknown,
): { ok: true; context: ForgeContext } | { ok: false; message: string } {
  const r = forgeContextSchema.safeParse(raw ?? {});
  return r.success ? { ok: true, context: r.data } : { ok: false, message: r.error.message };
}
