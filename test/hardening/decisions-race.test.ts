/**
 * Accept and reject of the same story at the same moment: whatever order the store's reads and
 * writes complete in (fast-check's scheduler picks the interleavings), the story ends with exactly
 * one latest decision, the record follows it, and the `popm.acceptance` mirror matches storage.
 */
import fc from 'fast-check';
import { ACCEPTANCE_PROPERTY } from '../../src/domain/types';
import { mirrorValue, storedAcceptanceSchema } from '../../src/storage/acceptance-store';
import { ADMIN, harness, PO, STORY, STORY_ID, type Harness } from './support';

async function property(h: Harness): Promise<unknown> {
  const res = await h.emulator.transportFor(ADMIN)({
    method: 'GET',
    path: `/rest/api/3/issue/${STORY}/properties/${ACCEPTANCE_PROPERTY}`,
  });
  return res.status === 200 ? (JSON.parse(res.text) as { value: unknown }).value : undefined;
}

describe('accept and reject racing', () => {
  it('leave exactly one latest decision and a mirror equal to storage, in every interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const h = harness();
        const update = h.store.update.bind(h.store);
        const get = h.store.get.bind(h.store);
        h.store.update = s.scheduleFunction(update);
        const scheduledGet: unknown = s.scheduleFunction(get);
        h.store.get = scheduledGet as typeof h.store.get;
        const both = Promise.all([
          h.call('acceptStory', { issueKey: STORY }, PO),
          h.call('rejectStory', { issueKey: STORY, reason: 'Fails on Safari' }, PO),
        ]);
        const results = await s.waitFor(both);
        h.store.update = update;
        h.store.get = get;
        for (const r of results) expect(r.ok).toBe(true);

        const stored = storedAcceptanceSchema.parse(await h.store.get(`acceptance:${STORY_ID}`));
        const decisions = stored.decisions ?? [];
        // Both decisions were kept, in one order; the last one decides.
        expect(decisions.map((d) => d.kind).sort()).toEqual(['accepted', 'rejected']);
        const latest = decisions[decisions.length - 1]!;
        expect(stored.record === null).toBe(latest.kind === 'rejected');
        expect(stored.revision).toBe(2);
        expect(await property(h)).toEqual(mirrorValue(stored));
      }),
      { numRuns: 12 },
    );
  });
});
