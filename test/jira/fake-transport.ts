import type { Transport, TransportRequest, TransportResponse } from '../../src/jira/transport';

export type Step = TransportResponse | Error | ((req: TransportRequest) => TransportResponse);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, text: JSON.stringify(body) };
}

/** A transport that answers from a script and records every request it saw. */
export function scripted(steps: Step[], fallback?: Step): Transport & { calls: TransportRequest[] } {
  const calls: TransportRequest[] = [];
  let i = 0;
  const transport = (req: TransportRequest): Promise<TransportResponse> => {
    calls.push(req);
    const step = i < steps.length ? steps[i++] : fallback;
    if (step === undefined) return Promise.reject(new Error(`unexpected request ${req.method} ${req.path}`));
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(typeof step === 'function' ? step(req) : step);
  };
  return Object.assign(transport, { calls });
}
