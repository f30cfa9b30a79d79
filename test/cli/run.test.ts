import pkg from '../../package.json';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run';
import { createEmulator } from '../../src/emulator/emulator';
import { generateSite } from '../../src/emulator/generate';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { parseSnapshot } from '../../src/snapshot/format';

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], env: Record<string, string> = {}): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, env, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

interface Report {
  project: string;
  findings: { rule: string; severity: string; issueKey: string; message: string }[];
  summary: {
    issues: number;
    coverage: { featuresWithPm: number | null; doneStoriesAccepted: number | null };
  };
  requests: number;
}

function report(out: Out): Report {
  return JSON.parse(out.stdout) as Report;
}

const snapshot = generateSite({ features: 60, storiesPerFeature: 3, epics: 6, seed: 11, defectRate: 0.2 });
let dir: string;
let file: string;
let server: EmulatorServer;
const account = { email: 'admin@example.com', token: 'secret', accountId: 'u-0' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'popm-cli-'));
  file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(snapshot));
  server = await startEmulatorServer(createEmulator(snapshot), { port: 0, accounts: [account] });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const site = () => ['--site', server.url, '--email', account.email, '--token', account.token];

describe('popm audit', () => {
  it('audits a snapshot offline and reports 0 requests', async () => {
    const out = await cli([
      'audit',
      '--project',
      'ART',
      '--snapshot',
      file,
      '--format',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(out.code).toBe(0);
    const r = report(out);
    expect(r.project).toBe('ART');
    expect(r.requests).toBe(0);
    expect(r.summary.issues).toBe(60);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.issueKey.startsWith('ART-'))).toBe(true);
  });

  it('gives the same findings over HTTP through the emulator server, counting requests', async () => {
    const offline = report(await cli(['audit', '--project', 'ART', '--snapshot', file, '--format', 'json']));
    const out = await cli(['audit', '--project', 'ART', ...site(), '--format', 'json']);
    const online = report(out);
    expect(online.findings).toEqual(offline.findings);
    expect(online.summary).toEqual(offline.summary);
    // 2 metadata + 1 page of 60 features + 1 bulk fetch of 6 epics + the stories below: features
    // 1-50 (about 150 stories, 2 pages) and 51-60 (about 30 stories, 1 page).
    expect(online.requests).toBe(7);
    expect(out.code).toBe(online.findings.some((f) => f.severity === 'error') ? 1 : 0);
  });

  it('draws a progress bar on a terminal stderr, from the approximate count, and nothing otherwise', async () => {
    let stderr = '';
    let stdout = '';
    const code = await runCli(
      ['audit', '--project', 'ART', ...site(), '--format', 'json'],
      {},
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        stderrIsTTY: true,
      },
    );
    expect([0, 1]).toContain(code);
    expect(stderr).toContain('\r\x1b[Kpopm: reading issues of the project [########################] 60/~60');
    // One request more than without a terminal: the count.
    expect(report({ code, stdout, stderr }).requests).toBe(8);
    const quiet = await cli(['audit', '--project', 'ART', ...site(), '--format', 'json']);
    expect(quiet.stderr).not.toContain('reading');
    expect(quiet.stderr).not.toContain('\r');
  });

  it('reads credentials from the environment', async () => {
    const out = await cli(['audit', '--project', 'ART', '--format', 'csv'], {
      JIRA_SITE: server.url,
      JIRA_EMAIL: account.email,
      JIRA_API_TOKEN: account.token,
    });
    expect(out.stdout.split('\r\n')[0]).toBe('rule,severity,issueKey,message');
    expect([0, 1]).toContain(out.code);
  });

  it('exits 1 when a finding reaches --fail-on, 0 with never', async () => {
    const base = ['audit', '--project', 'ART', '--snapshot', file, '--format', 'json'];
    expect((await cli([...base, '--fail-on', 'info'])).code).toBe(1);
    expect((await cli([...base, '--fail-on', 'never'])).code).toBe(0);
  });

  it('prints a table for people', async () => {
    const out = await cli(['audit', '--project', 'ART', '--snapshot', file, '--fail-on', 'never']);
    expect(out.stdout).toMatch(/^POPM Guard audit of ART: 60 issues/);
    expect(out.stdout).toContain('Coverage:');
  });

  it('exits 3 with a clear message when the site refuses the credentials', async () => {
    const out = await cli([
      'audit',
      '--project',
      'ART',
      '--site',
      server.url,
      '--email',
      'x@y',
      '--token',
      'wrong',
    ]);
    expect(out.code).toBe(3);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/refused the credentials \(401\).*email and API token/);
  });

  it('exits 3 when the site cannot be reached', async () => {
    const out = await cli([
      'audit',
      '--project',
      'ART',
      '--site',
      'http://127.0.0.1:9',
      '--email',
      'a',
      '--token',
      'b',
    ]);
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/Could not reach Jira/);
  }, 120_000);

  it('exits 2 for a bad snapshot, naming the bad path', async () => {
    const bad = join(dir, 'bad.json');
    const broken = structuredClone(snapshot);
    const first = broken.issues[0];
    if (first) first.fields.issuetype = '99999';
    writeFileSync(bad, JSON.stringify(broken));
    const out = await cli(['audit', '--project', 'ART', '--snapshot', bad]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/issues\[0\]\.fields\.issuetype: no issue type 99999/);

    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    expect((await cli(['audit', '--project', 'ART', '--snapshot', notJson])).code).toBe(2);
    expect((await cli(['audit', '--project', 'ART', '--snapshot', join(dir, 'missing.json')])).code).toBe(2);
  });

  it('exits 2 for a bad configuration, naming the bad path', async () => {
    const cfg = join(dir, 'config.json');
    writeFileSync(
      cfg,
      JSON.stringify({ version: 1, rules: { 'feature-missing-pm': { severity: 'fatal' } } }),
    );
    const out = await cli(['audit', '--project', 'ART', '--snapshot', file, '--config', cfg]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('rules.feature-missing-pm.severity');
  });

  it('applies a configuration (a rule switched off disappears)', async () => {
    const cfg = join(dir, 'off.json');
    writeFileSync(cfg, JSON.stringify({ version: 1, rules: { 'feature-missing-pm': { enabled: false } } }));
    const on = report(await cli(['audit', '--project', 'ART', '--snapshot', file, '--format', 'json']));
    const off = report(
      await cli(['audit', '--project', 'ART', '--snapshot', file, '--format', 'json', '--config', cfg]),
    );
    expect(on.findings.some((f) => f.rule === 'feature-missing-pm')).toBe(true);
    expect(off.findings.some((f) => f.rule === 'feature-missing-pm')).toBe(false);
  });

  it('exits 2 for bad usage with what to do next, not the whole usage', async () => {
    const usage = await cli(['audit', '--snapshot', file]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toBe(
      'popm: audit needs --project KEY\nFor example: popm audit --project ART ...\nRun popm audit --help for every option.\n',
    );
    const typo = await cli(['audti', '--project', 'ART']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean popm audit?');
    expect(typo.stderr).not.toContain('Usage:');
  });

  it('says plainly when the snapshot file is missing', async () => {
    const out = await cli(['audit', '--project', 'ART', '--snapshot', 'nope.json']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('popm: cannot read snapshot file nope.json: no such file\n');
  });

  it('says when the project is not in the snapshot, naming those that are', async () => {
    const out = await cli(['audit', '--project', 'NOPE', '--snapshot', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `popm: project NOPE is not in the snapshot ${file}\nIt has PORT, ART, T1, T2, T3.\n`,
    );
  });

  it('says when the project does not exist on the site (not "Jira rejected the request (400)")', async () => {
    const out = await cli(['audit', '--project', 'NOPE', ...site()]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `popm: project NOPE does not exist on ${server.url}, or ${account.email} cannot see it`,
    );
    expect(out.stderr).not.toMatch(/\(400\)/);
  });

  it('escapes terminal control sequences in Jira data, even on a colour terminal', async () => {
    const hostile = structuredClone(snapshot);
    for (const u of hostile.users) u.displayName = `${u.displayName}\x1b]0;pwned\x07\u009b2J`;
    for (const i of hostile.issues) {
      i.fields.summary = `${i.fields.summary}\x1b[2J\u202e`;
      i.fields.status = { ...i.fields.status, name: `${i.fields.status.name}\x1b[5m` };
    }
    const evil = join(dir, 'hostile.json');
    writeFileSync(evil, JSON.stringify(hostile));
    let stdout = '';
    const code = await runCli(
      ['audit', '--project', 'ART', '--snapshot', evil],
      {},
      {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        stdoutIsTTY: true,
        columns: 400,
      },
    );
    expect([0, 1]).toContain(code);
    expect(stdout).toContain('\\x1b]0;pwned\\x07\\x9b2J');
    // Only our own colour codes (SGR) remain; no other control character reaches the terminal.
    // eslint-disable-next-line no-control-regex
    const withoutSgr = stdout.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n/g, '');
    // eslint-disable-next-line no-control-regex
    expect(withoutSgr).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('export says so too when the project does not exist', async () => {
    const out = await cli(['export', '--project', 'nope', ...site()]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`popm: project NOPE does not exist on ${server.url}`);
  });

  it('reads a lowercase key as the project key, offline and over HTTP', async () => {
    const lower = report(await cli(['audit', '--project', 'art', '--snapshot', file, '--format', 'json']));
    const upper = report(await cli(['audit', '--project', 'ART', '--snapshot', file, '--format', 'json']));
    expect(lower).toEqual(upper);
    const online = report(await cli(['audit', '--project', 'art', ...site(), '--format', 'json']));
    expect(online.findings).toEqual(upper.findings);
  });

  it('prints the version and help on stdout with exit 0', async () => {
    const version = await cli(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = await cli(['help', 'audit']);
    expect(help.code).toBe(0);
    for (const flag of ['project', 'snapshot', 'site', 'email', 'token', 'config', 'format', 'fail-on']) {
      expect(help.stdout).toMatch(
        new RegExp(
          `\\n  --${flag} [A-Z]+\\n {6}\\S.*\\n {6}e\\.g\\. popm|\\n  --${flag} [A-Z]+\\n {6}\\S.*\\n {6}e\\.g\\. --${flag} `,
        ),
      );
    }
    expect((await cli(['audit', '--help'])).stdout).toBe(help.stdout);
    const global = await cli(['--help']);
    expect(global.stdout).toMatch(/Commands:\n {2}audit +Check one project/);
    expect(global.stdout).toContain('export');
  });

  it('prints a coloured table only when asked by the terminal, never with NO_COLOR', async () => {
    const run = async (env: Record<string, string>, tty: boolean) => {
      let stdout = '';
      await runCli(['audit', '--project', 'ART', '--snapshot', file], env, {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        stdoutIsTTY: tty,
        columns: 72,
      });
      return stdout;
    };
    const tty = await run({}, true);
    expect(tty).toContain('\x1b[');
    // eslint-disable-next-line no-control-regex
    const sgr = /\x1b\[[0-9;]*m/g;
    for (const line of tty.replace(sgr, '').trimEnd().split('\n')) {
      expect(line.length).toBeLessThanOrEqual(72);
    }
    expect(await run({ NO_COLOR: '1' }, true)).not.toContain('\x1b');
    const piped = await run({}, false);
    expect(piped).not.toContain('\x1b');
    expect(Math.max(...piped.split('\n').map((l) => l.length))).toBeGreaterThan(72);
  });
});

describe('popm export', () => {
  it('writes a valid snapshot that audits to the same findings', async () => {
    const out = await cli(['export', '--project', 'ART', ...site()]);
    expect(out.code).toBe(0);
    const exported = parseSnapshot(JSON.parse(out.stdout));
    expect(exported.admins).toEqual(['u-0']);
    expect(exported.projects.find((p) => p.key === 'ART')?.lead).toBe('u-0');
    const again = join(dir, 'exported.json');
    writeFileSync(again, out.stdout);
    const a = report(await cli(['audit', '--project', 'ART', '--snapshot', file, '--format', 'json']));
    const b = report(await cli(['audit', '--project', 'ART', '--snapshot', again, '--format', 'json']));
    expect(b.findings).toEqual(a.findings);
    expect(b.summary).toEqual(a.summary);
  });
});
