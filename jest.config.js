// @ts-check
/**
 * Jest for the monorepo. Nest 12 and a few of its dependencies ship ESM only, which Jest's
 * CommonJS runtime cannot require() on Node 20: @swc/jest compiles them to CommonJS along with
 * our TypeScript.
 */

/** ESM-only packages in node_modules that must be compiled. */
const esmPackages = [
  '@nestjs',
  '@apidevtools',
  '@tokenizer',
  '@borewit',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
];

/** @param {'typescript' | 'ecmascript'} syntax */
const swc = (syntax) => [
  '@swc/jest',
  {
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      keepClassNames: true,
      parser:
        syntax === 'typescript'
          ? { syntax: 'typescript', decorators: true }
          : { syntax: 'ecmascript', importAttributes: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '<rootDir>/test/**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.ts$': swc('typescript'),
    '^.+\\.m?js$': swc('ecmascript'),
  },
  transformIgnorePatterns: [`/node_modules/(?!(?:${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    // Every libs/<name> as @brain/<name>, as in tsconfig.json (a library is used by its index).
    '^@brain/([a-z][a-z0-9-]*)$': '<rootDir>/libs/$1/src',
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Node's, killing what a test file left running when it ends.
  testEnvironment: '<rootDir>/test/setup/test-environment.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
