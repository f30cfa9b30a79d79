import { JastBuilder } from '@atlaskit/jql-ast';
import fc from 'fast-check';
import {
  assertIssueKey,
  jqlKeysIn,
  jqlParentIn,
  jqlProjectIssues,
  jqlString,
  JqlError,
} from '../../src/jira/jql';
import { apiPath, isSafeApiPath } from '../../src/jira/paths';

function parse(jql: string) {
  const ast = new JastBuilder().build(jql);
  expect(ast.errors).toEqual([]);
  return ast.query;
}

describe('jql', () => {
  it('builds the project, key and parent queries with quoted keys', () => {
    expect(jqlProjectIssues('ART')).toBe('project = "ART"');
    expect(jqlKeysIn(['ART-1', 'TEAM_A-22'])).toBe('key in ("ART-1", "TEAM_A-22")');
    expect(jqlParentIn(['ART-1'], ['ART'])).toBe('parent in ("ART-1") AND project != "ART"');
    expect(jqlParentIn(['ART-1', 'ART-2'], ['ART', 'OPS'])).toBe(
      'parent in ("ART-1", "ART-2") AND project not in ("ART", "OPS")',
    );
    for (const q of [jqlProjectIssues('ART'), jqlKeysIn(['ART-1']), jqlParentIn(['ART-1', 'B-2'], ['ART'])]) {
      expect(parse(q)?.where).toBeDefined();
    }
  });

  it('refuses anything that is not a key', () => {
    expect(() => jqlProjectIssues('ART" OR project = "HR')).toThrow(JqlError);
    expect(() => jqlProjectIssues('art')).toThrow(/not a Jira project key/);
    expect(() => jqlKeysIn(['ART-1) OR (project = HR'])).toThrow(/not a Jira issue key/);
    expect(() => jqlParentIn([])).toThrow(/at least one key/);
    expect(() => assertIssueKey('ART-0')).toThrow(JqlError);
    expect(() => jqlParentIn(['ART-1'], ['x y'])).toThrow(JqlError);
  });

  it('escapes quotes and backslashes so a value stays one string literal', () => {
    expect(jqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    const evil = 'x" OR project = "HR" OR summary ~ "';
    const where = parse(`summary ~ ${jqlString(evil)}`)?.where;
    expect(where).toMatchObject({ clauseType: 'terminal', operand: { operandType: 'value', value: evil } });
  });

  it("keeps any printable string a single literal (property test against Atlassian's parser)", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), (s) => {
        const ast = new JastBuilder().build(`summary ~ ${jqlString(s)} AND project = "ART"`);
        expect(ast.errors).toEqual([]);
        const where = ast.query?.where;
        expect(where).toMatchObject({ clauseType: 'compound' });
        const clauses = (where as unknown as { clauses: { operand: { value: string } }[] }).clauses;
        expect(clauses).toHaveLength(2);
        expect(clauses[0]?.operand.value).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('apiPath', () => {
  it('encodes every segment and repeats array query values', () => {
    expect(apiPath(['issue', 'ART-1', 'properties', 'popm.acceptance'])).toBe(
      '/rest/api/3/issue/ART-1/properties/popm.acceptance',
    );
    expect(apiPath(['issue', '../../admin?x=1#y'])).toBe('/rest/api/3/issue/..%2F..%2Fadmin%3Fx%3D1%23y');
    expect(apiPath(['user', 'search'], { query: 'a b&c', maxResults: 5, x: undefined })).toBe(
      '/rest/api/3/user/search?query=a+b%26c&maxResults=5',
    );
    expect(apiPath(['user', 'bulk'], { accountId: ['a', 'b'] })).toBe(
      '/rest/api/3/user/bulk?accountId=a&accountId=b',
    );
  });

  it('refuses dot segments and empty segments', () => {
    expect(() => apiPath(['issue', '..'])).toThrow(/segment/);
    expect(() => apiPath(['issue', '.'])).toThrow(/segment/);
    expect(() => apiPath(['issue', ''])).toThrow(/segment/);
  });

  it('agrees with isSafeApiPath', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 4 }), (segments) => {
        if (segments.some((s) => s === '.' || s === '..')) return;
        expect(isSafeApiPath(apiPath(segments, { q: segments[0] }))).toBe(true);
      }),
    );
    expect(isSafeApiPath('/rest/api/3/issue/../../admin')).toBe(false);
    expect(isSafeApiPath('/rest/api/3/issue/%2e%2e/admin')).toBe(false);
    expect(isSafeApiPath('/wiki/rest/api/content')).toBe(false);
    expect(isSafeApiPath('/rest/api/3/issue/A-1#x')).toBe(false);
  });
});
