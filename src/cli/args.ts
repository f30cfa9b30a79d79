/**
 * The CLI's grammar (../shared/spec/contracts.md), pure: argv and the environment in, an
 * invocation or a UsageError out. Tokenising is Node's own `util.parseArgs` (no dependency, and
 * `--flag=value`, `--` and `-h` behave as everywhere else); the checks and the words of every
 * error are ours, so each one says what to do next. Commands are rows of ./commands/index.ts.
 */
import { parseArgs as tokenise } from 'node:util';
import { isProjectKey } from '../jira/jql';
import { suggest } from './suggest';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export type Env = Record<string, string | undefined>;

export interface SiteCredentials {
  site: string;
  email: string;
  token: string;
}

export class UsageError extends Error {
  /**
   * @param hint what to do next (one line, shown after the message)
   * @param command the command whose help the user should read, if any
   */
  constructor(
    message: string,
    readonly hint?: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One `--flag VALUE` of a command, with the words its help prints. */
export interface FlagSpec {
  name: string;
  /** Placeholder for the value in help (`KEY`, `FILE`). */
  value: string;
  description: string;
  example: string;
  /** Allowed values, checked and listed in help. */
  choices?: readonly string[];
  default?: string;
  /** Environment variable used when the flag is absent. */
  env?: string;
}

/** Values given on the command line, by flag name. */
export type FlagValues = Record<string, string | undefined>;

/**
 * A command as the table holds it: its help and flags, how to build its options from the flags,
 * and how to run them. `O` stays private to the command; the table sees `Command`.
 */
export interface CommandSpec<O, Io> {
  name: string;
  /** One line for `popm --help`. */
  summary: string;
  /** The synopsis line(s) after `popm `. */
  usage: string;
  flags: readonly FlagSpec[];
  examples: readonly string[];
  /** Extra paragraphs for `popm <command> --help` (exit codes, environment). */
  notes?: readonly string[];
  parse(values: FlagValues, env: Env): O;
  run(options: O, io: Io): Promise<number>;
}

export interface Command<Io> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: readonly FlagSpec[];
  readonly examples: readonly string[];
  readonly notes: readonly string[];
  /** Builds the options (throws UsageError) and returns them with a runner bound to them. */
  prepare(values: FlagValues, env: Env): { options: unknown; run: (io: Io) => Promise<number> };
}

/** Erases a command's option type so commands of different shapes share one table. */
export function defineCommand<O, Io>(spec: CommandSpec<O, Io>): Command<Io> {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    flags: spec.flags,
    examples: spec.examples,
    notes: spec.notes ?? [],
    prepare(values, env) {
      const options = spec.parse(values, env);
      return { options, run: (io) => spec.run(options, io) };
    },
  };
}

export type Invocation<Io> =
  | { kind: 'help'; command?: Command<Io> }
  | { kind: 'version' }
  | { kind: 'run'; command: Command<Io>; options: unknown; run: (io: Io) => Promise<number> };

const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';
const isVersion = (arg: string): boolean => arg === '--version' || arg === '-V';

/** Parses `argv` (without node and the script) against the command table. */
export function parseInvocation<Io>(
  commands: readonly Command<Io>[],
  argv: readonly string[],
  env: Env = {},
): Invocation<Io> {
  const [first, ...rest] = argv;
  if (first === undefined || isHelp(first)) return { kind: 'help' };
  if (isVersion(first)) return { kind: 'version' };
  const find = (name: string): Command<Io> | undefined => commands.find((c) => c.name === name);
  const names = commands.map((c) => c.name);
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help' };
    const command = find(topic);
    if (!command) throw unknownCommand(topic, names);
    return { kind: 'help', command };
  }
  const command = find(first);
  if (!command) throw unknownCommand(first, names);
  if (rest.some(isHelp)) return { kind: 'help', command };
  const values = readFlags(command, rest);
  const prepared = command.prepare(values, env);
  return { kind: 'run', command, options: prepared.options, run: (io) => prepared.run(io) };
}

