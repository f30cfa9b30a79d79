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

/** A collector for steadier memory figures; `npm run bench` cannot pass --expose-gc to tsx. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => void gc() : () => undefined;
}

export const engineBench: BenchSection = {
  name: 'engine',
  description: 'evaluate() on synthetic SAFe sites (audited project: ART)',
  run() {
    const gc = collector();
    console.log(
      [
        'issues',
        'in scope',
        'findings',
        'median ms',
        'best ms',
        'cpu ms',
        'issues/s',
        'heap before',
        'heap after',
        'peak RSS',
      ]
        .map((h) => h.padStart(11))
        .join(''),
    );
    for (const size of SIZES) {
      const site = syntheticSite(size);
      evaluate(site, DEFAULT_CONFIG, 'ART'); // warm-up: JIT and caches
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      let heapAfter = 0;
      const times: number[] = [];
      const cpu: number[] = [];
      const runs = size >= 100_000 ? 5 : 10;
      let findings = 0;
      let inScope = 0;
      for (let r = 0; r < runs; r++) {
        gc();
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const result = evaluate(site, DEFAULT_CONFIG, 'ART');
        const t1 = process.hrtime.bigint();
        const used = process.cpuUsage(c0);
        times.push(Number(t1 - t0) / 1e6);
        cpu.push((used.user + used.system) / 1000);
        // Sampled while the result is alive: what a caller holding the result pays.
        heapAfter = Math.max(heapAfter, process.memoryUsage().heapUsed);
        findings = result.findings.length;
        inScope = result.issueCount;
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? NaN;
      const best = times[0] ?? NaN;
      const peakRss = process.resourceUsage().maxRSS * 1024;
      console.log(
        [
          size.toLocaleString('en-US'),
          inScope.toLocaleString('en-US'),
          findings.toLocaleString('en-US'),
          median.toFixed(1),
          best.toFixed(1),
          (cpu[Math.floor(cpu.length / 2)] ?? NaN).toFixed(1),
          Math.round(size / (median / 1000)).toLocaleString('en-US'),
          mib(heapBefore),
          mib(heapAfter),
          mib(peakRss),
        ]
          .map((c) => c.padStart(11))
          .join(''),
      );
    }
    console.log(
      'ms = wall time per evaluate() (median and best of the runs); cpu ms = median CPU time of the process,\n' +
        'GC helper threads included; issues/s from the median; heap before = site data loaded;\n' +
        'heap after = highest sample with the result alive; peak RSS = process maximum so far',
    );
  },
};
