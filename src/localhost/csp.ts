/**
 * The Content-Security-Policy that Forge serves each Custom UI resource with, computed by the code
 * Forge itself uses for it (@forge/csp): the fixed policy of `CSPInjectionService` (production
 * hosts) plus what `CSPProcessingService` derives from the resource's HTML (hashes of its inline
 * scripts) and from the manifest's `permissions.content` / `permissions.external`. The local host
 * serves every surface under it, so anything Forge's CDN would block is blocked here too.
 */
import { readFileSync } from 'node:fs';
import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import { load } from 'cheerio';
import { parse } from 'yaml';

type Permissions = Parameters<CSPProcessingService['getCspDetails']>[1];

/** The manifest's `permissions` (the part the CSP depends on). */
export function manifestPermissions(manifestPath: string): Permissions {
  const manifest = parse(readFileSync(manifestPath, 'utf8')) as { permissions?: NonNullable<Permissions> };
  return manifest.permissions ?? {};
}

export function forgeCsp(html: string, permissions: Permissions): string {
  const quiet = { info: () => undefined };
  const details = new CSPProcessingService(quiet as never, load).getCspDetails(html, permissions);
  const directives = new CSPInjectionService().getInjectableCSP({
    existingCSPDetails: details,
    microsEnv: 'prod',
  });
  // Forge reports violations to Atlassian; a local run has nobody to report to (the browser's
  // console shows them, and the browser tests fail on them).
  return directives.filter((d) => !d.startsWith('report-uri ')).join('; ');
}
