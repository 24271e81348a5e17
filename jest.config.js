// Native ESM mode: some dependencies (e.g. @marcbachmann/cel-js) are ESM-only, and our
// sources use import.meta.url to find bundled assets.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // dist/ holds the packed release (pnpm pack:release); its package.json is also named podsec.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  maxWorkers: 2,
  testTimeout: 60000,
};
