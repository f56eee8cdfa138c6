import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'completions/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // Node's deprecated punycode module and url.parse(): the CLI silences their warnings for the
  // dependencies bundled with it (src/cli/bundled-deprecations.ts), so our own code must not use them.
  {
    files: ['src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...['punycode', 'node:punycode'].map((name) => ({ name, message: 'deprecated (DEP0040)' })),
            ...['url', 'node:url'].map((name) => ({
              name,
              importNames: ['parse'],
              message: 'url.parse() is deprecated (DEP0169): use new URL()',
            })),
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'url', property: 'parse', message: 'url.parse() is deprecated (DEP0169): use new URL()' },
      ],
    },
  },
  // The CLI's launcher is CommonJS (bin/package.json): a CommonJS entry spares Node 20 setting up
  // its ES module loader on every command.
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The web UI runs in the browser.
  { files: ['ui/src/**'], languageOptions: { globals: { ...globals.browser } } },
);
