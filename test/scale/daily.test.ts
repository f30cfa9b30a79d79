/**
 * The daily fan-out within Forge's queue quotas (50 events per push, 500 per minute per
 * installation), driven by a virtual clock: nothing sleeps, delayed events are delivered when the
 * clock reaches them.
 */
import {
  DAILY_STEP_PROJECTS,
  dailyEventSchema,
  dailyReconcile,
  dailyStep,
  EVENTS_PER_MINUTE,
  EVENTS_PER_PUSH,
  PROJECTS_KEY,
} from '../../src/scale/daily';
import type { QueueEvent, ScanQueue } from '../../src/platform/deps';
import { MemoryStore } from '../../src/storage/memory';

function virtualQueue() {
  let clock = Date.parse('2026-03-02T03:00:00.000Z');
  const pushes: { at: number; events: QueueEvent[] }[] = [];
  const pending: { due: number; event: QueueEvent }[] = [];
  const record = (events: readonly QueueEvent[], delayInSeconds = 0) => {
    if (events.length > EVENTS_PER_PUSH) throw new Error(`push of ${events.length} events refused`);
    pushes.push({ at: clock, events: [...events] });
    for (const event of events) pending.push({ due: clock + delayInSeconds * 1000, event });
    return Promise.resolve();
  };
  const queue: ScanQueue = {
    push: (event) => record([event]),
    pushMany: (events, options) => record(events, options?.delayInSeconds ?? 0),
  };
  return {
    queue,
    pushes,
    pending,
    now: () => new Date(clock),
    advance: (ms: number) => (clock += ms),
    setClock: (ms: number) => (clock = Math.max(clock, ms)),
  };
}

describe('daily fan-out', () => {
  it('asks for a scan of every one of 2,000 projects, 50 events a push, never over 500 a minute', async () => {
    const store = new MemoryStore();
    const projects = Array.from({ length: 2_000 }, (_, n) => `P${String(n).padStart(4, '0')}`);
    await store.set(PROJECTS_KEY, projects);
    const q = virtualQueue();
    // The scheduled trigger only hands the work to the queue.
    await dailyReconcile({ store, now: q.now, queue: q.queue });
    expect(q.pushes).toHaveLength(1);

    const scanned = new Map<string, number>();
    let steps = 0;
    while (q.pending.length > 0) {
      q.pending.sort((a, b) => a.due - b.due);
      const { due, event } = q.pending.shift()!;
      q.setClock(due);
      const daily = dailyEventSchema.safeParse(event);
      if (!daily.success) {
        scanned.set(event.projectKey, (scanned.get(event.projectKey) ?? 0) + 1);
        continue;
      }
      steps += 1;
      const step = await dailyStep({ store, now: q.now, queue: q.queue }, daily.data);
      expect(step.queued.length).toBeLessThanOrEqual(DAILY_STEP_PROJECTS);
      // Each step takes a few virtual seconds of storage work.
      q.advance(3_000);
      expect(steps).toBeLessThan(100);
    }

    expect([...scanned.keys()].sort()).toEqual(projects);
    expect([...scanned.values()].every((n) => n === 1)).toBe(true);
    for (const p of q.pushes) expect(p.events.length).toBeLessThanOrEqual(EVENTS_PER_PUSH);
    // Every sliding minute: at most 500 events pushed by the installation.
    for (const p of q.pushes) {
      const inWindow = q.pushes
        .filter((o) => o.at >= p.at && o.at < p.at + 60_000)
        .reduce((n, o) => n + o.events.length, 0);
      expect(inWindow).toBeLessThanOrEqual(EVENTS_PER_MINUTE);
    }
    // 2,000 scan events at 400 a minute need at least four minutes of virtual time.
    const span = q.pushes[q.pushes.length - 1]!.at - q.pushes[0]!.at;
    expect(span).toBeGreaterThanOrEqual(4 * 60_000);
  });
});
