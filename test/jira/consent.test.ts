/**
 * A user who has not granted the app access: Forge's proxy answers with `forge-proxy-error:
 * NEEDS_AUTHENTICATION_ERR` and @forge/api throws NeedsAuthenticationError. It must reach Forge
 * unchanged (no retries, no envelope) so Jira can show its consent prompt.
 */
import { NeedsAuthenticationError } from '@forge/api';
import { createEmulator, SAMPLE_SNAPSHOT_PATH } from '../../src/emulator';
import { JiraApi } from '../../src/jira/api';
import { forgeTransport } from '../../src/jira/transports/forge';
import { buildResolver } from '../../src/resolvers';
import { invokeResolver } from '../../src/resolvers/invoke';
import { loadSnapshotFile } from '../../src/snapshot/load';
import { MemoryStore } from '../../src/storage/memory';

type ForgeFetch = (target: unknown, path: string, init: unknown) => Promise<Response>;
const platform = globalThis as unknown as { __forge_fetch__?: ForgeFetch };

const needsConsent = jest.fn<Promise<Response>, Parameters<ForgeFetch>>(() =>
  Promise.resolve(
    new Response('', { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } }),
  ),
);

beforeEach(() => {
  needsConsent.mockClear();
  platform.__forge_fetch__ = needsConsent;
});
afterAll(() => {
  delete platform.__forge_fetch__;
});

describe('user consent through the Forge transport', () => {
  it('rejects with the SDK error itself after one request, not a retried network error', async () => {
    const sleep = jest.fn(() => Promise.resolve());
    const api = new JiraApi(forgeTransport('user'), { sleep });
    const error: unknown = await api.getMyself().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsAuthenticationError);
    expect(needsConsent).toHaveBeenCalledTimes(1);
    expect(needsConsent.mock.calls[0]?.[0]).toMatchObject({ type: 'fpp', provider: 'user', remote: 'jira' });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('leaves the resolver as a throw, so Forge (not the app) answers the front end', async () => {
    const emulator = createEmulator(await loadSnapshotFile(SAMPLE_SNAPSHOT_PATH));
    const definitions = buildResolver({
      jiraAsUser: () => forgeTransport('user'),
      jiraAsApp: () => emulator.transportFor(emulator.defaultAccountId ?? ''),
      store: new MemoryStore(),
      now: () => new Date('2026-03-01T12:00:00.000Z'),
    }).getDefinitions();
    await expect(
      invokeResolver(definitions, 'getIssueView', { issueKey: 'ART-2' }, { accountId: 'u-kenji-sato' }),
    ).rejects.toBeInstanceOf(NeedsAuthenticationError);
    expect(needsConsent).toHaveBeenCalled();
  });

  it('still answers an ordinary 401 from Jira in the envelope', async () => {
    platform.__forge_fetch__ = () =>
      Promise.resolve(new Response('{"errorMessages":["no"]}', { status: 401 }));
    const api = new JiraApi(forgeTransport('user'), { sleep: () => Promise.resolve() });
    await expect(api.getMyself()).rejects.toMatchObject({ name: 'JiraError', kind: 'auth' });
  });
});
