/**
 * `npm run bench [-- --only NAME]`: runs every registered section in order. To add a section,
 * write `bench/NAME.ts` exporting a `BenchSection` and append it to `SECTIONS` below.
 */
import { actionsBench } from './actions';
import { cliBench } from './cli';
import { digestBench } from './digest';
import { bundlesBench } from './bundles';
import { bundledBench } from './bundled';
import { engineBench } from './engine';
import { projectPageBench } from './project-page';
import { scanBench } from './scan';
import { syncBench } from './sync';
import type { BenchSection } from './section';

const SECTIONS: BenchSection[] = [
  engineBench,
  scanBench,
  syncBench,
  actionsBench,
  bundledBench,
  digestBench,
  cliBench,
  bundlesBench,
  projectPageBench,
];

function parseArgs(argv: string[]): { only: string | undefined } {
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') only = argv[++i];
    else if (arg?.startsWith('--only=')) only = arg.slice('--only='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log(
        `usage: npm run bench [-- --only NAME]\nsections: ${SECTIONS.map((s) => s.name).join(', ')}`,
      );
      process.exit(0);
    } else {
      console.error(`unknown argument: ${arg ?? ''}`);
      process.exit(2);
    }
  }
  return { only };
}

async function main(): Promise<void> {
  const { only } = parseArgs(process.argv.slice(2));
  const chosen = only === undefined ? SECTIONS : SECTIONS.filter((s) => s.name === only);
  if (chosen.length === 0) {
    console.error(`no bench section named "${only ?? ''}"; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const section of chosen) {
    console.log(`\n== ${section.name}: ${section.description}`);
    await section.run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
