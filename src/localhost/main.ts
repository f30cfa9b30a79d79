/** `npm start`: build the UI bundles if needed, then serve the local host (see app.ts). */
import { join, resolve } from 'node:path';
import { buildUi, isUiStale } from '../../scripts/build-ui';
import { startLocalHost } from './app';

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const rawPort = process.env.PORT ?? '3000';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    log(`PORT must be a port number, got "${rawPort}"`);
    process.exit(2);
  }
  if (await isUiStale()) {
    log('UI bundles missing or older than their sources: building…');
    await buildUi(log);
  }
  const host = await startLocalHost({
    port,
    buildDir: join(resolve(__dirname, '../..'), 'static', 'build'),
    log,
  });
  process.stdout.write(`${host.url}\n`);
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`local host failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
