/**
 * The state of a project's stored snapshot, the same on the project page and the gadget: progress
 * while a scan runs, the age of the data shown, a Rescan button, and a failed scan's error with a
 * retry; and progress while the viewer's access to a big project is checked.
 */
import Button from '@atlaskit/button/new';
import type { ScanState } from '../../../src/shared/contract';
import { age } from '../lib/format';

/** How often a surface asks again while a scan runs or the viewer's access is being checked. */
export const SCAN_POLL_MS = 1500;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function ScanProgress({ projectKey, scan }: { projectKey: string; scan: ScanState }) {
  const { processed, total } = scan;
  return (
    <div role="status" aria-live="polite" className="popm-toolbar" data-scan-progress="running">
      <span>
        {scan.builtAt ? 'Rescanning' : 'Scanning'} {projectKey}: {processed.toLocaleString()}
        {total !== null ? ` of about ${total.toLocaleString()}` : ''} issues read
      </span>
      <progress
        max={total ?? undefined}
        value={total !== null ? Math.min(processed, total) : undefined}
        aria-label={`Scan progress of ${projectKey}`}
      />
      {scan.builtAt && <span className="popm-muted">Showing data from {age(scan.builtAt, new Date())}.</span>}
    </div>
  );
}

/**
 * The first view of a big project: which issues the viewer may see is read from Jira over several
 * calls before any row is shown. Polled like a scan.
 */
export function AccessProgress({ processed }: { processed: number }) {
  return (
    <div role="status" aria-live="polite" className="popm-toolbar" data-access-progress="checking">
      <span>
        Checking which issues you can see… {processed.toLocaleString()} {processed === 1 ? 'issue' : 'issues'}{' '}
        so far
      </span>
    </div>
  );
}

/** Shown once the data is loaded: its age and a Rescan button, or the failure and a retry. */
export function ScanSummary({
  scan,
  onRescan,
  busy = false,
}: {
  scan: ScanState;
  onRescan: () => void;
  busy?: boolean;
}) {
  if (scan.status === 'failed') {
    return (
      <div role="alert" className="popm-toolbar" data-scan-status="failed">
        <span>
          The last scan failed{scan.error ? `: ${scan.error}` : ''}.
          {scan.builtAt ? ` Showing data from ${age(scan.builtAt, new Date())}.` : ''}
        </span>
        <Button onClick={onRescan} isDisabled={busy} data-action="rescan">
          Try again
        </Button>
      </div>
    );
  }
  return (
    <div className="popm-toolbar popm-muted">
      <span data-scan-status={scan.status}>
        {scan.builtAt ? `Data from ${age(scan.builtAt, new Date())}.` : 'Not scanned yet.'}
      </span>
      <Button onClick={onRescan} isDisabled={busy} data-action="rescan">
        {scan.status === 'none' ? 'Scan project' : 'Rescan'}
      </Button>
    </div>
  );
}
