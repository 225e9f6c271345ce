/**
 * `npm run lint`: typescript-eslint's strict type-checked rules on the TypeScript sources and
 * tests, import order by simple-import-sort, and Prettier (line length, quotes, commas) checked
 * as a rule so one command says everything. `npm run lint -- --fix` applies the mechanical fixes.
 */
import js from '@eslint/js';
import prettier from 'eslint-plugin-prettier/recommended';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tmp/', 'test-results/', 'testcases/contracts/artifacts/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Template literals with numbers and bigints are how messages are written here.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // `void promise` marks a deliberate fire-and-forget (the rule's own escape).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // With noUncheckedIndexedAccess, `list[i]!` after a bounds check is how an index is
      // asserted here: the assertion is the reviewed statement, the rule would only hide it.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Off: TypeScript keeps a field's narrowing across an await (a stop flag, a phase, an
      // abort signal that changed meanwhile) and trusts lib types that lie at run time
      // (JSON.stringify(undefined), a user module's exports); those checks are deliberate.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `return void this.int(v)` ends a switch branch with a call: the void says so.
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      // `() => resolve()` and `(x) => void promise` shorthands are deliberate.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  {
    // Tests stand test doubles in for classes (an object literal for a JsonRpcClient) and
    // match with expect.any(...), which is typed any: those rules would only add casts.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/require-await': 'off',
      // A key interpolated into a message is what the redaction tests check; a typed
      // python<T>() is how a test reads another program's JSON; handlers answer with
      // `return reply(...)`; a CSV parser appends characters.
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
    },
  },
  {
    // A test case's setup is async by contract: one that needs nothing still returns a promise.
    files: ['testcases/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: { 'simple-import-sort/imports': 'error', 'simple-import-sort/exports': 'error' },
  },
  prettier,
);
