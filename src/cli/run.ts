/**
 * One CLI invocation, with I/O passed in (streams, environment, file reading) so tests run it
 * in-process. Exit codes per ../shared/spec/contracts.md: 0 no finding at or above --fail-on;
 * 1 there are; 2 bad usage, config or snapshot (also a project that does not exist); 3 the site
 * could not be reached or refused the credentials. 70 marks a bug in popm itself (never expected).
 */
import { ConfigError } from '../domain/config';
import { isJiraError, JiraError } from '../jira/errors';
import { JqlError } from '../jira/jql';
import { SnapshotError } from '../snapshot/format';
import { SnapshotFileError } from '../snapshot/load';
import { parseInvocation, UsageError, type Env } from './args';
import { COMMANDS } from './commands';
import { EXIT, siteApi, warn, type CliIo } from './context';
import { runDecisions } from './decisions';
import { commandHelp, globalHelp } from './help';
import { VERSION } from './version';

export { EXIT, type CliIo } from './context';

/** Runs one CLI invocation; returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  try {
    // `decisions` (issue 11) reads its own flags; it joins the command table when that grows scope flags.
    if (argv[0] === 'decisions')
      return await runDecisions(argv.slice(1), env, io, (c) => siteApi(c, io, 'decisions'));
    const invocation = parseInvocation(COMMANDS, argv, env);
    if (invocation.kind === 'version') {
      io.stdout(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (invocation.kind === 'help') {
      io.stdout(invocation.command ? commandHelp(invocation.command) : globalHelp(COMMANDS, VERSION));
      return EXIT.ok;
    }
    return await invocation.run({ ...io, env });
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    const more = e.command !== undefined ? `Run popm ${e.command} --help for every option.` : undefined;
    warn(io, [e.message, e.hint, more].filter((x) => x !== undefined).join('\n'));
    return EXIT.usage;
  }
  if (e instanceof SnapshotFileError) {
    warn(io, `cannot read snapshot file ${e.file}: ${e.reason}`);
    return EXIT.usage;
  }
  if (e instanceof SnapshotError) {
    warn(io, `invalid snapshot: ${e.message}`);
    return EXIT.usage;
  }
  if (e instanceof ConfigError || e instanceof JqlError) {
    warn(io, e.message);
    return EXIT.usage;
  }
  if (e instanceof JiraError) {
    warn(io, e.message);
    // Jira answers an unknown or invisible project with 400/404: the user's input is wrong.
    return isJiraError(e, 'bad-request') || isJiraError(e, 'not-found') ? EXIT.usage : EXIT.site;
  }
  warn(io, `internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return EXIT.bug;
}
