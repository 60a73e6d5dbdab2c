// ESLint's flat config: typescript-eslint's type-checked rules over the package, its tests and the sample; formatting
// is Prettier's (eslint-config-prettier turns off the rules it owns).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-sample/**', 'node_modules/**', '**/*.mjs', '**/*.cjs', '**/*.js', 'test/package/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['jest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` drops a field from a copy (`const { secret: _secret, ...rest } = value`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An abort rejects with the signal's reason, whatever the aborting side gave.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Event types are interfaces named for readers even when they add no field to their base.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Methods of async interfaces (`JobContext.log`) stay `async` where one implementation has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read untyped JSON from HTTP responses and child processes: `any` there, and the `no-unsafe-*` rules,
    // would ask for a cast on each field read, which would hide the very shape being asserted. Jest's
    // `expect(spy.method)` passes methods unbound on purpose.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The console reads JSON answers of the admin API (their shapes are the Swagger document's, checked by the admin
    // tests): typed at each page's use, not cast field by field.
    files: ['ui/**/*.ts', 'ui/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Event handlers may be async (each catches its own errors and shows them): a returned promise is ignored.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  prettier,
);
