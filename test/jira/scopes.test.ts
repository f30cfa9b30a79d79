/**
 * Scopes checked for real. Every Jira call goes through `assumeTrustedRoute`, which Forge's
 * permission linter cannot see into, so this test does its job: it finds every REST operation
 * the code can call by reading the code (each `apiPath([...])` call in src/ and the `method` of the
 * request it builds, with the TypeScript parser), maps each to its `x-atlassian-oauth2-scopes` in
 * platform-v3.json, and fails when manifest.yml holds none of the operation's scope sets in full
 * (Jira lists a classic set and a granular one; either is enough, as for Forge's own linter).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { findOperation, SPEC_PATH } from '../support/openapi';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

interface Call {
  method: string;
  /** `/rest/api/3/issue/{}/properties/{}`: literal segments as written, `{}` for values. */
  path: string;
  where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The `method: '...'` of the request object literal an `apiPath` call sits in. */
function methodOf(node: ts.Node): string | undefined {
  // A SourceFile's parent is undefined, whatever ts.Node's type says.
  for (let n = node.parent as ts.Node | undefined; n; n = n.parent as ts.Node | undefined) {
    if (!ts.isObjectLiteralExpression(n)) continue;
    for (const p of n.properties) {
      if (ts.isPropertyAssignment(p) && p.name.getText() === 'method' && ts.isStringLiteral(p.initializer))
        return p.initializer.text;
    }
  }
  return undefined;
}

/** Every Jira request the code can build, found by parsing src/. */
export function callsInCode(): { calls: Call[]; problems: string[] } {
  const calls: Call[] = [];
  const problems: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const at = (node: ts.Node) =>
      `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.getText(source) === 'apiPath') {
        const [segments] = node.arguments;
        const method = methodOf(node);
        if (!segments || !ts.isArrayLiteralExpression(segments)) {
          problems.push(`${at(node)}: apiPath without an array literal of segments`);
        } else if (!method) {
          problems.push(`${at(node)}: apiPath outside a request with a literal method`);
        } else {
          const path = segments.elements.map((e) => (ts.isStringLiteral(e) ? e.text : '{}')).join('/');
          calls.push({ method, path: `/rest/api/3/${path}`, where: at(node) });
        }
      }
      // A path written out by hand: counted when it is a request's literal `path`, otherwise it
      // could reach a transport unseen. The emulator serves these paths rather than calling them.
      if (
        (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) &&
        /\/rest\/api\//.test(node.text) &&
        !file.endsWith(join('jira', 'paths.ts')) &&
        !file.includes(`${join('src', 'emulator')}/`)
      ) {
        const method = methodOf(node);
        const isPath = ts.isPropertyAssignment(node.parent) && node.parent.name.getText(source) === 'path';
        if (isPath && method && ts.isStringLiteral(node))
          calls.push({ method, path: node.text, where: at(node) });
        else problems.push(`${at(node)}: a Jira REST path built outside src/jira/paths.ts`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { calls, problems };
}

interface ScopeSet {
  scopes: string[];
  state?: string;
}

const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as {
  paths: Record<string, Record<string, { 'x-atlassian-oauth2-scopes'?: ScopeSet[] }>>;
};

/** The operations whose scope sets `granted` does not cover, one line each. */
export function missingScopes(calls: readonly Call[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  const out = new Set<string>();
  for (const call of calls) {
    const op = findOperation(call.method, call.path.replace(/\{\}/g, 'P0'));
    const sets = spec.paths[op.template]?.[call.method.toLowerCase()]?.['x-atlassian-oauth2-scopes'] ?? [];
    if (sets.length === 0) {
      out.add(`${call.method} ${op.template}: the spec names no OAuth scopes for it`);
      continue;
    }
    if (!sets.some((set) => set.scopes.every((s) => have.has(s)))) {
      const options = sets.map((s) => s.scopes.join(' + ')).join('  or  ');
      out.add(`${call.method} ${op.template} (${call.where}) needs ${options}`);
    }
  }
  return [...out];
}

const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as {
  permissions?: { scopes?: string[] };
};
const manifestScopes = manifest.permissions?.scopes ?? [];

describe('OAuth scopes of every Jira call the code can make', () => {
  const { calls, problems } = callsInCode();

  it('finds every request builder, all through apiPath', () => {
    expect(problems).toEqual([]);
    const operations = new Set(calls.map((c) => `${c.method} ${c.path}`));
    // A floor that a broken parser would not reach: the operations src/jira/api.ts documents.
    for (const known of [
      'POST /rest/api/3/search/jql',
      'POST /rest/api/3/issue/bulkfetch',
      'PUT /rest/api/3/issue/{}/properties/{}',
      'DELETE /rest/api/3/issue/{}/properties/{}',
      'POST /rest/api/3/issue/properties/multi',
      'GET /rest/api/3/user/bulk',
      'PUT /rest/api/3/issue/{}',
    ])
      expect(operations).toContain(known);
    expect(operations.size).toBeGreaterThanOrEqual(16);
  });

  it('manifest.yml grants a full scope set of each one', () => {
    expect(missingScopes(calls, manifestScopes)).toEqual([]);
  });

  it('notices a scope the code needs going missing', () => {
    const without = manifestScopes.filter((s) => s !== 'write:issue.property:jira');
    const missing = missingScopes(calls, without);
    expect(
      missing.some((m) => m.startsWith('PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}')),
    ).toBe(true);
    expect(missing.some((m) => m.startsWith('POST /rest/api/3/issue/properties/multi'))).toBe(true);
  });
});
