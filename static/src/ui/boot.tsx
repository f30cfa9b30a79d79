/** Mounts a surface: reads the Forge context, turns on theming, then renders the surface. */
import '@atlaskit/css-reset';
import './styles.css';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { view } from '@forge/bridge';
import { parseContext, type ForgeContext } from '../lib/context';
import { initTheme } from './theme';
import { initIssueLinks } from '../lib/links';
import { setUserLocale } from '../lib/format';
import { ErrorMessage, Loading } from './states';
import { t } from '../i18n';
import { loadMessages } from './messages';

/** Without a context there is no locale: the English catalog still words the error. */
const loadEnglish = () => loadMessages('en-US').catch(() => undefined);

export function mount(render: (context: ForgeContext) => ReactElement): void {
  const el = document.getElementById('root');
  if (!el) throw new Error('index.html has no #root element');
  const root = createRoot(el);
  // No words before the catalog has loaded: a spinner alone.
  root.render(<Loading />);
  void (async () => {
    let raw: unknown;
    try {
      raw = await view.getContext();
    } catch (e) {
      await loadEnglish();
      root.render(
        <ErrorMessage
          error={{
            code: 'INTERNAL',
            message: t('boot.noContext', { reason: e instanceof Error ? e.message : String(e) }),
          }}
        />,
      );
      return;
    }
    const parsed = parseContext(raw);
    if (!parsed.ok) {
      await loadEnglish();
      root.render(
        <ErrorMessage
          error={{ code: 'INTERNAL', message: t('boot.badContext', { reason: parsed.message }) }}
        />,
      );
      return;
    }
    setUserLocale(parsed.context.locale);
    await Promise.all([
      // A locale without a catalog falls back to English (manifest.yml `translations.fallback`).
      loadMessages(parsed.context.locale).catch(loadEnglish),
      initTheme(parsed.context.theme?.colorMode).catch(() => undefined),
      initIssueLinks(parsed.context.siteUrl),
    ]);
    root.render(<StrictMode>{render(parsed.context)}</StrictMode>);
  })();
}
