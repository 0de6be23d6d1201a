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
/** A library's insides: every library is used through its index (`@brain/<name>`). */
const LIB_INSIDES = {
  group: ['@brain/*/**'],
  message: 'A library is used through its index (@brain/<name>) only.',
};
/** Any import of an app, by relative path. */
const ANY_APP = {
  regex: `^(\\.\\./)+apps/`,
  message: 'Libraries never import apps: move what both need into a library.',
};
/** A BullMQ queue key suffix: at the end of a string, or quoted inside one (Lua). */
const BULL_KEY =
  "/:(lock|active|wait|paused|prioritized|delayed|completed|failed|events|marker|meta|stalled|stalled-check|limiter|waiting-children|repeat|de|pc)($|')/";
/** Short names of BullMQ's job hash fields. */
const BULL_FIELD = '/^(ats|atm|pb|stc|rjk|nrjid|deid|defa)$/';

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
            LIB_INSIDES,
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
        {
          patterns: [
            appInsides(APPS, 'Tests use an app through its src/index.ts only.'),
            LIB_INSIDES,
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/tasks/**', ...DOMAINS.map((lib) => `libs/${lib}/**`)],
    rules: { 'no-restricted-imports': ['error', { patterns: [ANY_APP, LIB_INSIDES] }] },
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
              group: ['@brain/*', '@brain/*/**'],
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
            LIB_INSIDES,
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
  {
    // BullMQ's private Redis layout (key names, job hash fields, Lua on its keys) and protected
    // members are known in one folder only: libs/tasks/src/bullmq. A BullMQ upgrade or a hash-tag
    // change is that folder's job, and its contract spec pins it to the installed version.
    files: ['**/*.ts'],
    ignores: ['libs/tasks/src/bullmq/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          ['ImportDeclaration[source.value=/^bullmq\\/./]', 'BullMQ internals (bullmq/...)'],
          [
            "CallExpression[callee.name='require'][arguments.0.value=/^bullmq\\/./]",
            'BullMQ internals (bullmq/...)',
          ],
          [
            "MemberExpression[property.name='keys'][object.type!='ThisExpression']:not(CallExpression > MemberExpression.callee)",
            "a queue's BullMQ key names (queue.keys)",
          ],
          [
            'MemberExpression[property.name=/^(toKey|qualifiedName|queueQualifiedName|nextJobFromJobData)$/]',
            'BullMQ key names or protected members',
          ],
          [`Literal[value=${BULL_KEY}]`, 'a BullMQ key name'],
          [`TemplateElement[value.raw=${BULL_KEY}]`, 'a BullMQ key name'],
          [`Literal[value=${BULL_FIELD}]`, 'a BullMQ job hash field'],
        ].map(([selector, what]) => ({
          selector,
          message: `${what} outside libs/tasks/src/bullmq: use the adapter there (bullQueueKeys, JOB_FIELDS, ...).`,
        })),
      ],
    },
  },
);
