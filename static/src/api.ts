/**
 * The UI's only way to reach the backend: one typed function per resolver, each returning the
 * contract's Result envelope. Failures stay failures (never turned into empty lists) so every
 * surface can show a message a person can act on.
 */
import { invoke } from '@forge/bridge';
import { t } from './i18n';
import type { Payload, ResolverName, Result, ResultTypes } from '../../src/shared/contract';
import { parseEnvelope } from './lib/envelope';

export type Invoke = (name: string, payload: Record<string, unknown>) => Promise<unknown>;

const bridgeInvoke: Invoke = (name, payload) => invoke(name, payload);

/** Swappable for tests and storybook-like harnesses; production always uses the bridge. */
let currentInvoke: Invoke = bridgeInvoke;
export function setInvoke(fn: Invoke | null): void {
  currentInvoke = fn ?? bridgeInvoke;
}

export async function call<N extends ResolverName>(
  name: N,
  payload: Payload<N>,
): Promise<Result<ResultTypes[N]>> {
  let raw: unknown;
  try {
    raw = await currentInvoke(name, payload);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      error: {
        code: 'JIRA_UNAVAILABLE',
        message: t('api.unreachable', { reason: reason.trim() }),
      },
    };
  }
  const parsed = parseEnvelope(raw);
  if (!parsed) {
    return {
      ok: false,
      error: { code: 'INTERNAL', message: t('api.badShape', { name }) },
    };
  }
  if (!parsed.ok) return parsed;
  // The data was produced by our own resolver against ResultTypes[N] (src/shared/contract.ts);
  // the envelope above proves it is a resolver answer rather than a host error.
  return { ok: true, data: parsed.data as ResultTypes[N] };
}

export const api = {
  getIssueView: (p: Payload<'getIssueView'>) => call('getIssueView', p),
  getChildren: (p: Payload<'getChildren'>) => call('getChildren', p),
  getProjectTree: (p: Payload<'getProjectTree'>) => call('getProjectTree', p),
  startScan: (p: Payload<'startScan'>) => call('startScan', p),
  getGadgetSummary: (p: Payload<'getGadgetSummary'>) => call('getGadgetSummary', p),
  acceptStory: (p: Payload<'acceptStory'>) => call('acceptStory', p),
  revokeAcceptance: (p: Payload<'revokeAcceptance'>) => call('revokeAcceptance', p),
  rejectStory: (p: Payload<'rejectStory'>) => call('rejectStory', p),
  getQueue: (p: Payload<'getQueue'>) => call('getQueue', p),
  bulkAccept: (p: Payload<'bulkAccept'>) => call('bulkAccept', p),
  getDecisionLog: (p: Payload<'getDecisionLog'>) => call('getDecisionLog', p),
  setOwner: (p: Payload<'setOwner'>) => call('setOwner', p),
  searchUsers: (p: Payload<'searchUsers'>) => call('searchUsers', p),
  getConfig: (p: Payload<'getConfig'>) => call('getConfig', p),
  saveConfig: (p: Payload<'saveConfig'>) => call('saveConfig', p),
  getProjectConfig: (p: Payload<'getProjectConfig'>) => call('getProjectConfig', p),
  saveProjectConfig: (p: Payload<'saveProjectConfig'>) => call('saveProjectConfig', p),
  previewConfig: (p: Payload<'previewConfig'>) => call('previewConfig', p),
  getDigestStatus: (p: Payload<'getDigestStatus'>) => call('getDigestStatus', p),
  sendDigestNow: (p: Payload<'sendDigestNow'>) => call('sendDigestNow', p),
} satisfies { [N in ResolverName]: (p: Payload<N>) => Promise<Result<ResultTypes[N]>> };
