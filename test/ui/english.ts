/** What boot.tsx loads through Forge before any surface renders: the English catalog. */
import English from '../../locales/en-US.json';
import { catalogLookup, setCatalog } from '../../static/src/i18n';

export function loadEnglish(): void {
  setCatalog(catalogLookup(English), 'en-US');
}
