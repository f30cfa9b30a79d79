import pkg from '../../package.json';
import { spawn } from 'node:child_process';
import { createEmulator } from '../../src/emulator/emulator';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { loadSnapshotFile } from '../../src/snapshot/load';

const SAMPLE = 'samples/sample-site.json';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI exactly as `npx popm` does (package.json `bin`: the bundle), from the repository root. */
function popm(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/popm.cjs', ...args], {
      cwd: `${__dirname}/../..`,
      env: { ...process.env, JIRA_SITE: '', JIRA_EMAIL: '', JIRA_API_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Report {
  project: string;
  findings: { rule: string; severity: string; issueKey: string; message: string }[];
  summary: unknown;
  requests: number;
}

let server: EmulatorServer;
const account = { email: 'cli@example.com', token: 'api-token', accountId: '' };

beforeAll(async () => {
  const snapshot = await loadSnapshotFile(SAMPLE);
  account.accountId = snapshot.admins[0] ?? '';
  server = await startEmulatorServer(createEmulator(snapshot), { port: 0, accounts: [account] });
});
afterAll(() => server.close());

describe('popm CLI end to end (spawned)', () => {
  it('gives the same findings offline (--snapshot) and over HTTP against the emulator', async () => {
    const [offline, online] = await Promise.all([
      popm(['audit', '--project', 'ART', '--snapshot', SAMPLE, '--format', 'json']),
      popm(['audit', '--project', 'ART', '--format', 'json'], {
        JIRA_SITE: server.url,
        JIRA_EMAIL: account.email,
        JIRA_API_TOKEN: account.token,
      }),
    ]);
    expect(offline.stderr).not.toMatch(/internal error/);
    const a = JSON.parse(offline.stdout) as Report;
    const b = JSON.parse(online.stdout) as Report;
    expect(a.project).toBe('ART');
    expect(a.findings.length).toBeGreaterThan(0);
    expect(b.findings).toEqual(a.findings);
    expect(b.summary).toEqual(a.summary);
    expect(a.requests).toBe(0);
    expect(b.requests).toBeGreaterThan(0);
    const expected = a.findings.some((f) => f.severity === 'error') ? 1 : 0;
    expect(offline.code).toBe(expected);
    expect(online.code).toBe(expected);
    process.stderr.write(`sample ART scan over HTTP: ${b.requests} requests\n`);
  }, 60_000);

  it('exits 3 for refused credentials and 2 for a bad snapshot or bad usage', async () => {
    const [refused, badSnapshot, usage] = await Promise.all([
      popm(['audit', '--project', 'ART', '--site', server.url, '--email', 'who@x', '--token', 'nope']),
      popm(['audit', '--project', 'ART', '--snapshot', 'package.json']),
      popm(['audit', '--project', 'ART', '--format', 'yaml', '--snapshot', SAMPLE]),
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/401/);
    expect(badSnapshot.code).toBe(2);
    expect(badSnapshot.stderr).toMatch(/invalid snapshot: format/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format must be one of/);
  }, 60_000);

  it('prints its version and per-command help from the bundle', async () => {
    const [version, help, typo] = await Promise.all([
      popm(['--version']),
      popm(['help', 'audit']),
      popm(['audit', '--projct', 'ART']),
    ]);
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on LEVEL');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean --project?');
  }, 60_000);
});
