/**
 * The state of a project's stored snapshot, the same on the project page and the gadget: progress
 * while a scan runs, the age of the data shown, a Rescan button, and a failed scan's error with a
 * retry; and progress while the viewer's access to a big project is checked.
 */
import Button from '@atlaskit/button/new';
import ProgressBar from '@atlaskit/progress-bar';
import type { ScanState } from '../../../src/shared/contract';
import { age } from '../lib/format';
import { t, tp } from '../i18n';

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
        {total !== null
          ? t(scan.builtAt ? 'scan.rescanningOf' : 'scan.scanningOf', {
              project: projectKey,
              processed,
              total,
            })
          : t(scan.builtAt ? 'scan.rescanning' : 'scan.scanning', { project: projectKey, processed })}
      </span>
      <Progress done={processed} total={total} label={t('scan.progressLabel', { project: projectKey })} />
      {scan.builtAt && (
        <span className="popm-muted">{t('scan.showingFrom', { age: age(scan.builtAt, new Date()) })}</span>
      )}
    </div>
  );
}

/** Atlaskit's progress bar for `done` of `total` (moving, without a figure, while the total is unknown). */
export function Progress({ done, total, label }: { done: number; total: number | null; label: string }) {
  return (
    <span className="popm-progress">
      <ProgressBar
        ariaLabel={label}
        {...(total !== null && total > 0
          ? { value: Math.min(done, total) / total }
          : { isIndeterminate: true })}
      />
    </span>
  );
}

/**
 * The first view of a big project: which issues the viewer may see is read from Jira over several
 * calls before any row is shown. Polled like a scan.
 */
export function AccessProgress({ processed }: { processed: number }) {
  return (
    <div role="status" aria-live="polite" className="popm-toolbar" data-access-progress="checking">
      <span>{tp('scan.checkingAccess', processed)}</span>
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
          {scan.error ? t('scan.failedWith', { error: scan.error }) : t('scan.failed')}
          {scan.builtAt ? ` ${t('scan.showingFrom', { age: age(scan.builtAt, new Date()) })}` : ''}
        </span>
        <Button onClick={onRescan} isDisabled={busy} data-action="rescan">
          {t('scan.tryAgain')}
        </Button>
      </div>
    );
  }
  return (
    <div className="popm-toolbar popm-muted">
      <span data-scan-status={scan.status}>
        {scan.builtAt ? t('scan.dataFrom', { age: age(scan.builtAt, new Date()) }) : t('scan.notScanned')}
      </span>
      <Button onClick={onRescan} isDisabled={busy} data-action="rescan">
        {scan.status === 'none' ? t('scan.scanProject') : t('scan.rescan')}
      </Button>
    </div>
  );
}
