/**
 * The parts of the Forge context the surfaces read, checked by hand (the host is outside our code,
 * and the bundles carry no schema library). Anything else in the context is left out.
 */
export interface ForgeContext {
  accountId?: string;
  siteUrl?: string;
  locale?: string;
  timezone?: string;
  theme?: { colorMode?: string };
  extension: {
    type?: string;
    entryPoint?: string;
    issue?: { key: string; id?: string; type?: string };
    project?: { key: string; id?: string };
    gadgetConfiguration?: Record<string, unknown>;
  };
}

type Parsed = { ok: true; context: ForgeContext } | { ok: false; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class ContextError extends Error {}

/** An optional string at `path`; a present value of another type is an error. */
function optString(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ContextError(`${path}.${key} must be a string`);
  return v;
}

function optRecord(
  o: Record<string, unknown>,
  key: string,
  path: string,
): Record<string, unknown> | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw new ContextError(`${path}.${key} must be an object`);
  return v;
}

function keyed(o: Record<string, unknown>, key: string, path: string) {
  const r = optRecord(o, key, path);
  if (!r) return undefined;
  const k = r.key;
  if (typeof k !== 'string') throw new ContextError(`${path}.${key}.key must be a string`);
  const id = optString(r, 'id', `${path}.${key}`);
  const type = optString(r, 'type', `${path}.${key}`);
  return { key: k, ...(id !== undefined ? { id } : {}), ...(type !== undefined ? { type } : {}) };
}

export function parseContext(raw: unknown): Parsed {
  try {
    const c = raw ?? {};
    if (!isRecord(c)) throw new ContextError('the context must be an object');
    const ext = optRecord(c, 'extension', 'context') ?? {};
    const theme = optRecord(c, 'theme', 'context');
    const context: ForgeContext = { extension: {} };
    const put = (k: 'accountId' | 'siteUrl' | 'locale' | 'timezone') => {
      const v = optString(c, k, 'context');
      if (v !== undefined) context[k] = v;
    };
    put('accountId');
    put('siteUrl');
    put('locale');
    put('timezone');
    if (theme) {
      const colorMode = optString(theme, 'colorMode', 'context.theme');
      context.theme = colorMode !== undefined ? { colorMode } : {};
    }
    const e = context.extension;
    const type = optString(ext, 'type', 'extension');
    const entryPoint = optString(ext, 'entryPoint', 'extension');
    const issue = keyed(ext, 'issue', 'extension');
    const project = keyed(ext, 'project', 'extension');
    const gadgetConfiguration = optRecord(ext, 'gadgetConfiguration', 'extension');
    if (type !== undefined) e.type = type;
    if (entryPoint !== undefined) e.entryPoint = entryPoint;
    if (issue) e.issue = issue;
    if (project) e.project = project;
    if (gadgetConfiguration) e.gadgetConfiguration = gadgetConfiguration;
    return { ok: true, context };
  } catch (err) {
    if (err instanceof ContextError) return { ok: false, message: err.message };
    throw err;
  }
}
