/**
 * Engine throughput: `evaluate()` over synthetic SAFe sites of 1k, 10k and 100k issues, auditing
 * the ART project (features plus ~80% of the stories in scope; the rest is context).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_CONFIG } from '../src/domain/config';
import { evaluate } from '../src/domain/engine';
import { mib, type BenchSection } from './section';
import { syntheticSite } from './synthetic';

const SIZES = [1_000, 10_000, 100_000];
const COLUMNS = [
  'issues',
  'in scope',
  'findings',
  'median ms',
  'best ms',
  'cpu ms',
  'issues/s',
  'heap site',
  'heap peak',
  'retained',
  'peak RSS',
];

/** A collector for steadier memory figures; `npm run bench` cannot pass --expose-gc to tsx. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => void gc() : () => undefined;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const row = (cells: string[]): string => cells.map((c) => c.padStart(12)).join('');
const count = (x: number): string => x.toLocaleString('en-US');

export const engineBench: BenchSection = {
  name: 'engine',
  description: 'evaluate() on synthetic SAFe sites (audited project: ART)',
  run() {
    const gc = collector();
    console.log(row(COLUMNS));
    for (const size of SIZES) {
      const site = syntheticSite(size);
      evaluate(site, DEFAULT_CONFIG, 'ART'); // warm-up: JIT and caches
      const wall: number[] = [];
      const cpu: number[] = [];
      const runs = size >= 100_000 ? 5 : 10;
      // Timed back to back, as a server re-auditing would run them: a forced GC between runs would
      // shrink the young generation and make every run pay to grow it again.
      for (let r = 0; r < runs; r++) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        evaluate(site, DEFAULT_CONFIG, 'ART');
        const t1 = process.hrtime.bigint();
        const used = process.cpuUsage(c0);
        wall.push(Number(t1 - t0) / 1e6);
        cpu.push((used.user + used.system) / 1000);
      }
      // Memory from one more run on a freshly collected heap.
      gc();
      const heapSite = process.memoryUsage().heapUsed;
      const result = evaluate(site, DEFAULT_CONFIG, 'ART');
      const heapPeak = process.memoryUsage().heapUsed;
      gc();
      const retained = process.memoryUsage().heapUsed - heapSite;
      const findings = result.findings.length;
      const inScope = result.issueCount;
      const med = median(wall);
      console.log(
        row([
          count(size),
          count(inScope),
          count(findings),
          med.toFixed(1),
          Math.min(...wall).toFixed(1),
          median(cpu).toFixed(1),
          count(Math.round(size / (med / 1000))),
          mib(heapSite),
          mib(heapPeak),
          mib(retained),
          mib(process.resourceUsage().maxRSS * 1024),
        ]),
      );
    }
    console.log(
      [
        'ms = wall time of one evaluate() (median and best of 10 runs, 5 at 100k); cpu ms = median CPU time',
        'of the process during it, GC helper threads included; issues/s from the median wall time;',
        'heap site = heap with the site loaded, collected; heap peak = heap right after one more evaluate()',
        '(its garbage included); retained = heap its result holds after a full GC; peak RSS = process',
        'maximum so far (sizes run smallest first).',
      ].join('\n'),
    );
  },
};
