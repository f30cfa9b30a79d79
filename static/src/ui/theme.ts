/**
 * Light/dark theming with design tokens. Jira owns the colour mode: we ask the host to theme us
 * (`view.theme.enable()`), load the token CSS for the mode in the context, and follow the host when
 * it changes `data-color-mode` on our <html> later (the user switched theme while we were open).
 */
import { view } from '@forge/bridge';
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';

export type ColorMode = 'light' | 'dark';

let current: ColorMode | null = null;

export async function applyColorMode(mode: ColorMode): Promise<void> {
  if (mode === current) return;
  current = mode;
  await setGlobalTheme({
    colorMode: mode,
    light: 'light',
    dark: 'dark',
    spacing: 'spacing',
    typography: 'typography',
  });
}

export function toColorMode(value: unknown): ColorMode {
  return value === 'dark' ? 'dark' : 'light';
}

export async function initTheme(initial: unknown): Promise<void> {
  try {
    await view.theme.enable();
  } catch {
    // Not every host supports theming (e.g. older Jira surfaces); tokens still load below.
  }
  await applyColorMode(toColorMode(initial));
  const root = document.documentElement;
  new MutationObserver(() => {
    const mode = toColorMode(root.getAttribute('data-color-mode'));
    if (mode !== current) void applyColorMode(mode);
  }).observe(root, { attributes: true, attributeFilter: ['data-color-mode'] });
}
