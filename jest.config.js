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
};
