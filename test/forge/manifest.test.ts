import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { RESOLVER_NAMES } from '../../src/shared/contract';
import * as entries from '../../src/index';
import { resolvers } from '../../src/resolvers';
import { harness } from './support';

const root = resolve(__dirname, '../..');
const manifest = parse(readFileSync(resolve(root, 'manifest.yml'), 'utf8'));
const schema = JSON.parse(
  readFileSync(resolve(root, 'node_modules/@forge/manifest/out/schema/manifest-schema.json'), 'utf8'),
);

describe('manifest.yml', () => {
  it('is valid against @forge/manifest’s JSON schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('points every function handler at an export of src/index.ts', () => {
    for (const fn of manifest.modules.function as { key: string; handler: string }[]) {
      const [file, name] = fn.handler.split('.');
      expect(file).toBe('index');
      expect(typeof (entries as Record<string, unknown>)[name!]).toBe('function');
    }
  });

  it('serves every Custom UI surface from static/build/<surface>', () => {
    const paths = Object.fromEntries(
      (manifest.resources as { key: string; path: string }[]).map((r) => [r.key, r.path]),
    );
    for (const surface of [
      'issue-panel',
      'issue-context',
      'project-page',
      'gadget',
      'admin',
      'project-settings',
    ]) {
      expect(paths[surface]).toBe(`static/build/${surface}`);
    }
  });

  it('indexes the acceptance and findings properties with readable aliases', () => {
    const props = manifest.modules['jira:entityProperty'] as {
      propertyKey: string;
      values: { searchAlias: string }[];
    }[];
    expect(props.map((p) => p.propertyKey).sort()).toEqual(['popm.acceptance', 'popm.findings']);
    expect(props.flatMap((p) => p.values.map((v) => v.searchAlias))).toEqual(
      expect.arrayContaining([
        'popmAcceptedBy',
        'popmAcceptedAt',
        'popmRule',
        'popmSeverity',
        'popmAcceptanceValid',
      ]),
    );
  });

  it('runs on nodejs22.x with no classic write:jira-work scope', () => {
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
    expect(manifest.permissions.scopes).not.toContain('write:jira-work');
    expect(manifest.permissions.scopes).toContain('storage:app');
  });

  it('answers every contract resolver through @forge/resolver, and the handler table is the contract', async () => {
    const h = harness();
    // A name the inner @forge/resolver lacks throws "Resolver has no definition"; one the name
    // check does not know answers BAD_REQUEST "there is no resolver named ...".
    for (const name of RESOLVER_NAMES) {
      const answer: unknown = await h.call(name, {});
      expect(JSON.stringify(answer)).not.toMatch(/there is no resolver named/);
    }
    expect(Object.keys(resolvers).sort()).toEqual([...RESOLVER_NAMES].sort());
  });
});
