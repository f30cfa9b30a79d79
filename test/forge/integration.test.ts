import { handleIssueEvent } from '../../src/services/trigger';
import { checkAcceptance } from '../../src/services/validator';
import { acceptanceKey } from '../../src/storage/acceptance-store';
import { ADMIN, PO, harness, issueProperty } from './support';

const STORY = 'ORB-12';

async function issueOf(h: ReturnType<typeof harness>, key: string) {
  const res = await h.emulator.transportFor(ADMIN)({
    method: 'GET',
    path: `/rest/api/3/issue/${key}?fields=parent,status`,
  });
  return JSON.parse(res.text) as { id: string; key: string; fields: { parent?: { key: string } } };
}

describe('workflow validator', () => {
  it('blocks a story without a valid acceptance and lets it pass once accepted', async () => {
    const h = harness();
    const before = await checkAcceptance(h.deps, {
      issue: { key: STORY },
      transition: { from: { id: '1' }, to: { id: '2' } },
    });
    expect(before.result).toBe(false);
    expect(before.errorMessage).toMatch(/Product Owner/);
    await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(await checkAcceptance(h.deps, { issue: { key: STORY } })).toEqual({ result: true });
  });

  it('does not block features, and refuses unreadable arguments', async () => {
    const h = harness();
    expect(await checkAcceptance(h.deps, { issue: { key: 'ART-4' } })).toEqual({ result: true });
    expect((await checkAcceptance(h.deps, { nothing: true })).result).toBe(false);
  });
});

describe('issue-updated trigger', () => {
  it('marks an acceptance stale the moment an accepted done story leaves done', async () => {
    // ORB-12 is in progress now; give it a record made while it was done, before its last status
    // category change: exactly the state right after a done story is reopened.
    const h = harness();
    const issue = await issueOf(h, STORY);
    await h.store.set(acceptanceKey(issue.id), {
      issueKey: STORY,
      record: { acceptedBy: PO, acceptedAt: '2020-01-01T00:00:00.000Z', statusCategory: 'done' },
      revision: 1,
      history: [{ action: 'accept', by: PO, at: '2020-01-01T00:00:00.000Z' }],
    });
    const event = {
      eventType: 'avi:jira:updated:issue',
      issue: { id: issue.id, key: STORY, fields: { parent: issue.fields.parent } },
      changelog: {
        items: [{ field: 'status', fieldId: 'status', fromString: 'Done', toString: 'In Progress' }],
      },
    };
    const outcome = await handleIssueEvent(h.deps, event);
    expect(outcome.markedStale).toBe(true);
    const [entry] = await h.store.list('acceptance:');
    expect((entry!.value as { staleSince?: string }).staleSince).toBe('2026-03-01T12:00:00.000Z');
    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(view.data.issue.acceptance).toEqual(expect.objectContaining({ stale: true, valid: false }));
    expect(await issueProperty(h, STORY, 'popm.findings')).toEqual(
      expect.objectContaining({ rules: expect.arrayContaining(['acceptance-stale']), acceptanceValid: 'no' }),
    );
    // Marked once: a second event changes nothing.
    expect((await handleIssueEvent(h.deps, event)).markedStale).toBe(false);
  });

  it('refreshes popm.findings of the issue, its parent and a former parent', async () => {
    const h = harness();
    const issue = await issueOf(h, STORY);
    const outcome = await handleIssueEvent(h.deps, {
      eventType: 'avi:jira:updated:issue',
      issue: { id: issue.id, key: STORY, fields: { parent: issue.fields.parent } },
      changelog: {
        items: [
          {
            field: 'IssueParentAssociation',
            fromString: 'ART-9',
            toString: issue.fields.parent?.key ?? null,
          },
        ],
      },
    });
    expect(outcome.refreshed.sort()).toEqual([STORY, 'ART-9', issue.fields.parent!.key].sort());
    expect(await issueProperty(h, STORY, 'popm.findings')).toEqual(
      expect.objectContaining({ acceptanceValid: 'no' }),
    );
  });

  it('ignores changes that cannot change findings, and malformed events', async () => {
    const h = harness();
    const issue = await issueOf(h, STORY);
    expect(
      await handleIssueEvent(h.deps, {
        eventType: 'avi:jira:updated:issue',
        issue: { id: issue.id, key: STORY },
        changelog: { items: [{ field: 'labels', fieldId: 'labels' }] },
      }),
    ).toEqual({ markedStale: false, refreshed: [], trees: [] });
    expect(await handleIssueEvent(h.deps, { nonsense: 1 })).toEqual({
      markedStale: false,
      refreshed: [],
      trees: [],
    });
  });

  it('drops the record of a deleted issue', async () => {
    const h = harness();
    await h.call('acceptStory', { issueKey: STORY }, PO);
    const issue = await issueOf(h, STORY);
    await handleIssueEvent(h.deps, {
      eventType: 'avi:jira:deleted:issue',
      issue: { id: issue.id, key: STORY },
    });
    expect(await h.store.list('acceptance:')).toEqual([]);
  });
});
