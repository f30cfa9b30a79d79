/**
 * Loads the message catalog of the user's locale through @forge/bridge's `i18n`, which fetches
 * what Forge serves next to the resource (`__LOCALES__/i18n-info.json` and `<locale>.json`, made
 * from manifest.yml `translations`) and falls back key by key along the manifest's fallbacks to
 * en-US.
 */
import { i18n } from '@forge/bridge';
import { setCatalog } from '../i18n';

type ForgeLocale = Parameters<typeof i18n.createTranslationFunction>[0];

/**
 * Loads the catalog for the user's locale (Jira sends e.g. "en_US" or "en-US") through Forge.
 * Forge's translation function answers the key itself when nothing has it; that is a missing
 * message, so it becomes null here and `t` can say so.
 */
export async function loadMessages(locale: string | undefined): Promise<void> {
  const tag = locale?.replace('_', '-') ?? null;
  // Any tag is safe to pass: Forge looks up only the locales the manifest lists, then the default.
  const translate = await i18n.createTranslationFunction(tag as ForgeLocale);
  const MISSING = '\u0000';
  setCatalog((key) => {
    const v = translate(key, MISSING);
    return v === MISSING ? null : v;
  }, tag ?? undefined);
}
