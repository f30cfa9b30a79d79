/** The project tree's table: whole for small trees, windowed (only the rows in view in the DOM) for big ones. */
import { useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TreeRow } from '../../../src/shared/contract';
import { IssueTableHead } from '../ui/findings';

/** What the windowed table adds to a row: its measuring ref and its place in the whole table. */
export type RowExtra = {
  ref?: (el: HTMLTableRowElement | null) => void;
  'data-index'?: number;
  'aria-rowindex'?: number;
};

/**
 * From this many visible rows on, only the rows in view (and a few around) are in the DOM: a
 * 20,000-row table costs the browser minutes and gigabytes. Smaller trees render whole, so the
 * frame keeps sizing to its content and the browser's find-in-page sees every row.
 */
export const WINDOW_FROM = 400;
/** A row's height before it is measured (one line of text plus padding); rows are measured once shown. */
const ROW_ESTIMATE = 37;
const OVERSCAN = 15;

/**
 * The windowed table's own scroll box. Jira sizes a Custom UI frame to its content, so the frame's
 * viewport follows the page: a height in vh would feed back into itself. The screen does not: 70% of
 * the screen's available height, what a maximised window shows below Jira's header, at least 320 px.
 */
function windowHeight(): number {
  const screenHeight = typeof screen === 'undefined' ? 0 : screen.availHeight;
  return Math.max(320, Math.round(screenHeight * 0.7));
}

interface TreeTableProps {
  label: string;
  shown: readonly TreeRow[];
  renderRow: (r: TreeRow, extra?: RowExtra) => ReactNode;
}

export function TreeTable({ label, shown, renderRow }: TreeTableProps) {
  if (shown.length < WINDOW_FROM)
    return (
      <table className="popm-table" aria-label={label}>
        <IssueTableHead />
        <tbody>{shown.map((r) => renderRow(r))}</tbody>
      </table>
    );
  return <WindowedTable label={label} shown={shown} renderRow={renderRow} />;
}

function WindowedTable({ label, shown, renderRow }: TreeTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [height] = useState(windowHeight);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: OVERSCAN,
    getItemKey: (i) => shown[i]?.key ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div ref={scroller} className="popm-tree-window" style={{ height }} data-windowed={shown.length}>
      {/* aria-rowcount/rowindex tell assistive technology where the rows in the DOM sit in the whole table. */}
      <table className="popm-table" aria-label={label} aria-rowcount={shown.length + 1}>
        <IssueTableHead />
        <tbody>
          {before > 0 && <Spacer height={before} />}
          {items.map((item) => {
            const r = shown[item.index];
            return r
              ? renderRow(r, {
                  ref: virtualizer.measureElement,
                  'data-index': item.index,
                  'aria-rowindex': item.index + 2,
                })
              : null;
          })}
          {after > 0 && <Spacer height={after} />}
        </tbody>
      </table>
    </div>
  );
}

/** Stands for the rows above or below the window, so the scroll bar is the whole table's. */
function Spacer({ height }: { height: number }) {
  return (
    <tr aria-hidden="true" className="popm-tree-spacer">
      <td colSpan={5} style={{ height }} />
    </tr>
  );
}
