/**
 * The one browser every headless run here uses (browser tests, screenshots, benchmarks): Debian's
 * chromium, never a downloaded one, with the flags that keep it off the network and the GPU.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
