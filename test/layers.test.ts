/**
 * The import graph of src/, read with the TypeScript compiler's parser: no module may reach itself
 * through its imports (type-only imports included: a cycle of types is still two modules that
 * cannot be understood apart), and a layer imports only itself and the layers below it. ESLint's
 * `no-restricted-imports` (eslint.config.mjs) says the same about layers file by file; only a
 * graph can see a cycle.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve(__dirname, '../src');

/** Lowest first, as in eslint.config.mjs; the adapters (snapshot files, emulator, CLI, local host) sit on top. */
const LAYERS = ['domain', 'shared', 'jira', 'storage', 'platform', 'scale', 'services', 'resolvers', 'entry'];
const ADAPTERS = ['snapshot', 'emulator', 'cli', 'localhost'];

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative module specifiers of a file: imports, re-exports and `import()` calls. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out.filter((s) => s.startsWith('.'));
}

function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile() && /\.tsx?$/.test(candidate),
  );
}

/** src/ as a graph: module (path relative to src) -> the src modules it imports. */
function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const targets = specifiers(file)
      .map((s) => resolveModule(file, s))
      .filter((t): t is string => t !== undefined && t.startsWith(SRC));
    graph.set(
      relative(SRC, file),
      targets.map((t) => relative(SRC, t)),
    );
  }
  return graph;
}

/** Every group of modules that reach each other (Tarjan's strongly connected components). */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

/** The rank of a module's folder: its layer, adapters above every layer, root files unranked. */
function rank(module: string): number | undefined {
  const folder = module.split('/')[0]!;
  const layer = LAYERS.indexOf(folder);
  if (layer >= 0) return layer;
  return ADAPTERS.includes(folder) ? LAYERS.length : undefined;
}

/** Imports from a layer to a higher one (or to an adapter), as `from -> to`. */
function upwardImports(graph: Graph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const own = rank(from);
    if (own === undefined || own === LAYERS.length) continue;
    for (const to of targets) {
      const theirs = rank(to);
      if (theirs !== undefined && theirs > own) out.push(`${from} -> ${to}`);
    }
  }
  return out;
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('reads the modules and their imports', () => {
    // A parser that saw nothing would pass everything below.
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('entry/resolver.ts')).toContain('resolvers/index.ts');
    expect(graph.get('scale/scan-job.ts')).toContain('scale/scan-checkpoint.ts');
  });

  it('has no cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('imports one way: a layer only from itself and the layers below it', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one', () => {
    const bad: Graph = new Map([
      ['scale/a.ts', ['scale/b.ts', 'domain/x.ts']],
      ['scale/b.ts', ['scale/c.ts']],
      ['scale/c.ts', ['scale/a.ts', 'services/s.ts']],
      ['domain/x.ts', []],
      ['services/s.ts', ['scale/a.ts']],
    ]);
    expect(cycles(bad)).toEqual([['scale/a.ts', 'scale/b.ts', 'scale/c.ts', 'services/s.ts']]);
    expect(upwardImports(bad)).toEqual(['scale/c.ts -> services/s.ts']);
    expect(cycles(new Map([['domain/x.ts', ['domain/x.ts']]]))).toEqual([['domain/x.ts']]);
  });
});
