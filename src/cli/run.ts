/**
 * The CLI's use cases, with I/O passed in (output streams, environment, file reading) so tests
 * run them in-process. Exit codes per ../shared/spec/contracts.md:
 * 0 no finding at or above --fail-on; 1 there are; 2 bad usage, config or snapshot (also an
 * unknown project, which Jira answers as a bad request); 3 the site could not be reached or
 * refused the credentials. 70 marks a bug in popm itself (never expected).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, DEFAULT_CONFIG, parseConfig, type PopmConfig } from '../domain/config';
import { evaluate } from '../domain/engine';
import { createEmulator } from '../emulator/emulator';
import { JiraApi } from '../jira/api';
import { JiraError } from '../jira/errors';
import { JqlError } from '../jira/jql';
import { scanProject, type ScanProgress } from '../jira/scan';
import { httpTransport, normaliseSiteUrl, type FetchLike } from '../jira/transports/http';
import type { Transport } from '../jira/transport';
import { exportSnapshot } from '../snapshot/export';
import { SnapshotError } from '../snapshot/format';
import { loadSnapshotFile } from '../snapshot/load';
import { parseArgs, UsageError, USAGE, type Command, type Env, type SiteCredentials } from './args';
import { exitCodeFor, formatReport, jsonReport } from './report';
import { runDecisions } from './decisions';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress then redraws one line instead of printing many. */
  stderrIsTTY?: boolean;
  readFile?(path: string): Promise<string>;
  /** Injected in tests to reach a local server without real network code paths changing. */
  fetch?: FetchLike;
  /** Waits between retries; injected in tests so retries do not really wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout against a site (default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export const EXIT = { ok: 0, findings: 1, usage: 2, site: 3, bug: 70 } as const;

async function loadConfig(file: string | undefined, io: CliIo): Promise<PopmConfig> {
  if (file === undefined) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(file);
  } catch (e) {
    throw new ConfigError(
      `cannot read the configuration ${file}: ${e instanceof Error ? e.message : String(e)}`,
      [],
    );
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

const PHASE_LABELS: Record<ScanProgress['phase'], string> = {
  metadata: 'issue types and fields',
  project: 'issues of the project',
  ancestors: 'ancestors in other projects',
  children: 'stories below its features in other projects',
  users: 'the names of people who accepted stories',
};

function progressPrinter(io: CliIo): (p: ScanProgress) => void {
  let lastPhase = '';
  return (p) => {
    const label = PHASE_LABELS[p.phase];
    if (io.stderrIsTTY) {
      const count = `${p.done}${p.total !== undefined ? `/${p.total}` : ''}`;
      io.stderr(`\r\x1b[Kpopm: reading ${label}: ${count}`);
    } else if (p.phase !== lastPhase) io.stderr(`popm: reading ${label}...\n`);
    lastPhase = p.phase;
  };
}

function siteApi(creds: SiteCredentials, io: CliIo): JiraApi {
  let site: string;
  try {
    site = normaliseSiteUrl(creds.site);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const options: Parameters<typeof httpTransport>[0] = { site, email: creds.email, apiToken: creds.token };
  if (io.fetch) options.fetch = io.fetch;
  if (io.requestTimeoutMs !== undefined) options.timeoutMs = io.requestTimeoutMs;
  return new JiraApi(httpTransport(options), {
    ...(io.sleep ? { sleep: io.sleep } : {}),
    onRetry: ({ waitMs, error }) =>
      io.stderr(
        `popm: ${error.cause} (${error.status ?? 'no answer'}); retrying in ${(waitMs / 1000).toFixed(1)}s\n`,
      ),
  });
}

async function audit(command: Extract<Command, { command: 'audit' }>, io: CliIo): Promise<number> {
  const config = await loadConfig(command.configFile, io);
  let api: JiraApi;
  let countRequests: () => number;
  if (command.source.kind === 'snapshot') {
    const snapshot = await loadSnapshotFile(command.source.file);
    const emulator = createEmulator(snapshot);
    // Audit as the snapshot's first admin (who sees everything), else its first user.
    const accountId = emulator.defaultAccountId ?? snapshot.users[0]?.accountId;
    if (accountId === undefined) {
      throw new SnapshotError([{ path: 'users', message: 'the snapshot has no users to audit as' }]);
    }
    const transport: Transport = emulator.transportFor(accountId);
    api = new JiraApi(transport);
    // The same scan runs through the in-process emulator, but no site is contacted: 0 requests.
    countRequests = () => 0;
  } else {
    api = siteApi(command.source, io);
    countRequests = () => api.requestCount;
  }
  const progress = progressPrinter(io);
  const site = await scanProject(api, command.project, config, { onProgress: progress });
  if (io.stderrIsTTY) io.stderr('\n');
  if (site.report.missingParents.length > 0) {
    io.stderr(
      `popm: ${site.report.missingParents.length} parent issue(s) could not be read (deleted or not visible): ${site.report.missingParents.slice(0, 5).join(', ')}\n`,
    );
  }
  if (command.source.kind === 'site') {
    io.stderr(`popm: ${api.requestCount} requests to the site (floor for this data: ${site.report.floor})\n`);
  }
  const result = evaluate(site, config, command.project);
  const report = jsonReport(result, countRequests(), site.report.missingParents);
  io.stdout(formatReport(report, command.format));
  return exitCodeFor(report.findings, command.failOn);
}

async function exportCommand(command: Extract<Command, { command: 'export' }>, io: CliIo): Promise<number> {
  const config = await loadConfig(command.configFile, io);
  const api = siteApi(command.source, io);
  const snapshot = await exportSnapshot(api, command.project, config, {
    onProgress: progressPrinter(io),
    siteUrl: normaliseSiteUrl(command.source.site),
  });
  if (io.stderrIsTTY) io.stderr('\n');
  io.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
  io.stderr(`popm: exported ${snapshot.issues.length} issues in ${api.requestCount} requests\n`);
  return EXIT.ok;
}

/** Runs one CLI invocation; returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  try {
    if (argv[0] === 'decisions') return await runDecisions(argv.slice(1), env, io, (c) => siteApi(c, io));
    const command = parseArgs(argv, env);
    if (command.command === 'help') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    return command.command === 'audit' ? await audit(command, io) : await exportCommand(command, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`popm: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      io.stderr(`popm: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof SnapshotError) {
      io.stderr(`popm: invalid snapshot: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof JqlError) {
      io.stderr(`popm: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof JiraError) {
      io.stderr(`popm: ${e.message}\n`);
      // Jira answers an unknown or invisible project with 400/404: the user's input is wrong.
      return e.cause === 'bad-request' || e.cause === 'not-found' ? EXIT.usage : EXIT.site;
    }
    io.stderr(
      `popm: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT.bug;
  }
}
