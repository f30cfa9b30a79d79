/**
 * Every user-facing string of the UI comes from one message catalog, locales/en-US.json, in the
 * form of Forge's `translations` (manifest.yml): nested keys, string values. At start each surface
 * loads the catalog of the user's locale through Forge (ui/messages.ts), so a second language is a
 * catalog file and a manifest line, not a change of code. This module has no Forge import, so
 * tests can load a catalog straight from a file.
 *
 * Placeholders are `{name}`; a plural is an object of Intl.PluralRules categories
 * (`{ "one": "{count} story", "other": "{count} stories" }`) chosen by `count`.
 */
import { createElement, Fragment, type ReactElement, type ReactNode } from 'react';
import type English from '../../locales/en-US.json';

type Catalog = typeof English;
/** A plural entry: an object whose values are the forms by Intl.PluralRules category. */
type PluralEntry = { other: string };

type Paths<T, Leaf> = {
  [K in keyof T & string]: T[K] extends Leaf
    ? K
    : T[K] extends string | PluralEntry
      ? never
      : `${K}.${Paths<T[K], Leaf>}`;
}[keyof T & string];

/** A key of a plain message; a wrong key fails typecheck. */
export type MessageKey = Paths<Catalog, string>;
/** A key of a plural message (takes `count`). */
export type PluralKey = Paths<Catalog, PluralEntry>;

export type Vars = Record<string, string | number>;

/** Looks a dotted key up in the loaded catalogs; null when no catalog has it. */
export type Lookup = (key: string) => string | null;

let lookup: Lookup = () => null;
let plurals = new Intl.PluralRules('en-US');
let numbers = new Intl.NumberFormat('en-US');

/** Uses `find` for every message from now on, with plurals and numbers for `locale`. */
export function setCatalog(find: Lookup, locale: string | undefined): void {
  lookup = find;
  const tag = supported(locale);
  plurals = new Intl.PluralRules(tag);
  numbers = new Intl.NumberFormat(tag);
}

/** A lookup over plain catalog objects (nested keys), the first that has the key winning. */
export function catalogLookup(...catalogs: unknown[]): Lookup {
  return (key) => {
    for (const c of catalogs) {
      let v: unknown = c;
      for (const part of key.split('.')) {
        v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined;
      }
      if (typeof v === 'string') return v;
    }
    return null;
  };
}

function supported(locale: string | undefined): string {
  const tag = locale?.replace('_', '-');
  try {
    return tag && Intl.PluralRules.supportedLocalesOf([tag]).length > 0 ? tag : 'en-US';
  } catch {
    return 'en-US';
  }
}

const PLACEHOLDER = /\{(\w+)\}/g;

function fill(template: string, vars: Vars | undefined): string {
  if (!vars) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? numbers.format(v) : v;
  });
}

/** The raw text of a key; a missing key shows as itself so it is seen, never as blank. */
function raw(key: string): string {
  return lookup(key) ?? key;
}

/** The message `key` with its `{placeholders}` filled from `vars`. */
export function t(key: MessageKey, vars?: Vars): string {
  return fill(raw(key), vars);
}

/** The plural message `key` for `count` (also available as `{count}`, formatted for the locale). */
export function tp(key: PluralKey, count: number, vars?: Vars): string {
  const form = lookup(`${key}.${plurals.select(count)}`) ?? raw(`${key}.other`);
  return fill(form, { ...vars, count });
}

/**
 * The message `key` with elements in its placeholders, e.g. "Findings on {issue}" with a link
 * for `issue`: text and nodes in order, as one fragment (children by position need no keys).
 */
export function tx(key: MessageKey, nodes: Record<string, ReactNode>): ReactElement {
  const out: ReactNode[] = [];
  const template = raw(key);
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(name in nodes)) continue;
    if (m.index > last) out.push(template.slice(last, m.index));
    out.push(nodes[name]);
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return createElement(Fragment, null, ...out);
}

/**
 * A record whose values are messages, read when used (not when the module loads, which is before
 * the catalog): e.g. labels by level, looked up as `LEVEL_LABEL[level]` as before.
 */
export function messages<K extends string>(keys: Record<K, MessageKey>): Readonly<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const k of Object.keys(keys) as K[]) {
    Object.defineProperty(out, k, { enumerable: true, get: () => t(keys[k]) });
  }
  return out;
}
