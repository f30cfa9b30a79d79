/** `popm audit`: the findings of one project, from a snapshot file or a live site. */
import { evaluate } from '../../domain/engine';
import { scopeAudit, scopeFrom, UnknownScopeError, type Scope } from '../../domain/scope';
import { isJiraError, JiraError } from '../../jira/errors';
import { jqlProjectIssues } from '../../jira/jql';
import { scanProject, type ScanResult } from '../../jira/scan';
import type { AuditResult } from '../../domain/types';
import { SnapshotError } from '../../snapshot/format';
import { loadSnapshotFile } from '../../snapshot/load';
import { defaultAccount, scanSnapshot, UnknownProjectError } from '../../snapshot/scan';
import {
  defineCommand,
  FAIL_ON,
  FORMATS,
  projectKey,
  siteCredentials,
  UsageError,
  type FailOn,
  type Format,
  type SiteCredentials,
} from '../args';
import { loadConfig, siteApi, siteUrl, warn, type CliContext } from '../context';
import { progressBar } from '../progress';
import { exitCodeFor, formatReport, issueDetails, jsonReport } from '../report';
import { COLOUR, outputWidth, PLAIN, useColour } from '../terminal';
import { CONFIG, EXIT_CODES, PROJECT, SITE_FLAGS } from './flags';

export type AuditSource = { kind: 'snapshot'; file: string } | ({ kind: 'site' } & SiteCredentials);

export interface AuditOptions {
  project: string;
  source: AuditSource;
  configFile?: string;
  format: Format;
  failOn: FailOn;
  scope?: Scope;
}

const NAME = 'audit';

