// Jest as the runner of the benches that need the test harness (bench/*.bench.ts): TypeScript,
// @brain/* and test/support as the tests see them. Figures only; nothing is asserted.
const base = require('../jest.config');

module.exports = {
  ...base,
  rootDir: require('node:path').join(__dirname, '..'),
  roots: ['<rootDir>/bench'],
  testMatch: ['<rootDir>/bench/**/*.bench.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 1_800_000,
  maxWorkers: 1,
};
