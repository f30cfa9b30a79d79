/** One part of `npm run bench`. Sections print their own lines; `run` may be async. */
export interface BenchSection {
  /** Short name for `--only NAME`. */
  name: string;
  description: string;
  run(): void | Promise<void>;
}

/** Formats a byte count in MiB for tables. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
