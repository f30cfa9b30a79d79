/**
 * The project tree's table, a WAI-ARIA treegrid: whole for small trees, windowed (only the rows in
 * view in the DOM) for big ones. Rows are reached with the arrow keys, Home and End; one row at a
 * time is in the tab order (roving tabindex), and that row stays in the DOM while it is scrolled
 * out of the window, so focus is never dropped on the document.
 */
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import type { TreeRow } from '../../../src/shared/contract';
import { IssueTableHead } from '../ui/findings';

/** What the table adds to a row: its treegrid attributes and, windowed, its measuring ref. */
export type RowExtra = {
  ref?: (el: HTMLTableRowElement | null) => void;
  'data-index'?: number;
  'aria-rowindex'?: number;
  'aria-level': number;
  'aria-expanded'?: boolean;
  tabIndex: number;
};

/**
 * From this many rows on, only the rows in view (and a few around) are in the DOM: a 20,000-row
 * table costs the browser minutes and gigabytes. Smaller trees render whole, so the frame keeps
 * sizing to its content and the browser's find-in-page sees every row.
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

export interface TreeTableProps {
  label: string;
  shown: readonly TreeRow[];
  /**
   * Window the table even below WINDOW_FROM shown rows: the tree is big (a collapse or a filter
   * shows few of its rows, or its first page is in and the rest loading), so the table keeps one
   * mode, and its focused row, whatever is shown.
   */
  windowed?: boolean;
  isParent: (key: string) => boolean;
  isCollapsed: (key: string) => boolean;
  onToggle: (key: string) => void;
  renderRow: (r: TreeRow, extra: RowExtra) => ReactNode;
}

