/**
 * The message catalog: every key the UI names exists in English, every English key is named by the
 * UI, and a second language is only a file (and a manifest line): it loads through Forge's own
 * i18n code from what the local host serves, with English filling any key it lacks.
 */
import './forge-bridge-global';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import English from '../../locales/en-US.json';
import { catalogLookup, setCatalog, t, tp, tx } from '../../static/src/i18n';
import { loadMessages } from '../../static/src/ui/messages';
import { localesFile, manifestTranslations } from '../../src/localhost/translations';
import { loadEnglish } from './english';

const ROOT = join(__dirname, '..', '..');
const PLURAL_FORMS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

type Tree = { [k: string]: string | Tree };

const isPlural = (v: Tree): boolean => Object.keys(v).every((k) => PLURAL_FORMS.has(k)) && 'other' in v;

/** Every message key: a path to a string, or to a plural entry (one key for all its forms). */
function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' || isPlural(v) ? [prefix + k] : keysOf(v, `${prefix}${k}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

const ui = sources(join(ROOT, 'static', 'src')).map((file) => ({
  file,
  text: readFileSync(file, 'utf8'),
}));
const englishKeys = keysOf(English);

/** Each string literal an i18n call (t, tp, tx, messages) names, with the file naming it. */
function keysNamed(): { key: string; file: string }[] {
  const out: { key: string; file: string }[] = [];
  for (const { file, text } of ui) {
    for (const call of text.matchAll(/\b(?:t|tp|tx|messages)\(([^;]*?)\)/gs)) {
      for (const lit of (call[1] ?? '').matchAll(/'([a-zA-Z]+(?:\.[\w-]+)+)'/g)) {
        out.push({ key: lit[1] ?? '', file });
      }
    }
  }
  return out;
}

describe('the message catalog', () => {
  it('has every key the UI names', () => {
    const named = keysNamed();
    // The scan finds the calls at all (a regex that matched nothing would pass vacuously).
    expect(named.length).toBeGreaterThan(200);
    const known = new Set(englishKeys);
    const missing = named.filter((n) => !known.has(n.key)).map((n) => `${n.key} (${n.file})`);
    expect(missing).toEqual([]);
  });

  it('has no key the UI never names', () => {
    const all = ui.map((u) => u.text).join('\n');
    const unused = englishKeys.filter((k) => !all.includes(`'${k}'`));
    expect(unused).toEqual([]);
  });

  it('gives every plural an "other" form (what tp falls back to)', () => {
    const lacking: string[] = [];
    const walk = (tree: Tree, prefix: string) => {
      for (const [k, v] of Object.entries(tree)) {
        if (typeof v === 'string') continue;
        const forms = Object.keys(v);
        if (forms.every((f) => PLURAL_FORMS.has(f)) && !forms.includes('other')) lacking.push(prefix + k);
        walk(v, `${prefix}${k}.`);
      }
    };
    walk(English, '');
    expect(lacking).toEqual([]);
  });
});

describe('t, tp and tx', () => {
  beforeAll(loadEnglish);

  it('fill placeholders, format numbers for the locale and choose plural forms', () => {
    expect(t('issuePanel.loading', { issue: 'ART-1' })).toBe('Loading ownership of ART-1');
    expect(tp('admin.errorTitle', 1)).toBe('1 setting needs fixing');
    expect(tp('admin.errorTitle', 1200)).toBe('1,200 settings need fixing');
    expect(tp('age.minutes', 5)).toBe('5 minutes ago');
  });

  it('shows a missing key as itself rather than as nothing', () => {
    setCatalog(catalogLookup({}), 'en-US');
    expect(t('issuePanel.ownership')).toBe('issuePanel.ownership');
    loadEnglish();
  });

  it('puts elements into placeholders in order', () => {
    const el = tx('issuePanel.recordedBy', { who: 'Pat', when: 'WHEN' });
    expect((el.props as { children: unknown[] }).children).toEqual(['Recorded by ', 'Pat', ' on ', 'WHEN']);
  });
});

describe('a second language', () => {
  /** A pseudo-translation: every message marked, placeholders kept (what a translator hands back). */
  function pseudo(tree: Tree, drop: string): Tree {
    const out: Tree = {};
    for (const [k, v] of Object.entries(tree)) {
      if (k === drop) continue;
      out[k] = typeof v === 'string' ? `[de] ${v}` : pseudo(v, drop);
    }
    return out;
  }

  const realFetch = globalThis.fetch;
  afterAll(() => {
    globalThis.fetch = realFetch;
    loadEnglish();
  });

  it('is a catalog file and a manifest line: Forge loads it, and English fills what it lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'popm-i18n-'));
    // German without one key, so the fallback to English shows.
    writeFileSync(join(dir, 'de-DE.json'), JSON.stringify(pseudo(English, 'ownership')));
    writeFileSync(join(dir, 'en-US.json'), readFileSync(join(ROOT, 'locales', 'en-US.json')));
    const manifestPath = join(dir, 'manifest.yml');
    writeFileSync(
      manifestPath,
      stringify({
        translations: {
          resources: [
            { key: 'en-US', path: 'en-US.json' },
            { key: 'de-DE', path: 'de-DE.json' },
          ],
          fallback: { default: 'en-US' },
        },
      }),
    );
    const translations = manifestTranslations(manifestPath);
    const fetched: string[] = [];
    // What the local host answers for `./__LOCALES__/<file>` (src/localhost/server.ts).
    globalThis.fetch = (async (url: string) => {
      fetched.push(url);
      const file = url.replace('./__LOCALES__/', '');
      const body = await localesFile(translations, manifestPath, file);
      return body === null
        ? new Response('no such file', { status: 404 })
        : new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;

    await loadMessages('de_DE');

    expect(fetched).toContain('./__LOCALES__/i18n-info.json');
    expect(fetched).toContain('./__LOCALES__/de-DE.json');
    expect(t('issuePanel.loading', { issue: 'ART-1' })).toBe('[de] Loading ownership of ART-1');
    expect(tp('admin.errorTitle', 2)).toBe('[de] 2 settings need fixing');
    // de-DE formats numbers its own way.
    expect(tp('admin.errorTitle', 1200)).toBe('[de] 1.200 settings need fixing');
    // The German file lacks issuePanel.ownership: English answers.
    expect(t('issuePanel.ownership')).toBe('Ownership');
  });

  it('the app manifest declares en-US, the fallback, at locales/en-US.json', () => {
    const tr = manifestTranslations(join(ROOT, 'manifest.yml'));
    expect(tr?.resources).toContainEqual({ key: 'en-US', path: 'locales/en-US.json' });
    expect(tr?.fallback.default).toBe('en-US');
  });
});
