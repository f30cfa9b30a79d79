/** Flags more than one command takes, worded once. */
import type { FlagSpec } from '../args';

export const PROJECT: FlagSpec = {
  name: 'project',
  value: 'KEY',
  description: 'The Jira project to read (its key, the prefix of its issue keys; any case).',
  example: '--project ART',
};

export const CONFIG: FlagSpec = {
  name: 'config',
  value: 'FILE',
  description:
    'A POPM Guard configuration (JSON, as the admin page edits it: levels, role fields, rules); default: the built-in one.',
  example: '--config popm-config.json',
};

export const SITE: FlagSpec = {
  name: 'site',
  value: 'URL',
  description: 'The Jira Cloud site to read.',
  example: '--site https://your-site.atlassian.net',
  env: 'JIRA_SITE',
};

export const EMAIL: FlagSpec = {
  name: 'email',
  value: 'EMAIL',
  description: 'The email of the Atlassian account the API token belongs to.',
  example: '--email you@example.com',
  env: 'JIRA_EMAIL',
};

export const TOKEN: FlagSpec = {
  name: 'token',
  value: 'TOKEN',
  description:
    'An API token of that account (https://id.atlassian.com/manage-profile/security/api-tokens); prefer the variable, so it stays out of shell history.',
  example: '--token "$JIRA_API_TOKEN"',
  env: 'JIRA_API_TOKEN',
};

export const SITE_FLAGS: readonly FlagSpec[] = [SITE, EMAIL, TOKEN];

export const EXIT_CODES =
  'Exit codes: 0 no finding at or above --fail-on; 1 there are; 2 bad usage, configuration or snapshot; 3 the site could not be reached or refused the credentials.';
