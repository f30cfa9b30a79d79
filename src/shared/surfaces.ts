/**
 * The Custom UI surfaces: one bundle each under static/build/<surface>, one resource each in
 * manifest.yml, one page each on the local host.
 */
export const SURFACES = [
  'issue-panel',
  'issue-context',
  'project-page',
  'gadget',
  'admin',
  'project-settings',
  'queue',
] as const;
export type Surface = (typeof SURFACES)[number];
