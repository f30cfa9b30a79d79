/** Geometry of the gadget's small coverage trend chart (pure, so it is unit-tested). */
import type { TrendPoint } from '../../../src/shared/contract';

export interface ChartSeries {
  key: 'featuresWithPm' | 'doneStoriesAccepted';
  /** SVG path `d`, or '' when the series has no values. */
  d: string;
  last: number | null;
}

/** Lines for both ratios over `width`x`height`, y = 0..1 from bottom to top; gaps for nulls. */
export function trendPaths(
  points: readonly TrendPoint[],
  width: number,
  height: number,
  pad = 2,
): ChartSeries[] {
  const n = points.length;
  const x = (i: number) => (n <= 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const y = (v: number) => pad + (1 - Math.min(1, Math.max(0, v))) * (height - 2 * pad);
  return (['featuresWithPm', 'doneStoriesAccepted'] as const).map((key) => {
    let d = '';
    let pen = false;
    let last: number | null = null;
    points.forEach((p, i) => {
      const v = p[key];
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
      last = v;
    });
    return { key, d, last };
  });
}
