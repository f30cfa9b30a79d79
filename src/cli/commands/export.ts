/** `popm export`: a snapshot file of one project and its context, read from a live site. */
import { exportSnapshot } from '../../snapshot/export';
import { defineCommand, projectKey, siteCredentials, UsageError, type SiteCredentials } from '../args';
import { EXIT, loadConfig, siteApi, siteUrl, warn, type CliContext } from '../context';
import { progressBar } from '../progress';
import { unknownProject } from './audit';
import { CONFIG, PROJECT, SITE_FLAGS } from './flags';

export interface ExportOptions {
  project: string;
  source: SiteCredentials;
  configFile?: string;
}

const NAME = 'export';

export const exportCommand = defineCommand<ExportOptions, CliContext>({
  name: NAME,
  summary: 'Write a snapshot of one project (and its context) that audit --snapshot and npm start read.',
  usage: 'export --project KEY --site URL --email EMAIL --token TOKEN [--config FILE] > site.json',
  flags: [PROJECT, ...SITE_FLAGS, CONFIG],
  examples: [
    'popm export --project ART --site https://your-site.atlassian.net --email you@example.com --token "$TOKEN" > site.json',
    'JIRA_SITE=https://your-site.atlassian.net JIRA_EMAIL=you@example.com JIRA_API_TOKEN=... popm export --project ART > site.json',
  ],
  notes: [
    'The snapshot goes to stdout; progress and the number of requests to stderr.',
    'Exit codes: 0 written; 2 bad usage or configuration; 3 the site could not be reached or refused the credentials.',
  ],
  parse(values, env) {
    const project = projectKey(values, NAME);
    const source = siteCredentials(values, env, NAME);
    if (!source) {
      throw new UsageError(
        'export reads a site: it needs --site, --email and --token (or JIRA_SITE, JIRA_EMAIL, JIRA_API_TOKEN)',
        `For example: popm export --project ${project} --site https://your-site.atlassian.net --email you@example.com --token "$TOKEN" > site.json`,
        NAME,
      );
    }
    const options: ExportOptions = { project, source };
    if (values.config !== undefined) options.configFile = values.config;
    return options;
  },
  async run(options, ctx) {
    const config = await loadConfig(options.configFile, ctx);
    const progress = progressBar(ctx, ctx.columns ?? 80);
    const api = siteApi(options.source, ctx, NAME, () => progress.clear());
    const site = siteUrl(options.source, NAME);
    let snapshot;
    try {
      snapshot = await exportSnapshot(api, options.project, config, {
        onProgress: (p) => progress.update(p),
        siteUrl: site,
      });
    } catch (e) {
      throw unknownProject(e, options.project, site, options.source.email);
    } finally {
      progress.clear();
    }
    ctx.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
    warn(ctx, `exported ${snapshot.issues.length} issues in ${api.requestCount} requests`);
    return EXIT.ok;
  },
});
