/**
 * What Forge serves next to each Custom UI resource for the manifest's `translations`: the folder
 * `__LOCALES__/` with `i18n-info.json` (the locales and their fallbacks) and one `<locale>.json`
 * per catalog. @forge/bridge's `i18n` fetches exactly these two paths relative to the page
 * (node_modules/@forge/bridge/out/i18n/index.js), so the local host answers them from the same
 * manifest and files that `forge deploy` packages.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const LOCALES_FOLDER = '__LOCALES__';

const translationsSchema = z.object({
  resources: z.array(z.object({ key: z.string().min(1), path: z.string().min(1) })).min(1),
  fallback: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
});

export type Translations = z.infer<typeof translationsSchema>;

/** The manifest's `translations`; a manifest without it serves no catalogs. */
export function manifestTranslations(manifestPath: string): Translations | null {
  const manifest = parse(readFileSync(manifestPath, 'utf8')) as { translations?: unknown };
  if (manifest.translations === undefined) return null;
  const parsed = translationsSchema.safeParse(manifest.translations);
  if (!parsed.success) throw new Error(`${manifestPath}: translations: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * The body of `__LOCALES__/<file>`, or null when there is no such file. Catalogs are read on each
 * request so an edited catalog shows on reload.
 */
export async function localesFile(
  translations: Translations | null,
  manifestPath: string,
  file: string,
): Promise<string | null> {
  if (!translations) return null;
  if (file === 'i18n-info.json') {
    const config = { locales: translations.resources.map((r) => r.key), fallback: translations.fallback };
    // `translations` holds the manifest's own i18n values (module titles); the app has none.
    return JSON.stringify({ translations: {}, config });
  }
  const resource = translations.resources.find((r) => `${r.key}.json` === file);
  if (!resource) return null;
  return readFile(join(dirname(manifestPath), resource.path), 'utf8');
}