export const auditCommand = defineCommand<AuditOptions, CliContext>({
  name: NAME,
  summary: 'Check one project against the ownership rules and print the findings.',
  usage:
    'audit --project KEY (--snapshot FILE | --site URL --email EMAIL --token TOKEN)\n      [--config FILE] [--format table|json|csv] [--fail-on error|warning|info|never]\n      [--sprint ID|NAME|active | --fix-version NAME]',
  flags: [
    PROJECT,
    {
      name: 'snapshot',
      value: 'FILE',
      description:
        'Audit a popm-snapshot/1 file (as `popm export` writes) instead of a site; nothing is contacted.',
      example: '--snapshot samples/sample-site.json',
    },
    ...SITE_FLAGS,
    CONFIG,
    {
      name: 'format',
      value: 'FORMAT',
      description: 'table for people, json or csv for scripts (shapes fixed by the contract).',
      example: '--format json',
      choices: FORMATS,
      default: 'table',
    },
    {
      name: 'fail-on',
      value: 'LEVEL',
      description: 'Exit 1 when a finding is at or above this severity; never always exits 0.',
      example: '--fail-on warning',
      choices: FAIL_ON,
      default: 'error',
    },
    {
      name: 'sprint',
      value: 'ID|NAME|active',
      description:
        "Report only the project's stories in this sprint (by id, exact name, or active), their features and epics.",
      example: '--sprint active',
    },
    {
      name: 'fix-version',
      value: 'NAME',
      description:
        "Report only the project's stories with this fix version (exact name), their features and epics.",
      example: '--fix-version "PI 2026.4"',
    },
  ],
  examples: [
    'popm audit --project ART --snapshot samples/sample-site.json',
    'popm audit --project ART --site https://your-site.atlassian.net --email you@example.com --token "$TOKEN"',
    'popm audit --project ART --snapshot site.json --format json --fail-on warning',
    'popm audit --project ORB --snapshot samples/sample-site.json --sprint active',
  ],
  notes: [
    'stdout holds only the report; progress and diagnostics go to stderr. Colour only on a terminal, never with NO_COLOR.',
    EXIT_CODES,
  ],

  parse(values, env) {
    const hasSiteFlag = values.site !== undefined || values.email !== undefined || values.token !== undefined;
    if (values.project === undefined && values.snapshot === undefined && !hasSiteFlag) {
      throw new UsageError(
        'audit needs --project KEY and one of --snapshot FILE or a site (--site, --email, --token)',
        'For example: popm audit --project ART --snapshot samples/sample-site.json',
        NAME,
      );
    }
    const project = projectKey(values, NAME);
    let source: AuditSource;
    if (values.snapshot !== undefined) {
      // Environment fallbacks are ignored with --snapshot; explicit site flags are a contradiction.
      const clash = ['site', 'email', 'token'].filter((f) => values[f] !== undefined);
      if (clash.length > 0) {
        throw new UsageError(
          `--snapshot cannot be combined with ${clash.map((f) => `--${f}`).join(', ')}`,
          'Audit either a snapshot file or a site, not both.',
          NAME,
        );
      }
      source = { kind: 'snapshot', file: values.snapshot };
    } else {
      const creds = siteCredentials(values, env, NAME);
      if (!creds) {
        throw new UsageError(
          'audit needs one of --snapshot FILE or a site (--site, --email, --token, or JIRA_SITE, JIRA_EMAIL, JIRA_API_TOKEN)',
          `For example: popm audit --project ${project} --snapshot site.json`,
          NAME,
        );
      }
      source = { kind: 'site', ...creds };
    }
    const options: AuditOptions = {
      project,
      source,
      // Both already checked against the flag's choices by parseInvocation.
      format: (values.format ?? 'table') as Format,
      failOn: (values['fail-on'] ?? 'error') as FailOn,
    };
    if (values.config !== undefined) options.configFile = values.config;
    if (values.sprint !== undefined && values['fix-version'] !== undefined) {
      throw new UsageError(
        '--sprint cannot be combined with --fix-version',
        'Audit one scope at a time: a sprint or a fix version.',
        NAME,
      );
    }
    const scope = scopeFrom({ sprint: values.sprint, fixVersion: values['fix-version'] });
    if (scope) options.scope = scope;
    return options;
  },

  async run(options, ctx) {
    const config = await loadConfig(options.configFile, ctx);
    let site: ScanResult;
    let requests = 0;
    if (options.source.kind === 'snapshot') {
      const snapshot = await loadSnapshotFile(options.source.file);
      // Audit as the snapshot's first admin (who sees everything), else its first user.
      const account = defaultAccount(snapshot);
      if (account === undefined) {
        throw new SnapshotError([{ path: 'users', message: 'the snapshot has no users to audit as' }]);
      }
      try {
        site = scanSnapshot(snapshot, options.project, config, account);
      } catch (e) {
        if (!(e instanceof UnknownProjectError)) throw e;
        throw new UsageError(
          `project ${e.projectKey} is not in the snapshot ${options.source.file}`,
          `It has ${e.known.join(', ') || 'no projects'}.`,
        );
      }
    } else {
      const progress = progressBar(ctx, ctx.columns ?? 80);
      const api = siteApi(options.source, ctx, NAME, () => progress.clear());
      try {
        // The approximate size of the project makes a bar; one request, made only for a terminal.
        if (progress.active)
          progress.expected = await api.approximateCount(jqlProjectIssues(options.project));
        site = await scanProject(api, options.project, config, { onProgress: (p) => progress.update(p) });
      } catch (e) {
        throw unknownProject(e, options.project, siteUrl(options.source, NAME), options.source.email);
      } finally {
        progress.clear();
      }
      requests = api.requestCount;
      warn(ctx, `${requests} requests to the site (floor for this data: ${site.report.floor})`);
    }
    const missing = site.report.missingParents;
    if (missing.length > 0) {
      warn(
        ctx,
        `${missing.length} parent issue(s) could not be read (deleted or not visible): ${missing.slice(0, 5).join(', ')}`,
      );
    }
    const result = inScope(evaluate(site, config, options.project), site, options);
    const report = jsonReport(result, requests, missing);
    ctx.stdout(
      formatReport(report, options.format, {
        width: outputWidth(ctx.stdoutIsTTY ? ctx.columns : undefined, ctx.env),
        style: useColour(ctx.env, ctx.stdoutIsTTY) ? COLOUR : PLAIN,
        details: issueDetails(result),
      }),
    );
    return exitCodeFor(report.findings, options.failOn);
  },
});

/** The audit limited to the scope the flags name; a scope nothing is in is bad usage (exit 2). */
function inScope(result: AuditResult, site: ScanResult, options: AuditOptions): AuditResult {
  if (!options.scope) return result;
  try {
    return scopeAudit(result, site.issues, site.fields, options.scope);
  } catch (e) {
    if (!(e instanceof UnknownScopeError)) throw e;
    const what = options.scope.kind === 'sprint' ? 'sprints' : 'fix versions';
    throw new UsageError(
      e.message.replace('the project', options.project),
      e.known.length > 0
        ? `Its stories are in these ${what}: ${e.known.slice(0, 10).join(', ')}${e.known.length > 10 ? ', ...' : ''}.`
        : `None of its stories is in any of the ${what}.`,
      NAME,
    );
  }
}

/** Jira's answer to a project that does not exist (or is hidden), in words that say so. */
export function unknownProject(error: unknown, project: string, site: string, email: string): unknown {
  if (
    error instanceof JiraError &&
    isJiraError(error, 'bad-request') &&
    error.errorMessages.some((m) => /does not exist for the field 'project'/i.test(m))
  ) {
    return new UsageError(
      `project ${project} does not exist on ${site}, or ${email} cannot see it`,
      'Check the key (the prefix of its issue keys) and that the account may browse the project.',
    );
  }
  return error;
}
