// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The apps: each is used by others only through its src/index.ts. */
const APPS = ['api', 'cli', 'dashboard', 'worker'];
/** The domain libraries: tasks on the engine, no app layer. */
const DOMAINS = ['agents', 'maintenance', 'missions', 'system'];

/**
 * An import of `apps`' insides (anything under their src/ but the index), by relative path.
 * @param {string[]} apps
 * @param {string} message
 */
const appInsides = (apps, message) => ({
  regex: `^(\\.\\./)+(apps/)?(${apps.join('|')})/src/.+`,
  message,
});
/** Any import of an app, by relative path. */
const ANY_APP = {
  regex: `^(\\.\\./)+apps/`,
  message: 'Libraries never import apps: move what both need into a library.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'bin/**', 'eslint.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The monitoring UI's page: plain ES modules run by the browser, not type-checked.
    files: ['apps/dashboard/src/web/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'addEventListener',
          'removeEventListener',
          'confirm',
          'console',
          'document',
          'EventSource',
          'fetch',
          'location',
          'setTimeout',
          'clearTimeout',
          'URLSearchParams',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  // Boundaries (issue 13). One `no-restricted-imports` per file set: a later config object would
  // replace, not add to, an earlier one's options for the same file.
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appInsides(
              APPS.filter((other) => other !== app),
              'Another app is used through its src/index.ts only; shared code goes in a library.',
            ),
          ],
        },
      ],
    },
  })),
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [appInsides(APPS, 'Tests use an app through its src/index.ts only.')] },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/tasks/**', ...DOMAINS.map((lib) => `libs/${lib}/**`)],
    rules: { 'no-restricted-imports': ['error', { patterns: [ANY_APP] }] },
  },
  {
    files: ['libs/tasks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ANY_APP,
            {
              group: ['@brain/*'],
              message: 'The engine (libs/tasks) imports no other library: it knows no domain.',
            },
          ],
        },
      ],
    },
  },
  {
    files: DOMAINS.map((lib) => `libs/${lib}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ANY_APP,
            {
              group: ['@brain/runtime', '@brain/http', '@brain/contracts'],
              message: 'Domain libraries build on the engine, not on the app layer above them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