function unknownCommand(name: string, names: readonly string[]): UsageError {
  const guess = name.startsWith('-') ? suggest(name.replace(/^-+/, ''), names) : suggest(name, names);
  if (name.startsWith('-')) {
    return new UsageError(
      `${name} goes after a command`,
      `Put it after the command, for example: popm ${guess ?? 'audit'} ${name} ...`,
    );
  }
  return new UsageError(
    `unknown command ${JSON.stringify(name)}`,
    guess !== undefined
      ? `Did you mean popm ${guess}? Commands: ${names.join(', ')}.`
      : `Commands: ${names.join(', ')}. Run popm --help for what each does.`,
  );
}

/** The command's flags from `args`: known names, one value each, given once. */
function readFlags<Io>(command: Command<Io>, args: readonly string[]): FlagValues {
  const known = new Map(command.flags.map((f) => [f.name, f]));
  const { tokens } = tokenise({
    args: [...args],
    options: Object.fromEntries(command.flags.map((f) => [f.name, { type: 'string' as const }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: FlagValues = {};
  const flagList = command.flags.map((f) => `--${f.name}`);
  for (const token of tokens) {
    if (token.kind === 'positional') {
      const hint = isProjectKey(token.value.toUpperCase())
        ? `Name what it is: popm ${command.name} --project ${token.value.toUpperCase()} ...`
        : `Every value follows its flag (${flagList.slice(0, 3).join(', ')}, ...).`;
      throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`, hint, command.name);
    }
    if (token.kind !== 'option') continue;
    const spec = known.get(token.name);
    if (!spec) {
      const guess = suggest(token.name, [...known.keys()]);
      throw new UsageError(
        `unknown option ${token.rawName} for ${command.name}`,
        guess !== undefined ? `Did you mean --${guess}?` : `Options: ${flagList.join(', ')}.`,
        command.name,
      );
    }
    // `--project --snapshot f`: parseArgs takes `--snapshot` as the value; a flag is never a value.
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--'))) {
      throw new UsageError(`--${spec.name} needs a value`, `For example: ${spec.example}`, command.name);
    }
    if (values[spec.name] !== undefined) {
      throw new UsageError(`--${spec.name} given twice`, 'Give each option once.', command.name);
    }
    if (spec.choices && !spec.choices.includes(value)) {
      const guess = suggest(value, spec.choices);
      throw new UsageError(
        `--${spec.name} must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`,
        guess !== undefined ? `Did you mean --${spec.name} ${guess}?` : `For example: ${spec.example}`,
        command.name,
      );
    }
    values[spec.name] = value;
  }
  return values;
}

/** `--project`, read case-insensitively (`art` is ART) and checked against Jira's key syntax. */
export function projectKey(values: FlagValues, command: string): string {
  const raw = values.project;
  if (raw === undefined) {
    throw new UsageError(
      `${command} needs --project KEY`,
      `For example: popm ${command} --project ART ...`,
      command,
    );
  }
  const key = raw.trim().toUpperCase();
  if (!isProjectKey(key)) {
    throw new UsageError(
      `--project ${JSON.stringify(raw)} is not a Jira project key`,
      'A key is letters, digits or _ starting with a letter, as in ART or TEAM_2 (the prefix of issue keys such as ART-12).',
      command,
    );
  }
  return key;
}

const CREDENTIALS = [
  ['site', 'JIRA_SITE'],
  ['email', 'JIRA_EMAIL'],
  ['token', 'JIRA_API_TOKEN'],
] as const;

/** The site flags, each falling back to its environment variable; undefined when none is given. */
export function siteCredentials(values: FlagValues, env: Env, command: string): SiteCredentials | undefined {
  const pick = (flag: string, variable: string): string | undefined => {
    const v = values[flag] ?? env[variable];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const [site, email, token] = CREDENTIALS.map(([flag, variable]) => pick(flag, variable));
  if (site === undefined && email === undefined && token === undefined) return undefined;
  if (site === undefined || email === undefined || token === undefined) {
    const missing = CREDENTIALS.filter(([flag, variable]) => pick(flag, variable) === undefined).map(
      ([flag, variable]) => `--${flag} (or ${variable})`,
    );
    throw new UsageError(
      `reading a site needs --site, --email and --token; missing ${missing.join(', ')}`,
      'The token is an API token from https://id.atlassian.com/manage-profile/security/api-tokens.',
      command,
    );
  }
  return { site, email, token };
}
