/**
 * The one builder of Jira REST paths. Every path segment is percent-encoded and dot-segments are
 * refused, so a key or property name coming from data can never change which endpoint is called
 * (no `/`, `?`, `#` or `..` survive). The Forge transport relies on this to hand our paths to
 * `assumeTrustedRoute` (see transports/forge.ts).
 */

export type QueryValue = string | number | boolean | readonly string[] | undefined;

const API_ROOT = '/rest/api/3';

function encodeSegment(segment: string): string {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new Error(`refusing to build a Jira path with the segment ${JSON.stringify(segment)}`);
  }
  return encodeURIComponent(segment);
}

/**
 * `/rest/api/3/<segments...>?<query>`. Array query values become repeated parameters (Jira's
 * convention for `fields`, `properties`, `accountId`...); undefined values are left out.
 */
export function apiPath(segments: readonly string[], query: Record<string, QueryValue> = {}): string {
  const path = `${API_ROOT}/${segments.map(encodeSegment).join('/')}`;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params.append(name, String(value));
    } else {
      for (const v of value) params.append(name, v);
    }
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/**
 * True when `path` has the form `apiPath` produces: under /rest/api/3/, no dot-segments, no raw
 * characters that would end or escape the path. A second line of defence for the Forge transport.
 */
export function isSafeApiPath(path: string): boolean {
  const [pathPart, ...rest] = path.split('?');
  if (pathPart === undefined || rest.length > 1) return false;
  if (!pathPart.startsWith(`${API_ROOT}/`)) return false;
  if (/[#\\\s]/.test(path)) return false;
  const segments = pathPart.slice(1).split('/');
  return segments.every((s) => {
    if (s === '') return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      return false;
    }
    return decoded !== '.' && decoded !== '..';
  });
}
