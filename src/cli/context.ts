/**
 * What every command gets: the process's streams and environment (injected, so tests run commands
 * in-process), the exit codes, and the shared steps (configuration, a site's API).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, DEFAULT_CONFIG, parseConfig, type PopmConfig } from '../domain/config';
import { JiraApi } from '../jira/api';
import { httpTransport, normaliseSiteUrl, type FetchLike } from '../jira/transports/http';
import { UsageError, type Env, type SiteCredentials } from './args';
import { escapeLines } from './terminal';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal: colour and the terminal's width for tables. */
  stdoutIsTTY?: boolean;
  /** The terminal's width when stdout is one. */
  columns?: number;
  /** Whether stderr is a terminal: then a progress bar is drawn there; otherwise nothing. */
  stderrIsTTY?: boolean;
  readFile?(path: string): Promise<string>;
  /** Injected in tests to reach a local server without real network code paths changing. */
  fetch?: FetchLike;
  /** Waits between retries; injected in tests so retries do not really wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout against a site (default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Clock for the progress bar's redraw rate; injected in tests. */
  now?: () => number;
}

/** What a command runs with: the I/O and the environment. */
export interface CliContext extends CliIo {
  env: Env;
}

export const EXIT = { ok: 0, findings: 1, usage: 2, site: 3, bug: 70 } as const;

/** A diagnostic line on stderr, with any control character from outside data made visible. */
export function warn(ctx: CliIo, text: string): void {
  ctx.stderr(`popm: ${escapeLines(text)}\n`);
}

export async function loadConfig(file: string | undefined, io: CliIo): Promise<PopmConfig> {
  if (file === undefined) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(file);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    const reason = code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    throw new ConfigError(`cannot read the configuration file ${file}: ${reason}`, []);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `the configuration ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`,
      [],
    );
  }
  try {
    return parseConfig(json);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${file}: ${e.message}`, e.issues);
    throw e;
  }
}

export function siteUrl(creds: SiteCredentials, command: string): string {
  try {
    return normaliseSiteUrl(creds.site);
  } catch (e) {
    throw new UsageError(
      e instanceof Error ? e.message : String(e),
      'Give the site as https://your-site.atlassian.net (or set JIRA_SITE).',
      command,
    );
  }
}

export function siteApi(creds: SiteCredentials, io: CliIo, command: string, onRetry?: () => void): JiraApi {
  const site = siteUrl(creds, command);
  const options: Parameters<typeof httpTransport>[0] = { site, email: creds.email, apiToken: creds.token };
  if (io.fetch) options.fetch = io.fetch;
  if (io.requestTimeoutMs !== undefined) options.timeoutMs = io.requestTimeoutMs;
  return new JiraApi(httpTransport(options), {
    ...(io.sleep ? { sleep: io.sleep } : {}),
    onRetry: ({ waitMs, error }) => {
      onRetry?.();
      warn(io, `${error.kind} (${error.status ?? 'no answer'}); retrying in ${(waitMs / 1000).toFixed(1)}s`);
    },
  });
}
