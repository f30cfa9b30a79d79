/**
 * `popm decisions` (contracts.md): the decision history of a project's stories, read from the
 * `popm.acceptance` mirror of a site or a snapshot: stories in key order, each story's decisions
 * oldest first, as CSV (`issueKey,kind,by,byName,at,statusCategory,reason`) or JSON.
 *
 * A separate module with its own small flag reader, hooked into the command dispatch by one line,
 * so it does not depend on the shape of the main argument parser.
 */
import { DEFAULT_CONFIG } from '../domain/config';
import { evaluate } from '../domain/engine';
import { compareIssueKeys } from '../domain/read';
import { createEmulator } from '../emulator/emulator';
import { JiraApi } from '../jira/api';
import { isProjectKey } from '../jira/jql';
import { scanProject } from '../jira/scan';
import { SnapshotError } from '../snapshot/format';
import { loadSnapshotFile } from '../snapshot/load';
import { decisionsToCsv, type DecisionCsvRow } from '../shared/decision-log';
import { UsageError, type Env, type SiteCredentials } from './args';

export const DECISIONS_USAGE = `Usage:
  popm decisions --project KEY [--snapshot FILE | --site URL --email E --token T] [--format csv|json]

Prints the decisions (accepted, rejected, revoked) on the project's stories from the popm.acceptance
mirror: stories in key order, each story's decisions oldest first. --format csv (default) or json.`;

const FLAGS = ['project', 'snapshot', 'site', 'email', 'token', 'format'] as const;

export interface DecisionsIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export type DecisionsCommand =
  | { help: true }
  | {
      help: false;
      project: string;
      source: { kind: 'snapshot'; file: string } | ({ kind: 'site' } & SiteCredentials);
      format: 'csv' | 'json';
    };

export function parseDecisionsArgs(args: readonly string[], env: Env): DecisionsCommand {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!(FLAGS as readonly string[]).includes(name))
      throw new UsageError(
        `unknown option --${name} for decisions (allowed: ${FLAGS.map((f) => `--${f}`).join(', ')})`,
      );
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  const project = flags.get('project');
  if (project === undefined) throw new UsageError('decisions needs --project KEY');
  if (!isProjectKey(project))
    throw new UsageError(`--project ${JSON.stringify(project)} is not a Jira project key`);
  const format = flags.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'json')
    throw new UsageError(`--format must be csv or json, not ${format}`);
  const snapshot = flags.get('snapshot');
  if (snapshot !== undefined) {
    const clash = ['site', 'email', 'token'].filter((f) => flags.has(f));
    if (clash.length > 0)
      throw new UsageError(`--snapshot cannot be combined with ${clash.map((f) => `--${f}`).join(', ')}`);
    return { help: false, project, format, source: { kind: 'snapshot', file: snapshot } };
  }
  const site = flags.get('site') ?? env.JIRA_SITE;
  const email = flags.get('email') ?? env.JIRA_EMAIL;
  const token = flags.get('token') ?? env.JIRA_API_TOKEN;
  if (!site || !email || !token)
    throw new UsageError(
      'decisions needs --snapshot FILE, or --site, --email and --token (or JIRA_SITE, JIRA_EMAIL, JIRA_API_TOKEN)',
    );
  return { help: false, project, format, source: { kind: 'site', site, email, token } };
}

/** The decision rows of a project, from the mirror as the engine reads it (legacy records included). */
export async function decisionRows(api: JiraApi, projectKey: string): Promise<DecisionCsvRow[]> {
  const data = await scanProject(api, projectKey, DEFAULT_CONFIG);
  const result = evaluate(data, DEFAULT_CONFIG, projectKey);
  const names = new Map<string, string>();
  for (const u of Object.values(data.users ?? {})) if (u.displayName) names.set(u.accountId, u.displayName);
  for (const ev of result.issues) {
    for (const o of ev.owners) if (o.displayName) names.set(o.accountId, o.displayName);
    if (ev.acceptance && ev.acceptedByName) names.set(ev.acceptance.acceptedBy, ev.acceptedByName);
  }
  const stories = result.issues
    .filter((ev) => ev.inScope && ev.level === 'team')
    .sort((a, b) => compareIssueKeys(a.key, b.key));
  const rows: DecisionCsvRow[] = [];
  for (const ev of stories) {
    // A mirror written before decisions existed holds one acceptance: it is that one decision.
    const decisions =
      ev.decisions.length > 0
        ? ev.decisions
        : ev.acceptance
          ? [
              {
                kind: 'accepted' as const,
                by: ev.acceptance.acceptedBy,
                at: ev.acceptance.acceptedAt,
                statusCategory: ev.acceptance.statusCategory ?? 'done',
              },
            ]
          : [];
    for (const d of decisions) {
      rows.push({
        issueKey: ev.key,
        kind: d.kind,
        by: d.by,
        byName: names.get(d.by) ?? d.by,
        at: d.at,
        statusCategory: d.statusCategory,
        reason: 'reason' in d && typeof d.reason === 'string' ? d.reason : '',
      });
    }
  }
  return rows;
}

export async function runDecisions(
  args: readonly string[],
  env: Env,
  io: DecisionsIo,
  siteApi: (creds: SiteCredentials) => JiraApi,
): Promise<number> {
  const command = parseDecisionsArgs(args, env);
  if (command.help) {
    io.stdout(`${DECISIONS_USAGE}\n`);
    return 0;
  }
  let api: JiraApi;
  if (command.source.kind === 'snapshot') {
    const snapshot = await loadSnapshotFile(command.source.file);
    const emulator = createEmulator(snapshot);
    const accountId = emulator.defaultAccountId ?? snapshot.users[0]?.accountId;
    if (accountId === undefined)
      throw new SnapshotError([{ path: 'users', message: 'the snapshot has no users to read as' }]);
    api = new JiraApi(emulator.transportFor(accountId));
  } else {
    api = siteApi(command.source);
  }
  const rows = await decisionRows(api, command.project);
  io.stdout(
    command.format === 'json'
      ? `${JSON.stringify({ project: command.project, decisions: rows }, null, 2)}\n`
      : decisionsToCsv(rows),
  );
  if (command.source.kind === 'site') io.stderr(`popm: ${api.requestCount} requests to the site\n`);
  return 0;
}
