// ESLint flat config: ESLint's and typescript-eslint's recommended rules, tuned to this codebase.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's CommonJS globals, for the few plain .js files (jest config and its global setup/teardown). */
const commonJsGlobals = { require: 'readonly', module: 'writable', exports: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' };

export default defineConfig([
  globalIgnores(['node_modules/', 'dist/', 'dist-examples/', 'coverage/', 'spec/fixtures/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter or binding that is there on purpose and unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // `Function` is how TypeScript's own decorator signatures type a class; the registry keys metadata by it.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Python's str.split() and str.strip() treat \x1c-\x1f as whitespace; these helpers reproduce that on purpose.
    files: ['lib/util/python-text.ts', 'lib/util/normalize-text.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Specs read arbitrary JSON from requests and replies; `any` there is not a public type.
    files: ['spec/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Type tests declare values only to check their types with `typeof` and @ts-expect-error.
    files: ['spec/types/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: commonJsGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The library logs through pino; only inspectHistory prints, because printing is its job.
    files: ['lib/**/*.ts'],
    ignores: ['lib/lm/inspect-history.ts'],
    rules: { 'no-console': 'error' },
  },
]);
