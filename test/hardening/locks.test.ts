/**
 * KvsStore's lease on Forge's kvs when a holder outlives it: the late holder must neither
 * overwrite the writer that took over nor release that writer's lock. Time is virtual (the
 * in-memory kvs expires the lock's TTL on the same clock the stores read).
 */
import { KvsStore, LeaseLostError, type KvsApi } from '../../src/storage/kvs';
import { MemoryKvs } from '../../src/storage/memory';

/** Holds one holder's read until the test opens it, and tells the test when it got there. */
class Gate {
  private openIt = (): void => undefined;
  private reachIt = (): void => undefined;
  readonly opened = new Promise<void>((r) => (this.openIt = r));
  readonly reached = new Promise<void>((r) => (this.reachIt = r));
  open(): void {
    this.openIt();
  }
  async pass(): Promise<void> {
    this.reachIt();
    await this.opened;
  }
}

const gate = () => new Gate();

/** The kvs as one holder sees it: its read of `key` stalls at the gate (a slow call, a paused process). */
function stalledRead(kvs: MemoryKvs, key: string, g: Gate): KvsApi {
  return {
    get: async (k: string) => {
      if (k === key) await g.pass();
      return kvs.get(k);
    },
    set: (k, v, o) => kvs.set(k, v, o),
    delete: (k) => kvs.delete(k),
    query: () => kvs.query(),
  };
}

describe('KvsStore lease fencing', () => {
  let now: number;
  let kvs: MemoryKvs;
  const clock = () => now;

  beforeEach(() => {
    now = Date.parse('2026-03-01T12:00:00Z');
    kvs = new MemoryKvs(clock);
  });

  it('a holder past its lease writes nothing: the writer that took over keeps its value', async () => {
    await kvs.set('count', 0);
    const g = gate();
    const late = new KvsStore(stalledRead(kvs, 'count', g), { now: clock, token: () => 'late' });
    const next = new KvsStore(kvs, { now: clock, token: () => 'next' });
    const lateUpdate = late.update('count', (n) => Number(n ?? 0) + 100);
    await g.reached;
    now += 21_000; // the 20 s lease runs out while the late holder is stalled
    await expect(next.update('count', (n) => Number(n ?? 0) + 1)).resolves.toBe(1);
    g.open();
    await expect(lateUpdate).rejects.toBeInstanceOf(LeaseLostError);
    expect(await kvs.get('count')).toBe(1);
  });

  it('a holder whose lock was taken over never releases the new holder lock, and the new holder still writes', async () => {
    await kvs.set('count', 0);
    const lateGate = gate();
    const nextGate = gate();
    const late = new KvsStore(stalledRead(kvs, 'count', lateGate), { now: clock, token: () => 'late' });
    const next = new KvsStore(stalledRead(kvs, 'count', nextGate), { now: clock, token: () => 'next' });
    const lateUpdate = late.update('count', (n) => Number(n ?? 0) + 100);
    await lateGate.reached;
    // The lock vanishes early (a TTL the server counts shorter than the holder's clock): only the
    // token can tell the late holder that the lock is no longer its own.
    await kvs.delete('lock:count');
    const nextUpdate = next.update('count', (n) => Number(n ?? 0) + 1);
    await nextGate.reached;
    lateGate.open();
    await expect(lateUpdate).rejects.toBeInstanceOf(LeaseLostError);
    expect(await kvs.get('lock:count')).toBe('next');
    nextGate.open();
    await expect(nextUpdate).resolves.toBe(1);
    expect(await kvs.get('count')).toBe(1);
    expect(await kvs.get('lock:count')).toBeUndefined();
  });

  it('a holder within its lease writes and releases its own lock', async () => {
    const store = new KvsStore(kvs, { now: clock, token: () => 'only' });
    now += 1;
    await expect(store.update('count', () => 7)).resolves.toBe(7);
    expect(await kvs.get('lock:count')).toBeUndefined();
  });
});
