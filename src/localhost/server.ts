/**
 * The local Custom UI host: serves the production bundles inside host pages that stand in for
 * Jira (context, invoke, flags, gadget submit, theme), and runs resolver calls for the signed-in
 * user of each page. The browser never names the account that runs a call: it only holds a session
 * token that the server minted for the page's `?as=` user.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { isConsentRequired } from '../jira/errors';
import { gadgetConfigSchema, type GadgetConfig } from '../shared/contract';
import type { Snapshot } from '../snapshot/format';
import { avatarSvg, parseAvatarPath } from './avatars';
import { BRIDGE_CLIENT_JS } from './bridge-client';
import { forgeCsp, manifestPermissions } from './csp';
import { LOCALES_FOLDER, localesFile, manifestTranslations } from './translations';
import {
  esc,
  hostPage,
  indexPage,
  messagePage,
  scriptJson,
  type ColorMode,
  type FrameSpec,
  type UserOption,
} from './pages';
import { describeOwnership, ownershipByAccount } from './people';

import { SURFACES, type Surface } from '../shared/surfaces';

/** What a resolver call receives as Forge's `context`. */
export interface InvokeContext {
  accountId: string;
  extension: Record<string, unknown>;
}

export type InvokeFn = (name: string, payload: unknown, context: InvokeContext) => Promise<unknown>;

interface Session {
  accountId: string;
  surface: Surface;
  context: Record<string, unknown>;
  submittable: boolean;
  createdAt: number;
}

