import { generateSite } from '../src/emulator';
import type { Snapshot } from '../src/snapshot/format';

/** One part of `npm run bench`. Sections print their own lines; `run` may be async. */
export interface BenchSection {
  /** Short name for `--only NAME`. */
  name: string;
  description: string;
  run(): void | Promise<void>;
}

/**
 * Project sizes a section runs at: the comma-separated list in environment variable `name` (values
 * under 100 or not whole are dropped), else `defaults`.
 */
export function sizesFromEnv(name: string, defaults: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return defaults;
  return raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 100);
}

/** Formats a byte count in MiB for tables. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A generated site whose team project T1 holds `stories` stories, 100 below each of ART's features. */
export function storiesSite(stories: number): Snapshot {
  return generateSite({
    features: Math.max(1, Math.round(stories / 100)),
    storiesPerFeature: 100,
    teamProjects: 1,
    seed: 11,
  });
}
