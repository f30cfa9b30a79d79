/**
 * The build's guard that keeps zod out of the surfaces that build no schema (scripts/build-ui.ts):
 * bundles a few lines the way a surface would and checks what the guard sees.
 */
import { build, type Metafile } from 'esbuild';
import { resolve } from 'node:path';
import { zodChain } from '../../scripts/build-ui';

const ROOT = resolve(__dirname, '..', '..');
/** How the metafile names the bundled lines. */
const PROBE = 'static/src/probe.ts';

async function metafileOf(contents: string): Promise<Metafile> {
  const result = await build({
    stdin: { contents, resolveDir: resolve(ROOT, 'static', 'src'), sourcefile: 'probe.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  return result.metafile;
}

describe('zodChain', () => {
  it('names the import chain when a value from the contract brings zod in', async () => {
    const meta = await metafileOf(
      "import { ERROR_CODES } from '../../src/shared/contract';\nconsole.log(ERROR_CODES);",
    );
    expect(zodChain(meta, PROBE)).toBe(
      'static/src/probe.ts > src/shared/contract.ts > node_modules/zod/index.js',
    );
  });

  it('finds nothing when the UI takes only types from the contract and limits from limits.ts', async () => {
    const meta = await metafileOf(
      [
        "import type { IssueView } from '../../src/shared/contract';",
        "import { MAX_BULK_ACCEPT } from '../../src/shared/limits';",
        'const v: IssueView | null = null;',
        'console.log(v, MAX_BULK_ACCEPT);',
      ].join('\n'),
    );
    expect(zodChain(meta, PROBE)).toBeNull();
  });

  it('ends on import cycles and reports the shortest chain', () => {
    const imports = (...paths: string[]) =>
      paths.map((path) => ({ path, kind: 'import-statement' as const }));
    const meta: Metafile = {
      outputs: {},
      inputs: {
        'a.ts': { bytes: 1, imports: imports('b.ts', 'c.ts') },
        'b.ts': { bytes: 1, imports: imports('a.ts', 'd.ts') },
        'c.ts': { bytes: 1, imports: imports('node_modules/zod/index.js') },
        'd.ts': { bytes: 1, imports: imports('b.ts') },
      },
    };
    expect(zodChain(meta, 'a.ts')).toBe('a.ts > c.ts > node_modules/zod/index.js');
    meta.inputs['c.ts'] = { bytes: 1, imports: imports('a.ts') };
    expect(zodChain(meta, 'a.ts')).toBeNull();
  });
});