export interface HostOptions {
  snapshot: Snapshot;
  invoke: InvokeFn;
  buildDir: string;
  log?: (message: string) => void;
  /** Whose `permissions` shape each surface's Content-Security-Policy; default the app's manifest.yml. */
  manifestPath?: string;
  /** The user allowed the app access (the frame's consent prompt); see LocalHostOptions. */
  grantConsent?: (accountId: string) => void;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const invokeBodySchema = z.object({ functionKey: z.string().min(1).max(100), payload: z.unknown() }).strict();
const MAX_BODY = 1_000_000;
/** Sessions older than this are dropped; a page left open that long simply reloads. */
const SESSION_TTL_MS = 12 * 3600 * 1000;

const EXTENSION_TYPES: Record<Surface, string> = {
  'issue-panel': 'jira:issuePanel',
  'issue-context': 'jira:issueContext',
  'project-page': 'jira:projectPage',
  gadget: 'jira:dashboardGadget',
  admin: 'jira:adminPage',
  'project-settings': 'jira:projectSettingsPage',
  queue: 'jira:globalPage',
};

function levelFromHierarchy(h: number, subtask: boolean): string {
  if (subtask || h < 0) return 'subtask';
  return h >= 2 ? 'portfolio' : h === 1 ? 'program' : 'team';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How long a response may be reused: pages and answers never; static files by revalidation. */
type Caching = 'no-store' | 'revalidate' | 'immutable';

const CACHE_CONTROL: Record<Caching, string> = {
  'no-store': 'no-store',
  // Bundle entry files keep their names across builds: reuse only after a cheap 304 check.
  revalidate: 'no-cache',
  // Chunk names carry a content hash, so a name never changes meaning.
  immutable: 'public, max-age=31536000, immutable',
};

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  opts: { req?: IncomingMessage; caching?: Caching; headers?: Record<string, string> } = {},
): void {
  const caching = opts.caching ?? 'no-store';
  const headers: Record<string, string> = {
    'content-type': type,
    'cache-control': CACHE_CONTROL[caching],
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...opts.headers,
  };
  let payload = typeof body === 'string' ? Buffer.from(body) : body;
  if (caching !== 'no-store' && status === 200) {
    const etag = `"${createHash('sha1').update(payload).digest('base64url')}"`;
    headers.etag = etag;
    if (opts.req?.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  const accepts = opts.req?.headers['accept-encoding'] ?? '';
  if (payload.length > 1024 && COMPRESSIBLE.test(type) && /\bgzip\b/.test(accepts)) {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(payload.length);
  res.writeHead(status, headers);
  res.end(opts.req?.method === 'HEAD' ? undefined : payload);
}

/**
 * Design token CSS (light, dark, spacing, typography, shape), as Jira gives an app that calls
 * `view.theme.enable()`. Every theme is scoped by <html>'s data attributes, so one file serves
 * both colour modes.
 */
let tokensCss: Promise<string> | null = null;
function designTokensCss(): Promise<string> {
  tokensCss ??= Promise.all(
    ['light', 'dark', 'spacing', 'typography', 'shape'].map(async (t) => {
      const mod: unknown = await import(`@atlaskit/tokens/dist/cjs/artifacts/themes/atlassian-${t}.js`);
      // CommonJS through import(): the CSS string is `default`, or `default.default` when wrapped.
      let css: unknown = mod;
      for (let i = 0; i < 2 && css && typeof css === 'object' && 'default' in css; i++) css = css.default;
      if (typeof css !== 'string') throw new Error(`@atlaskit/tokens has no ${t} theme CSS`);
      return css;
    }),
  ).then((parts) => parts.join('\n'));
  return tokensCss;
}

export function createHost(options: HostOptions) {
  const { snapshot, invoke, buildDir } = options;
  const log = options.log ?? (() => undefined);
  const manifestPath = options.manifestPath ?? join(__dirname, '..', '..', 'manifest.yml');
  const permissions = manifestPermissions(manifestPath);
  const translations = manifestTranslations(manifestPath);
  const sessions = new Map<string, Session>();
  const admins = new Set(snapshot.admins);
  // Once per start: what each person owns does not change with the pages they open.
  const owned = ownershipByAccount(snapshot);
  const users: UserOption[] = snapshot.users
    .filter((u) => u.accountType === undefined || u.accountType === 'atlassian')
    .map((u) => ({
      accountId: u.accountId,
      displayName: u.displayName,
      admin: admins.has(u.accountId),
      owns: describeOwnership(owned.get(u.accountId) ?? [], admins.has(u.accountId)),
    }));
  const defaultAccount = snapshot.admins[0] ?? users[0]?.accountId ?? null;
  const typeById = new Map(snapshot.issueTypes.map((t) => [t.id, t]));
  const levelOf = (typeId: string) => {
    const t = typeById.get(typeId);
    return t ? levelFromHierarchy(t.hierarchyLevel, t.subtask) : 'team';
  };

  function newSession(
    accountId: string,
    surface: Surface,
    extension: Record<string, unknown>,
    theme: ColorMode,
  ): string {
    const now = Date.now();
    for (const [k, s] of sessions) if (now - s.createdAt > SESSION_TTL_MS) sessions.delete(k);
    const token = randomUUID();
    const localId = `popm-local-${surface}`;
    sessions.set(token, {
      accountId,
      surface,
      submittable: extension.entryPoint === 'edit',
      createdAt: now,
      context: {
        accountId,
        cloudId: 'local',
        siteUrl: snapshot.site.baseUrl,
        localId,
        moduleKey: `popm-${surface}`,
        locale: 'en-US',
        timezone: 'UTC',
        environmentType: 'DEVELOPMENT',
        extension: { type: EXTENSION_TYPES[surface], ...extension },
        theme: { colorMode: theme },
      },
    });
    return token;
  }

  function pickUser(url: URL): { ok: true; accountId: string } | { ok: false; message: string } {
    const as = url.searchParams.get('as') ?? defaultAccount;
    if (!as) return { ok: false, message: 'The snapshot has no users to sign in as.' };
    if (!snapshot.users.some((u) => u.accountId === as)) {
      return {
        ok: false,
        message: `No user ${as} in this site. Known users: ${users.map((u) => u.accountId).join(', ')}.`,
      };
    }
    return { ok: true, accountId: as };
  }

  const themeOf = (url: URL): ColorMode => (url.searchParams.get('theme') === 'dark' ? 'dark' : 'light');

  function projectExt(key: string): Record<string, unknown> | null {
    const p = snapshot.projects.find((x) => x.key === key);
    return p ? { project: { key: p.key, id: p.id, type: 'software' } } : null;
  }

  async function serveFrame(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    rest: string,
  ): Promise<void> {
    const [surface, ...fileParts] = rest.split('/');
    if (!SURFACES.some((s) => s === surface)) return send(res, 404, 'text/plain', 'no such surface');
    const file = normalize(fileParts.join('/') || 'index.html');
    if (file.startsWith('..') || file.includes(`..${sep}`)) return send(res, 400, 'text/plain', 'bad path');
    if (file.startsWith(`${LOCALES_FOLDER}${sep}`)) {
      const body = await localesFile(translations, manifestPath, file.slice(LOCALES_FOLDER.length + 1));
      return body === null
        ? send(res, 404, 'text/plain', `no catalog ${file}`)
        : send(res, 200, MIME['.json'] ?? 'application/json', body, { req, caching: 'revalidate' });
    }
    const full = join(buildDir, surface ?? '', file);
    let body: Buffer;
    try {
      body = await readFile(full);
    } catch {
      return send(res, 404, 'text/plain', `not built: ${surface}/${file} (run npm run build:ui)`);
    }
    if (file !== 'index.html')
      return send(res, 200, MIME[extname(file)] ?? 'application/octet-stream', body, {
        req,
        caching: file.startsWith(`chunks${sep}`) ? 'immutable' : 'revalidate',
      });
    const token = url.searchParams.get('s') ?? '';
    const session = sessions.get(token);
    if (!session || session.surface !== surface) {
      return send(
        res,
        403,
        'text/html; charset=utf-8',
        messagePage(403, 'Session expired', 'Reload the page around this frame.'),
      );
    }
    // As Jira does, the host adds its bridge before the app's own scripts; the bundle is unchanged.
    const inject = `<script>window.__POPM_SESSION=${scriptJson({ token, frame: token, context: session.context, submittable: session.submittable })};</script><script src="/__host/bridge.js"></script>`;
    const html = body.toString('utf8').replace('<head>', `<head>\n${inject}`);
    // Under the policy Forge's CDN applies to this resource (@forge/csp; see ./csp.ts).
    send(res, 200, MIME['.html'] ?? 'text/html', html, {
      req,
      headers: { 'content-security-policy': forgeCsp(html, permissions) },
    });
  }

  async function handleInvoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = req.headers['x-popm-session'];
    const session = typeof token === 'string' ? sessions.get(token) : undefined;
    if (!session)
      return send(res, 401, 'application/json', JSON.stringify({ error: 'no session: reload the page' }));
    let parsed;
    try {
      parsed = invokeBodySchema.safeParse(JSON.parse(await readBody(req)));
    } catch (e) {
      return send(
        res,
        400,
        'application/json',
        JSON.stringify({ error: e instanceof Error ? e.message : 'bad body' }),
      );
    }
    if (!parsed.success)
      return send(res, 400, 'application/json', JSON.stringify({ error: parsed.error.message }));
    const { functionKey, payload } = parsed.data;
    const ext = session.context.extension;
    const extension = ext && typeof ext === 'object' ? { ...ext } : {};
    try {
      const result = await invoke(functionKey, payload ?? {}, { accountId: session.accountId, extension });
      send(res, 200, 'application/json', JSON.stringify(result ?? null), { req });
    } catch (e) {
      // As Jira does, a user who has not consented gets the consent prompt instead of the app.
      if (isConsentRequired(e))
        return send(res, 401, 'application/json', JSON.stringify({ error: 'consent', functionKey }));
      // Resolvers answer failures in the Result envelope; a throw is a bug worth seeing in the log.
      log(`resolver ${functionKey} threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(res, 500, 'application/json', JSON.stringify({ error: `resolver ${functionKey} failed` }));
    }
  }

  function page(res: ServerResponse, html: string, status = 200): void {
    send(res, status, 'text/html; charset=utf-8', html, { req: res.req });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/__invoke') return handleInvoke(req, res);
    if (req.method === 'POST' && path === '/__consent') {
      const token = req.headers['x-popm-session'];
      const session = typeof token === 'string' ? sessions.get(token) : undefined;
      if (!session) return send(res, 401, 'text/plain', 'no session: reload the page');
      options.grantConsent?.(session.accountId);
      return send(res, 204, 'text/plain', '');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'method not allowed');
    if (path === '/__host/bridge.js')
      return send(res, 200, MIME['.js'] ?? 'text/javascript', BRIDGE_CLIENT_JS, {
        req,
        caching: 'revalidate',
      });
    if (path === '/__host/tokens.css')
      return send(res, 200, MIME['.css'] ?? 'text/css', await designTokensCss(), {
        req,
        caching: 'revalidate',
      });
    if (path.startsWith('/__frame/')) return serveFrame(req, res, url, path.slice('/__frame/'.length));
    if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
    const avatar = parseAvatarPath(path);
    if (avatar) {
      const name =
        avatar.kind === 'user'
          ? snapshot.users.find((u) => u.accountId === avatar.id)?.displayName
          : snapshot.projects.find((p) => p.id === avatar.id)?.name;
      // An account the site does not know still gets a picture, as Jira shows one for former users.
      return send(res, 200, MIME['.svg'] ?? 'image/svg+xml', avatarSvg(avatar.id, name ?? '?', avatar.kind), {
        req,
        caching: 'revalidate',
      });
    }

    const user = pickUser(url);
    if (!user.ok) return page(res, messagePage(400, 'Unknown user', user.message), 400);
    const accountId = user.accountId;
    const theme = themeOf(url);
    const base = { users, accountId, theme };

    if (path === '/' || path === '/index.html') {
      return page(res, indexPage({ snapshot, users, accountId, theme, levelOf }));
    }

    let m = /^\/issue\/([A-Z][A-Z0-9_]*-\d+)\/?$/.exec(path);
    if (m?.[1]) {
      const key = m[1];
      const issue = snapshot.issues.find((i) => i.key === key);
      if (!issue) return page(res, messagePage(404, 'Issue not found', `No issue ${key} in this site.`), 404);
      const type = typeById.get(issue.fields.issuetype);
      const project = snapshot.projects.find((p) => p.key === issue.fields.project);
      const ext = {
        issue: { key, id: issue.id, type: type?.name ?? '', typeId: issue.fields.issuetype },
        project: { key: issue.fields.project, id: project?.id ?? '', type: 'software' },
      };
      const frames: FrameSpec[] = [
        {
          surface: 'issue-panel',
          token: newSession(accountId, 'issue-panel', ext, theme),
          title: `POPM Guard on ${key}`,
          className: 'main',
        },
        {
          surface: 'issue-context',
          token: newSession(accountId, 'issue-context', ext, theme),
          title: 'Owners',
          className: 'side',
        },
      ];
      return page(res, hostPage({ ...base, title: `${key} ${issue.fields.summary}`, frames }));
    }

    m = /^\/project\/([A-Z][A-Z0-9_]*)(\/settings)?\/?$/.exec(path);
    if (m?.[1]) {
      const ext = projectExt(m[1]);
      if (!ext)
        return page(res, messagePage(404, 'Project not found', `No project ${m[1]} in this site.`), 404);
      const surface: Surface = m[2] ? 'project-settings' : 'project-page';
      const title = m[2] ? `${m[1]} project settings` : `${m[1]} ownership`;
      return page(
        res,
        hostPage({
          ...base,
          title,
          frames: [{ surface, token: newSession(accountId, surface, ext, theme), title, className: 'main' }],
        }),
      );
    }

    if (path === '/admin' || path === '/admin/') {
      return page(
        res,
        hostPage({
          ...base,
          title: 'POPM Guard settings',
          frames: [
            {
              surface: 'admin',
              token: newSession(accountId, 'admin', {}, theme),
              title: 'POPM Guard settings',
              className: 'main',
            },
          ],
        }),
      );
    }

    if (path === '/queue' || path === '/queue/') {
      const title = 'Awaiting my acceptance';
      return page(
        res,
        hostPage({
          ...base,
          title,
          frames: [
            { surface: 'queue', token: newSession(accountId, 'queue', {}, theme), title, className: 'main' },
          ],
        }),
      );
    }

    if (path === '/gadget' || path === '/gadget/') {
      const rules = url.searchParams.get('rules');
      const candidate: Record<string, unknown> = {};
      const project = url.searchParams.get('project');
      if (project) candidate.projectKey = project;
      if (rules) candidate.rules = rules.split(',').filter(Boolean);
      // The gadget's scope (contracts.md), kept in the URL like the rest of its configuration.
      for (const name of ['sprint', 'fixVersion'] as const) {
        const value = url.searchParams.get(name);
        if (value) candidate[name] = value;
      }
      const parsedConfig = gadgetConfigSchema.safeParse(candidate);
      const config: GadgetConfig | undefined = parsedConfig.success ? parsedConfig.data : undefined;
      const edit = url.searchParams.get('edit') === '1';
      const ext: Record<string, unknown> = { gadgetConfiguration: config ?? {} };
      if (edit) ext.entryPoint = 'edit';
      const here = new URLSearchParams(url.searchParams);
      here.set('edit', '1');
      const editLink = edit ? '' : `<a href="/gadget?${esc(here.toString())}">Edit gadget</a>`;
      // On submit Jira stores the configuration and shows the view; here it lives in the URL.
      const onSubmit = `function (cfg) { var p = new URLSearchParams(location.search); p.delete('edit'); p.set('project', cfg.projectKey); if (cfg.rules && cfg.rules.length) p.set('rules', cfg.rules.join(',')); else p.delete('rules'); ['sprint', 'fixVersion'].forEach(function (k) { if (cfg[k]) p.set(k, cfg[k]); else p.delete(k); }); location.search = p.toString(); }`;
      const title = edit ? 'Configure POPM Guard gadget' : 'POPM Guard gadget';
      return page(
        res,
        hostPage({
          ...base,
          title,
          actions: editLink,
          onSubmitJs: onSubmit,
          frames: [
            {
              surface: 'gadget',
              token: newSession(accountId, 'gadget', ext, theme),
              title,
              className: 'gadget',
            },
          ],
        }),
      );
    }

    return page(res, messagePage(404, 'Not found', `Nothing at ${path}. The index lists every page.`), 404);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      log(`host error on ${req.url ?? ''}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
      else res.end();
    });
  });

  return {
    server,
    listen(port: number, hostname = '127.0.0.1'): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, hostname, () => {
          const a = server.address();
          resolve(typeof a === 'object' && a ? a.port : port);
        });
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