/** Where a key moves focus from row `i` (undefined: it does not move), and whether it toggles instead. */
function moveFor(
  key: string,
  i: number,
  shown: readonly TreeRow[],
  props: Pick<TreeTableProps, 'isParent' | 'isCollapsed'>,
): { to: number } | { toggle: string } | undefined {
  const row = shown[i];
  if (!row) return undefined;
  const open = props.isParent(row.key) && !props.isCollapsed(row.key);
  switch (key) {
    case 'ArrowDown':
      return i + 1 < shown.length ? { to: i + 1 } : undefined;
    case 'ArrowUp':
      return i > 0 ? { to: i - 1 } : undefined;
    case 'Home':
      return { to: 0 };
    case 'End':
      return { to: shown.length - 1 };
    case 'ArrowRight':
      if (!props.isParent(row.key)) return undefined;
      if (!open) return { toggle: row.key };
      // A filter may have left an expanded row without a shown child.
      return shown[i + 1]?.parentKey === row.key ? { to: i + 1 } : undefined;
    case 'ArrowLeft': {
      if (open) return { toggle: row.key };
      if (row.parentKey === null) return undefined;
      for (let p = i - 1; p >= 0; p--) if (shown[p]!.key === row.parentKey) return { to: p };
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The roving tabindex: which row is in the tab order (the first, until the keyboard moves it), the
 * key handler, and a focus that waits until its row is rendered (windowed, a row far away comes
 * into the DOM a render or two after scrolling to it).
 */
function useRovingRow(
  props: TreeTableProps,
  scrollTo: ((index: number) => void) | undefined,
  body: RefObject<HTMLTableSectionElement | null>,
) {
  const { shown } = props;
  const [active, setActive] = useState<string | null>(null);
  const pending = useRef<string | null>(null);
  const found = active === null ? -1 : shown.findIndex((r) => r.key === active);
  // A row hidden by a collapse or a filter hands the tab stop to the first row.
  const index = found < 0 ? 0 : found;

  useEffect(() => {
    const key = pending.current;
    if (key === null || !body.current) return;
    const el = body.current.querySelector<HTMLElement>(`tr[data-row-key="${CSS.escape(key)}"]`);
    if (!el) return;
    pending.current = null;
    // The browser finishes the scroll: the virtualizer's aligns a row to its body, not under the sticky header.
    el.focus();
  });

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLTableSectionElement>) => {
      const row = e.target instanceof HTMLElement ? e.target : null;
      // Keys typed on a link or button inside a row are theirs; the treegrid moves between rows.
      if (!row || row.tagName !== 'TR' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const i = shown.findIndex((r) => r.key === row.dataset.rowKey);
      const move = moveFor(e.key, i, shown, props);
      if (!move) return;
      e.preventDefault();
      if ('toggle' in move) return props.onToggle(move.toggle);
      const target = shown[move.to]!;
      setActive(target.key);
      pending.current = target.key;
      scrollTo?.(move.to);
    },
    [shown, props, scrollTo],
  );
  return { index, onKeyDown };
}

/** The attributes that make row `i` a treegrid row. */
function rowExtra(props: TreeTableProps, r: TreeRow, i: number, tabStop: number): RowExtra {
  const extra: RowExtra = { 'aria-level': r.depth + 1, tabIndex: i === tabStop ? 0 : -1 };
  if (props.isParent(r.key)) extra['aria-expanded'] = !props.isCollapsed(r.key);
  return extra;
}

export function TreeTable(props: TreeTableProps) {
  if (props.windowed || props.shown.length >= WINDOW_FROM) return <WindowedTable {...props} />;
  return <WholeTable {...props} />;
}

function WholeTable(props: TreeTableProps) {
  const { label, shown, renderRow } = props;
  const body = useRef<HTMLTableSectionElement>(null);
  const { index, onKeyDown } = useRovingRow(props, undefined, body);
  return (
    <table className="popm-table" role="treegrid" aria-label={label}>
      <IssueTableHead />
      <tbody ref={body} onKeyDown={onKeyDown}>
        {shown.map((r, i) => renderRow(r, rowExtra(props, r, i, index)))}
      </tbody>
    </table>
  );
}

function WindowedTable(props: TreeTableProps) {
  const { label, shown, renderRow } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const [height] = useState(windowHeight);
  // The tab stop's row is kept in the range, so a focused row scrolled away keeps its focus.
  const tabStop = useRef(0);
  const rangeExtractor = useCallback((range: Range) => {
    const out = defaultRangeExtractor(range);
    const keep = tabStop.current;
    if (keep < range.count && !out.includes(keep)) out.push(keep);
    return out.sort((a, b) => a - b);
  }, []);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: OVERSCAN,
    getItemKey: (i) => shown[i]?.key ?? i,
    rangeExtractor,
  });
  const scrollTo = useCallback(
    (i: number) => {
      tabStop.current = i;
      virtualizer.scrollToIndex(i, { align: 'auto' });
    },
    [virtualizer],
  );
  const { index, onKeyDown } = useRovingRow(props, scrollTo, body);
  tabStop.current = index;

  // Spacers stand for the rows between the ones in the DOM (the tab stop may sit far from the rest).
  const cells: ReactNode[] = [];
  let end = 0;
  for (const item of virtualizer.getVirtualItems()) {
    const r = shown[item.index];
    if (!r) continue;
    if (item.start > end) cells.push(<Spacer key={`gap-${item.index}`} height={item.start - end} />);
    cells.push(
      renderRow(r, {
        ...rowExtra(props, r, item.index, index),
        ref: virtualizer.measureElement,
        'data-index': item.index,
        'aria-rowindex': item.index + 2,
      }),
    );
    end = item.end;
  }
  const after = virtualizer.getTotalSize() - end;
  return (
    // At most that high: a filter that leaves a few rows of a big tree gets a short box.
    <div
      ref={scroller}
      className="popm-tree-window"
      style={{ maxHeight: height }}
      data-windowed={shown.length}
    >
      {/* aria-rowcount/rowindex tell assistive technology where the rows in the DOM sit in the whole table. */}
      <table className="popm-table" role="treegrid" aria-label={label} aria-rowcount={shown.length + 1}>
        <IssueTableHead />
        <tbody ref={body} onKeyDown={onKeyDown}>
          {cells}
          {after > 0 && <Spacer key="gap-end" height={after} />}
        </tbody>
      </table>
    </div>
  );
}

/** Stands for rows outside the window, so the scroll bar is the whole table's. */
function Spacer({ height }: { height: number }) {
  return (
    <tr aria-hidden="true" className="popm-tree-spacer">
      <td colSpan={5} style={{ height }} />
    </tr>
  );
}
