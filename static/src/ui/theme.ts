/**
 * Light/dark theming with design tokens. Jira owns the colour mode and the token CSS: asked with
 * `view.theme.enable()`, it sets `data-color-mode` on our <html> and provides the tokens as CSS
 * custom properties, and follows the user's theme later. Only when a host does not provide them
 * do we load Atlaskit's theme loader (a separate chunk of ~300 KB that most views never fetch).
 */
import { view } from '@forge/bridge';

export type ColorMode = 'light' | 'dark';

export function toColorMode(value: unknown): ColorMode {
  return value === 'dark' ? 'dark' : 'light';
}

/** True when the token custom properties are defined on <html> (a host or our fallback set them). */
function tokensPresent(): boolean {
  return getComputedStyle(document.documentElement).getPropertyValue('--ds-surface').trim() !== '';
}

async function loadTokensOurselves(initial: ColorMode): Promise<void> {
  const { setGlobalTheme } = await import('@atlaskit/tokens/set-global-theme');
  const apply = (colorMode: ColorMode) =>
    setGlobalTheme({ colorMode, light: 'light', dark: 'dark', spacing: 'spacing', typography: 'typography' });
  let current = initial;
  await apply(initial);
  const root = document.documentElement;
  new MutationObserver(() => {
    const mode = toColorMode(root.getAttribute('data-color-mode'));
    if (mode !== current) {
      current = mode;
      void apply(mode);
    }
  }).observe(root, { attributes: true, attributeFilter: ['data-color-mode'] });
}

export async function initTheme(initial: unknown): Promise<void> {
  try {
    await view.theme.enable();
  } catch {
    // Not every host supports theming (e.g. older Jira surfaces); the fallback below covers it.
  }
  if (!tokensPresent()) await loadTokensOurselves(toColorMode(initial));
}
