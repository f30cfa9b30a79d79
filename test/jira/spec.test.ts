import { DEFAULT_CONFIG } from '../../src/domain/config';
import { createEmulator } from '../../src/emulator/emulator';
import { JiraApi } from '../../src/jira/api';
import { scanProject } from '../../src/jira/scan';
import type { TransportRequest } from '../../src/jira/transport';
import { exportSnapshot } from '../../src/snapshot/export';
import { loadSnapshotFile } from '../../src/snapshot/load';
import { requestProblems } from '../support/openapi';

// Every request the Jira layer makes, and the answers it reads, checked against platform-v3.json.
describe('JiraApi against the OpenAPI spec (sample site through the emulator)', () => {
  it('makes only spec-valid requests for every operation, the scan and the export', async () => {
    const snapshot = await loadSnapshotFile('samples/sample-site.json');
    const emulator = createEmulator(snapshot);
    const admin = emulator.defaultAccountId ?? '';
    const seen: TransportRequest[] = [];
    // Requests only: the emulator's answers are held to the spec by the emulator's own tests.
    const inner = emulator.transportFor(admin);
    const api = new JiraApi((r) => (seen.push(r), inner(r)), { retry: { maxAttempts: 1 } });

    const site = await scanProject(api, 'ART', DEFAULT_CONFIG);
    const story = site.issues.find((i) => !i.key.startsWith('ART-'));
    expect(story).toBeDefined();
    const key = story?.key ?? '';
    await api.getIssue(key, { fields: ['summary', 'parent'], properties: ['popm.acceptance'] });
    await api.getIssueTypes();
    await api.getFields();
    await api.getProject('ART');
    for await (const page of api.allProjects({ maxResults: 2 })) expect(page.length).toBeLessThanOrEqual(2);
    await api.getMyself();
    expect(await api.getMyPermissions(['ADMINISTER', 'BROWSE_PROJECTS'], 'ART')).toEqual({
      ADMINISTER: true,
      BROWSE_PROJECTS: true,
    });
    await api.searchUsers('a');
    await api.setIssueProperty(key, 'popm.acceptance', {
      acceptedBy: admin,
      acceptedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await api.getIssueProperty(key, 'popm.acceptance')).toMatchObject({ acceptedBy: admin });
    await api.deleteIssueProperty(key, 'popm.acceptance');
    await expect(api.getIssueProperty(key, 'popm.acceptance')).rejects.toMatchObject({ kind: 'not-found' });
    await api.editIssue(key, { summary: 'Renamed by the spec test' });
    expect((await api.getIssue(key, { fields: ['summary'] })).fields.summary).toBe(
      'Renamed by the spec test',
    );
    const exported = await exportSnapshot(api, 'ART', DEFAULT_CONFIG, { siteUrl: snapshot.site.baseUrl });
    expect(exported.issues.length).toBe(site.issues.length);

    expect(
      requestProblems({ method: 'POST', path: '/rest/api/3/search/jql', body: { jql: 42 } }),
    ).not.toEqual([]);
    for (const r of seen) expect(requestProblems(r)).toEqual([]);
    expect(
      new Set(
        seen.map((r) =>
          `${r.method} ${r.path.split('?')[0] ?? ''}`.replace(/\/issue\/[A-Z]+-\d+/, '/issue/{key}'),
        ),
      ).size,
    ).toBeGreaterThanOrEqual(12);
  });
});
