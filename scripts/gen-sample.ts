/**
 * Writes samples/sample-site.json, the bundled sample site. Deterministic: the same seed gives the
 * same bytes, so the file only changes in git when the generator does.
 *   npx tsx scripts/gen-sample.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildSampleSite } from '../src/emulator/sample-site';
import { SAMPLE_SNAPSHOT_PATH } from '../src/emulator/sample';
import { parseSnapshot } from '../src/snapshot/format';

const text = `${JSON.stringify(parseSnapshot(buildSampleSite()), null, 1)}\n`;
if (process.argv.includes('--check')) {
  const current = readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8');
  if (current !== text) {
    process.stderr.write(`${SAMPLE_SNAPSHOT_PATH} is out of date: run npx tsx scripts/gen-sample.ts\n`);
    process.exit(1);
  }
  process.stderr.write('sample site is up to date\n');
} else {
  writeFileSync(SAMPLE_SNAPSHOT_PATH, text);
  process.stderr.write(`wrote ${SAMPLE_SNAPSHOT_PATH} (${text.length} bytes)\n`);
}
