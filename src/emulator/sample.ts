/** Where the bundled sample site lives, resolved from the repository root. */
import { resolve } from 'node:path';

export const SAMPLE_SNAPSHOT_PATH = resolve(__dirname, '../../samples/sample-site.json');
