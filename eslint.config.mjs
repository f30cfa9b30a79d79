import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import i18next from 'eslint-plugin-i18next';

/**
 * The layers, lowest first. A module may import its own layer and the layers before it, never one
 * after it. `shared` (the contract between backend and UI) sits on the pure domain; `platform` is
 * the I/O seams (AppDeps) that the stored trees (`scale`) and the use cases receive; the adapters
 * that stand in for Jira and Forge (snapshot files, emulator, CLI, local host) sit on top and must
 * never be reached from the app that Forge bundles.
 */
const LAYERS = ['domain', 'shared', 'jira', 'storage', 'platform', 'scale', 'services', 'resolvers', 'entry'];
const ADAPTERS = ['snapshot', 'emulator', 'cli', 'localhost'];

/** Matches a relative import of `src/<folder>` from a file one or more folders below src. */
const folderImport = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const nodeAndForge = [
  { regex: '^node:', message: 'Pure layer: no Node built-ins (pass I/O in as a parameter).' },
  { regex: '^@forge/', message: 'Pure layer: no Forge SDK (pass I/O in as a parameter).' },
];

/** One config block per layer: everything above it (and the adapters) is off limits. */
const layerBlocks = LAYERS.map((layer, index) => {
  const above = [...LAYERS.slice(index + 1), ...ADAPTERS];
  const patterns = [
    {
      regex: folderImport(above),
      message: `src/${layer} may not import a higher layer (${above.join(', ')}): layers import one way, ${LAYERS.join(' < ')} < adapters.`,
    },
  ];
  if (layer === 'domain' || layer === 'shared') patterns.push(...nodeAndForge);
  return {
    files: [`src/${layer}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'static/build/**',
      'coverage/**',
      'tools/**',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Three programs (Node, browser, DOM tests): see the comment at the top of each tsconfig.
        project: ['./tsconfig.json', './tsconfig.browser.json', './tsconfig.dom-tests.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // Noisy in strictTypeChecked and catching no defect here: numbers and booleans in messages are
      // meant; `!` after a lookup we just checked; `() => void expr` shorthands in handlers.
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Our dynamic deletes are on plain records used as dictionaries (keyed by issue or project),
      // where removing an entry is the intent; the rule targets class-shaped objects.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  ...layerBlocks,
  {
    // The Custom UI bundles these layers. zod's `z` (and default) export is one object holding all
    // of zod, so a bundler keeps every schema kind (~90 KB gzipped); through `import * as z` it
    // keeps only what is used (~25 KB). `npm run bench -- --only bundles` measures it.
    files: ['src/domain/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > :matches(ImportDefaultSpecifier, ImportSpecifier[imported.name='z'][importKind!='type'])",
          message:
            "Write `import * as z from 'zod'`: the `z` export cannot be tree-shaken in the UI bundles.",
        },
      ],
    },
  },
  {
    files: ['static/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^useResult$' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+src/(?!(shared|domain)(/|$))`,
              message: 'The Custom UI may import only src/shared and src/domain from the backend.',
            },
            { regex: '^node:', message: 'The Custom UI runs in a browser: no Node built-ins.' },
            { regex: '^@forge/(api|kvs|events|resolver)', message: 'Backend SDK in the browser bundle.' },
          ],
        },
      ],
    },
  },
  {
    // Every word a person reads in the UI comes from locales/en-US.json through static/src/i18n.ts:
    // text in JSX, and the attributes people read (labels, titles, placeholders), may not be
    // literals. Values typed as string unions (appearance="primary") pass through the type checker.
    files: ['static/src/**/*.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'jsx-attributes': {
            // Any prop named like a label or title (keyLabel, errorTitle…) is read by people too.
            include: [
              '^aria-label$',
              '^aria-description$',
              '[lL]abel$',
              '[tT]itle$',
              '^placeholder$',
              '^alt$',
            ],
          },
          callees: { exclude: ['^t$', '^tp$', '^tx$'] },
        },
      ],
    },
  },
  {
    // Plain CommonJS run by node itself (bin/popm.cjs and its bundle builder): no TypeScript program.
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
