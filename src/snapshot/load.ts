/** The one place a snapshot is read from disk; everything else takes a parsed Snapshot. */
import { readFile } from 'node:fs/promises';
import { parseSnapshot, SnapshotError, type Snapshot } from './format';

/** Reads and validates a snapshot file; throws SnapshotError for unreadable, non-JSON or invalid files. */
export async function loadSnapshotFile(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new SnapshotError([{ path: '', message: `cannot read ${path}: ${reason}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new SnapshotError([{ path: '', message: `${path} is not JSON: ${reason}` }]);
  }
  return parseSnapshot(json);
}
