/**
 * Plain HTTPS to a Jira Cloud site with basic auth (email:API token), as Jira Cloud expects for
 * API tokens. Used by the CLI; also talks to the local emulator server in tests.
 */
import type { Transport, TransportResponse } from '../transport';

/** The part of `fetch` the transport uses. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpTransportOptions {
  /** Site URL such as https://example.atlassian.net (a trailing slash or path is dropped). */
  site: string;
  email: string;
  apiToken: string;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: FetchLike;
  /**
   * How long one request may take before it is abandoned as a network failure (and so retried).
   * Without it a site that accepts the connection and never answers would hang the CLI forever.
   */
  timeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The site's origin, or an Error naming what is wrong. Jira Cloud sites live at the root of their
 * host, so anything after the host (a pasted issue URL, `/jira`, a trailing slash) is dropped.
 */
export function normaliseSiteUrl(site: string): string {
  const trimmed = site.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(
      `${JSON.stringify(site)} is not a site URL (expected something like https://example.atlassian.net)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${JSON.stringify(site)} must be an http(s) URL`);
  }
  return url.origin;
}

export function basicAuthHeader(email: string, apiToken: string): string {
  return `Basic ${Buffer.from(`${email}:${apiToken}`, 'utf8').toString('base64')}`;
}

export function httpTransport(options: HttpTransportOptions): Transport {
  const origin = normaliseSiteUrl(options.site);
  const authorization = basicAuthHeader(options.email, options.apiToken);
  const doFetch: FetchLike = options.fetch ?? fetch;
  return async (request) => {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    const init: RequestInit = {
      method: request.method,
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(request.body);
    }
    // A rejection here (DNS, refused connection, TLS) is a network error, by the Transport contract.
    const response = await doFetch(`${origin}${request.path}`, init);
    const out: TransportResponse = { status: response.status, headers: {}, text: await response.text() };
    response.headers.forEach((value, name) => {
      out.headers[name.toLowerCase()] = value;
    });
    return out;
  };
}
