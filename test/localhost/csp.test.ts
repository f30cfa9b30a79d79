/**
 * Every surface is served under the Content-Security-Policy Forge's CDN applies (@forge/csp), with
 * the manifest's `permissions.content` and a hash for each inline script of the served page.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHost, type LocalHost } from '../../src/localhost/app';
import { SURFACES } from '../../src/shared/surfaces';

let host: LocalHost;
let buildDir: string;

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'popm-csp-'));
  for (const surface of SURFACES) {
    mkdirSync(join(buildDir, surface));
    writeFileSync(
      join(buildDir, surface, 'index.html'),
      '<html><head></head><body><script src="index.js"></script></body></html>',
    );
  }
  host = await startLocalHost({ port: 0, buildDir });
});
afterAll(async () => {
  await host.close();
  rmSync(buildDir, { recursive: true, force: true });
});

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('Content-Security-Policy of the surfaces', () => {
  it.each([
    ['issue-panel', '/issue/ART-2'],
    ['project-page', '/project/ART'],
    ['project-settings', '/project/ART/settings'],
    ['admin', '/admin'],
    ['gadget', '/gadget?project=ART'],
  ])('serves %s under Forge’s policy', async (surface, page) => {
    const html = await (await fetch(`${host.url}${page}`)).text();
    const src = new RegExp(`/__frame/${surface}/index\\.html\\?s=[0-9a-f-]+`).exec(html)?.[0];
    expect(src).toBeDefined();
    const res = await fetch(`${host.url}${src ?? ''}`);
    expect(res.status).toBe(200);
    const policy = res.headers.get('content-security-policy') ?? '';
    const d = directives(policy);
    expect(d.get('default-src')?.[0]).toBe("'self'");
    expect(d.get('script-src')).not.toContain("'unsafe-eval'");
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
    // manifest.yml permissions.content.styles
    expect(d.get('style-src')).toContain("'unsafe-inline'");
    expect(d.get('img-src')).toContain(
      'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net',
    );
    expect(d.get('sandbox')).toContain('allow-scripts');
    expect(d.has('report-uri')).toBe(false);
    // The host's inline session script is allowed by its hash, as Forge hashes a resource's own.
    const body = await res.text();
    const inline = /<script>([^<]*)<\/script>/.exec(body)?.[1] ?? '';
    expect(inline).toContain('__POPM_SESSION');
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    expect(d.get('script-src')).toContain(hash);
  });

  it('puts no policy on the host page itself (it stands in for Jira)', async () => {
    const res = await fetch(`${host.url}/issue/ART-2`);
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});
