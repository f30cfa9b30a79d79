/** The one place a snapshot is read from disk; everything else takes a parsed Snapshot. */
import { readFile } from 'node:fs/promises';
import { parseSnapshot, SnapshotError, type Snapshot } from './format';

/** Words for the file errors people meet, instead of Node's `ENOENT: no such file or directory, open ...`. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a folder in the path is a file',
};

/** The file could not be read at all (as opposed to a file that is not a valid snapshot). */
export class SnapshotFileError extends SnapshotError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super([{ path: '', message: `cannot read ${file}: ${reason}` }]);
    this.name = 'SnapshotFileError';
  }
}

/** Reads and validates a snapshot file; throws SnapshotError for unreadable, non-JSON or invalid files. */
export async function loadSnapshotFile(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    throw new SnapshotFileError(path, FILE_ERRORS[code] ?? (e instanceof Error ? e.message : String(e)));
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
