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

export function mount(render: (context: ForgeContext) => ReactElement): void {
  const el = document.getElementById('root');
  if (!el) throw new Error('index.html has no #root element');
  const root = createRoot(el);
  root.render(<Loading label="Starting POPM Guard" />);
  void (async () => {
    let raw: unknown;
    try {
      raw = await view.getContext();
    } catch (e) {
      root.render(
        <ErrorMessage
          error={{
            code: 'INTERNAL',
            message: `Jira did not give this view its context: ${e instanceof Error ? e.message : String(e)}`,
          }}
        />,
      );
      return;
    }
    const parsed = parseContext(raw);
    if (!parsed.ok) {
      root.render(
        <ErrorMessage
          error={{ code: 'INTERNAL', message: `Unexpected context from Jira: ${parsed.message}` }}
        />,
      );
      return;
    }
    setUserLocale(parsed.context.locale);
    await Promise.all([
      initTheme(parsed.context.theme?.colorMode).catch(() => undefined),
      initIssueLinks(parsed.context.siteUrl),
    ]);
    root.render(<StrictMode>{render(parsed.context)}</StrictMode>);
  })();
}
