/**
 * Jira through Forge's `requestJira`, as the signed-in user (Jira's own permissions hold) or as
 * the app. Only for code running inside Forge functions.
 */
import { asApp, asUser, assumeTrustedRoute } from '@forge/api';
import { RequestRefusedError } from '../errors';
import { isSafeApiPath } from '../paths';
import type { Transport, TransportResponse } from '../transport';

export function forgeTransport(kind: 'user' | 'app'): Transport {
  return async (request) => {
    // `route` is a tagged template that escapes each interpolated value; it cannot take a path
    // that is already complete, which is what the Transport seam carries. Every path we send is
    // built by `apiPath` (src/jira/paths.ts), which percent-encodes each segment and refuses dot
    // segments, so data can never alter the endpoint: that is exactly the guarantee `route` gives,
    // so trusting the finished path is safe. `isSafeApiPath` re-checks it in case a future caller
    // bypasses the builder; anything else is refused rather than trusted.
    if (!isSafeApiPath(request.path)) {
      throw new RequestRefusedError(
        `refusing to send a Jira path not built by apiPath: ${request.path.slice(0, 80)}`,
      );
    }
    const requester = kind === 'user' ? asUser() : asApp();
    const headers: Record<string, string> = { accept: 'application/json' };
    const init: { method: string; headers: Record<string, string>; body?: string } = {
      method: request.method,
      headers,
    };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(request.body);
    }
    // A user who has not granted the app access makes requestJira throw Forge's
    // NeedsAuthenticationError; it passes through untouched (see isConsentRequired in ../errors).
    const response = await requester.requestJira(assumeTrustedRoute(request.path), init);
    const out: TransportResponse = { status: response.status, headers: {}, text: await response.text() };
    response.headers.forEach((value, name) => {
      out.headers[name.toLowerCase()] = value;
    });
    return out;
  };
}
