/**
 * The admin page's daily digest, end to end over the local host: an admin switches it on, sends
 * it now, and the page shows the run and "last digest: <time>, to N people"; the emulator holds
 * one notification per due Product Owner, none to the sample's inactive PO.
 */
import { frameOf, startHarness, type Harness } from './support/harness';

describe('the daily digest on the admin page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('an admin switches it on, sends it now, and sees when it went and to how many', async () => {
    // The digest reads stored trees: let ORB have one first.
    const project = await h.open('/project/ORB');
    await frameOf(project, 'project-page')
      .locator('[data-scan-status="complete"]')
      .waitFor({ timeout: 60_000 });

    const admin = await h.open('/admin');
    const f = frameOf(admin, 'admin');
    await f.getByText('No digest has been sent yet.').waitFor();
    await f.getByLabel('Send the daily digest').check();
    await f.getByLabel('Stories waiting longer than (days)').fill('3');
    await f.locator('[data-action="save"]').click();
    await f.getByText(/Saved \(revision \d+\)/).waitFor();

    await f.getByRole('button', { name: 'Send digest now' }).click();
    const result = f.getByTestId('digest-result');
    await result.waitFor();
    const sent = h.host.emulator.notifications;
    expect(sent.length).toBeGreaterThan(0);
    expect(await result.innerText()).toContain(`Sent ${sent.length} of`);
    expect(await f.getByTestId('digest-last').innerText()).toMatch(
      new RegExp(`^Last digest: .+, to ${sent.length} (person|people)\\.$`),
    );
    const recipients = sent.flatMap((n) => n.requested);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).not.toContain('u-olivia-grant'); // inactive in the sample

    // Again the same day: nobody gets a second one.
    await f.getByRole('button', { name: 'Send digest now' }).click();
    await f.getByText(/^Sent 0 of \d+ due; \d+ already had today’s/).waitFor();
    expect(h.host.emulator.notifications).toHaveLength(sent.length);
  });

  it('raised no page errors', () => {
    expect(h.errors).toEqual([]);
  });
});
