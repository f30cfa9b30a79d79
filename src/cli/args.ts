/**
 * The CLI's argument grammar (../shared/spec/contracts.md), pure: argv and the environment in, a
 * command or a UsageError out. main.ts only wires I/O around it.
 */
import { isProjectKey } from '../jira/jql';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface SiteCredentials {
  site: string;
  email: string;
  token: string;
}

export type AuditSource = { kind: 'snapshot'; file: string } | ({ kind: 'site' } & SiteCredentials);

export type Command =
  | { command: 'help'; topic?: 'audit' | 'export' }
  | {
      command: 'audit';
      project: string;
      source: AuditSource;
      configFile?: string;
      format: Format;
      failOn: FailOn;
    }
  | { command: 'export'; project: string; source: { kind: 'site' } & SiteCredentials; configFile?: string };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  popm audit --project KEY [--snapshot FILE | --site URL --email E --token T]
             [--config FILE] [--format table|json|csv] [--fail-on error|warning|info|never]
  popm export --project KEY --site URL --email E --token T [--config FILE] > site.json

--site, --email and --token fall back to JIRA_SITE, JIRA_EMAIL and JIRA_API_TOKEN.
Exit codes: 0 no finding at or above --fail-on (default error); 1 there are;
            2 bad usage, config or snapshot; 3 the site could not be reached or refused the credentials.`;

const VALUE_FLAGS = {
  audit: ['project', 'snapshot', 'site', 'email', 'token', 'config', 'format', 'fail-on'],
  export: ['project', 'site', 'email', 'token', 'config'],
} as const;

export type Env = Record<string, string | undefined>;

function parseFlags(command: 'audit' | 'export', args: readonly string[]): Map<string, string> | 'help' {
  const allowed: readonly string[] = VALUE_FLAGS[command];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!allowed.includes(name)) {
      throw new UsageError(
        `unknown option --${name} for ${command} (allowed: ${allowed.map((f) => `--${f}`).join(', ')})`,
      );
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    if (value === '') throw new UsageError(`--${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  return flags;
}

function project(flags: Map<string, string>): string {
  const key = flags.get('project');
  if (key === undefined) throw new UsageError('--project KEY is required');
  if (!isProjectKey(key))
    throw new UsageError(
      `--project ${JSON.stringify(key)} is not a Jira project key (expected something like ART)`,
    );
  return key;
}

function siteCredentials(flags: Map<string, string>, env: Env): SiteCredentials {
  const pick = (flag: string, variable: string): string | undefined => {
    const v = flags.get(flag) ?? env[variable];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const site = pick('site', 'JIRA_SITE');
  const email = pick('email', 'JIRA_EMAIL');
  const token = pick('token', 'JIRA_API_TOKEN');
  const missing = [
    site === undefined ? '--site (or JIRA_SITE)' : null,
    email === undefined ? '--email (or JIRA_EMAIL)' : null,
    token === undefined ? '--token (or JIRA_API_TOKEN)' : null,
  ].filter((m): m is string => m !== null);
  if (site === undefined || email === undefined || token === undefined) {
    throw new UsageError(`missing ${missing.join(', ')}`);
  }
  return { site, email, token };
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  values: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const found = values.find((v) => v === value);
  if (found === undefined)
    throw new UsageError(`--${flag} must be one of ${values.join(', ')} (got ${JSON.stringify(value)})`);
  return found;
}

/** Parses `argv` (without node and the script); throws UsageError with a message for the user. */
export function parseArgs(argv: readonly string[], env: Env = {}): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help' };
  }
  if (command !== 'audit' && command !== 'export') {
    throw new UsageError(`unknown command ${JSON.stringify(command)} (expected audit or export)`);
  }
  const flags = parseFlags(command, rest);
  if (flags === 'help') return { command: 'help', topic: command };
  const configFile = flags.get('config');

  if (command === 'export') {
    const out: Command = {
      command,
      project: project(flags),
      source: { kind: 'site', ...siteCredentials(flags, env) },
    };
    if (configFile !== undefined) out.configFile = configFile;
    return out;
  }

  const snapshot = flags.get('snapshot');
  let source: AuditSource;
  if (snapshot !== undefined) {
    // Environment fallbacks are ignored with --snapshot; explicit site flags are a contradiction.
    const clash = ['site', 'email', 'token'].filter((f) => flags.has(f));
    if (clash.length > 0) {
      throw new UsageError(`--snapshot cannot be combined with ${clash.map((f) => `--${f}`).join(', ')}`);
    }
    source = { kind: 'snapshot', file: snapshot };
  } else {
    source = { kind: 'site', ...siteCredentials(flags, env) };
  }
  const out: Command = {
    command,
    project: project(flags),
    source,
    format: oneOf('format', flags.get('format'), FORMATS, 'table'),
    failOn: oneOf('fail-on', flags.get('fail-on'), FAIL_ON, 'error'),
  };
  if (configFile !== undefined) out.configFile = configFile;
  return out;
}
