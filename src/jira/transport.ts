/**
 * The seam between the Jira access layer and whatever carries its requests: Forge's
 * `requestJira` (as the user or as the app), plain HTTPS with basic auth for the CLI, or the
 * in-process emulator for tests and the local host. Everything above this seam is the same code.
 */

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, starting with `/rest/api/3/`. */
  path: string;
  body?: unknown;
}

export interface TransportResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
}

/** Sends one request; rejects only for network-level failures (no HTTP answer at all). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;
