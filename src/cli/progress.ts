/**
 * A one-line progress bar on stderr for long scans, redrawn in place at most ten times a second.
 * Silent when stderr is not a terminal: CI logs and pipes get no progress noise.
 */
import type { ScanProgress } from '../jira/scan';
import type { CliIo } from './context';

const LABELS: Record<ScanProgress['phase'], string> = {
  metadata: 'issue types and fields',
  project: 'issues of the project',
  ancestors: 'ancestors in other projects',
  children: 'stories below its features in other projects',
  users: 'names of people who accepted stories',
};

const BAR = 24;
const REDRAW_MS = 100;

export interface Progress {
  /** Whether anything is drawn (stderr is a terminal). */
  readonly active: boolean;
  /** Approximate number of the project's issues, when known: the project phase then draws a bar. */
  expected: number | undefined;
  update(p: ScanProgress): void;
  /** Clears the line; call before anything else is written to stderr. */
  clear(): void;
}

export function progressBar(io: CliIo, width = 80): Progress {
  const active = io.stderrIsTTY === true;
  const now = io.now ?? (() => Date.now());
  let last = -Infinity;
  let lastPhase: string | undefined;
  let drawn = false;
  const state: Progress = {
    active,
    expected: undefined,
    update(p) {
      if (!active) return;
      const t = now();
      // Always draw the first update of a phase; otherwise at most every REDRAW_MS.
      if (p.phase === lastPhase && t - last < REDRAW_MS) return;
      last = t;
      lastPhase = p.phase;
      const total = p.total ?? (p.phase === 'project' ? state.expected : undefined);
      let line = `popm: reading ${LABELS[p.phase]}`;
      if (total !== undefined && total > 0) {
        const ratio = Math.min(1, p.done / total);
        const full = Math.round(ratio * BAR);
        line += ` [${'#'.repeat(full)}${'-'.repeat(BAR - full)}] ${p.done.toLocaleString('en-US')}/${p.phase === 'project' ? '~' : ''}${total.toLocaleString('en-US')}`;
      } else if (p.done > 0) line += ` ${p.done.toLocaleString('en-US')}`;
      io.stderr(`\r\x1b[K${line.slice(0, Math.max(10, width - 1))}`);
      drawn = true;
    },
    clear() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
      lastPhase = undefined;
    },
  };
  return state;
}
