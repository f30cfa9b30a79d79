/**
 * The emulator over HTTP (node:http), for the CLI's `--site` path, the local host and end-to-end
 * tests. Authentication is HTTP basic (email:API token) as Jira Cloud expects: with no account list
 * any credentials act as the first admin; with one, unknown credentials get Jira's 401.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jiraError, unauthorized, type JiraEmulator } from './emulator';

export interface EmulatorAccount {
  email: string;
  token: string;
  accountId: string;
}

export interface EmulatorServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** When given, only these credentials are accepted. */
  accounts?: EmulatorAccount[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

export interface EmulatorServer {
  url: string;
  close(): Promise<void>;
}

function credentials(header: string | undefined): { email: string; token: string } | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { email: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startEmulatorServer(
  emulator: JiraEmulator,
  options: EmulatorServerOptions,
): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? 10 * 1024 * 1024;

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, text: string): void => {
    res.writeHead(status, headers);
    res.end(text);
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const creds = credentials(req.headers.authorization);
    let accountId: string | null = null;
    if (options.accounts) {
      const match = creds && options.accounts.find((a) => a.email === creds.email && a.token === creds.token);
      accountId = match ? match.accountId : null;
    } else if (creds) {
      accountId = emulator.defaultAccountId;
    }
    const text = await readBody(req, limit);
    if (text === null) {
      const r = jiraError(413, ['The request body is too large.']);
      send(res, r.status, r.headers, r.text);
      return;
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        const r =
          accountId === null ? unauthorized() : jiraError(400, ['The request body is not valid JSON.']);
        send(res, r.status, r.headers, r.text);
        return;
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    try {
      const r = await emulator.handle({ method, path: req.url ?? '/', headers, body, accountId });
      send(res, r.status, r.headers, r.text);
    } catch {
      // A fault hook asked for a network failure: drop the connection without an answer.
      res.socket?.destroy();
    }
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => res.socket?.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((err) => (err ? fail(err) : done()));
          }),
      });
    });
  });
}
