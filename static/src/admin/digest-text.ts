/**
 * Every string of the admin page's digest section, in one place (for the message catalog). The
 * numbers and dates are put in by the functions, so translations can reorder them.
 */
export const DIGEST_TEXT = {
  title: 'Daily digest to Product Owners',
  intro:
    'Once a day, each Product Owner with stories awaiting their acceptance for longer than the threshold gets one Jira notification listing them. Inactive accounts get none.',
  enabled: 'Send the daily digest',
  threshold: 'Stories waiting longer than (days)',
  never: 'No digest has been sent yet.',
  last: (when: string, people: number) =>
    `Last digest: ${when}, to ${people} ${people === 1 ? 'person' : 'people'}.`,
  sendNow: 'Send digest now',
  sending: 'Sending…',
  sendNowHint: 'Uses the saved settings. People who already got today’s digest are not sent another.',
  result: (r: { sent: number; due: number; alreadySent: number; inactive: number; failed: number }) =>
    `Sent ${r.sent} of ${r.due} due; ${r.alreadySent} already had today’s, ${r.inactive} inactive, ${r.failed} failed.`,
  continuing: (n: number) => `${n} more will be sent in the background.`,
  statusError: 'The digest history could not be loaded.',
} as const;
