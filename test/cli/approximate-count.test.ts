import { createEmulator } from '../../src/emulator/emulator';
import { generateSite } from '../../src/emulator/generate';
import { JiraApi } from '../../src/jira/api';
import { jqlProjectIssues } from '../../src/jira/jql';
import { specCheckedTransport } from '../support/openapi';

// POST /search/approximate-count, the progress bar's total: the app's request and the emulator's
// answer both held to platform-v3.json (countIssues).
describe('approximate-count', () => {
  const site = generateSite({ features: 12, storiesPerFeature: 5, seed: 3 });
  const emulator = createEmulator(site);
  const api = new JiraApi(specCheckedTransport(emulator.transportFor('u-0')), { retry: { maxAttempts: 1 } });

  it('counts the issues a bounded JQL matches', async () => {
    expect(await api.approximateCount(jqlProjectIssues('ART'))).toBe(12);
    const inT1 = site.issues.filter((i) => i.fields.project === 'T1').length;
    expect(inT1).toBeGreaterThan(0);
    expect(await api.approximateCount(jqlProjectIssues('T1'))).toBe(inT1);
  });

  it("answers 400 with Jira's words for a project that does not exist, and for a bad body", async () => {
    await expect(api.approximateCount(jqlProjectIssues('NOPE'))).rejects.toMatchObject({
      kind: 'bad-request',
      errorMessages: ["The value 'NOPE' does not exist for the field 'project'."],
    });
    const raw = await emulator.handle({
      method: 'POST',
      path: '/rest/api/3/search/approximate-count',
      body: { jql: 'project = ART', maxResults: 5 },
      accountId: 'u-0',
    });
    expect(raw.status).toBe(400);
    const unbounded = await emulator.handle({
      method: 'POST',
      path: '/rest/api/3/search/approximate-count',
      body: {},
      accountId: 'u-0',
    });
    expect(unbounded.status).toBe(400);
  });
});
