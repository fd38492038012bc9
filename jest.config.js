/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  testTimeout: 30000,
  setupFilesAfterEnv: ['<rootDir>/spec/setup.ts'],
  globalSetup: '<rootDir>/spec/global-setup.js',
  globalTeardown: '<rootDir>/spec/global-teardown.js',
  // ts-jest must also transform the ESM-only p-queue (and its deps) that Jest cannot require.
  transform: { '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
  transformIgnorePatterns: ['/node_modules/(?!(p-queue|p-timeout|eventemitter3)/)'],
  moduleNameMapper: { '^dspex$': '<rootDir>/lib/index.ts' },
  // `npm run coverage`: thresholds are the level measured when they were set (lines 95.48 %, branches 82.91 %), rounded down.
  collectCoverageFrom: ['lib/**'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: { global: { lines: 95, branches: 82 } },
};
