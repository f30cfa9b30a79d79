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

/** Anything not on the local host: a remote site the runs here must never reach. */
export const OFF_SITE = /^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/;
/** A blank 1x1 PNG, the answer to off-site requests (a remote avatar draws as nothing). */
export const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
