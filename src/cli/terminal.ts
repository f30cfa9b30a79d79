/**
 * What a terminal needs from text that came from Jira: control characters made visible, colour
 * only where it belongs, and lines cut to the width of the window.
 */

/**
 * C0 and C1 controls, DEL, and the Unicode bidirectional overrides/isolates. Any of them from Jira
 * data (a display name holding `ESC ]0;...` would retitle the window; U+202E reorders a line) is
 * shown as an escape instead of reaching the terminal.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Escapes everything but line breaks, for multi-line diagnostics. */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
}

export type Env = Record<string, string | undefined>;

/**
 * Colour on a terminal only: never when NO_COLOR is set to anything non-empty (no-color.org);
 * otherwise FORCE_COLOR=0/false turns it off and any other FORCE_COLOR value on, even in a pipe;
 * otherwise on when the stream is a TTY and TERM is not `dumb`.
 */
export function useColour(env: Env, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return isTTY === true && env.TERM !== 'dumb';
}

export const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 40;

/** The width to fit: the terminal's columns, else COLUMNS, else 100 (a pipe or a CI log). */
export function outputWidth(columns: number | undefined, env: Env): number {
  const fromEnv = Number(env.COLUMNS);
  const raw =
    columns !== undefined && columns > 0
      ? columns
      : Number.isInteger(fromEnv) && fromEnv > 0
        ? fromEnv
        : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, raw);
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;

export const COLOUR: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

const same = (text: string): string => text;
export const PLAIN: Style = { bold: same, dim: same, red: same, yellow: same, cyan: same };

/** Columns a string takes (code points; wide East Asian characters count 2). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Cuts `text` to `width` columns, ending in `…` when cut; pads with spaces to exactly `width` if `pad`. */
export function fit(text: string, width: number, pad = false): string {
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  const total = displayWidth(text);
  if (total <= width) return pad ? text + ' '.repeat(width - total) : text;
  for (const ch of text) {
    const w = isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  out += '…';
  used += 1;
  return pad ? out + ' '.repeat(Math.max(0, width - used)) : out;
}
