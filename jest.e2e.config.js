/** Browser end-to-end tests over the local host (Debian chromium via playwright-core). */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
  // One browser and one host at a time: the machine is small and the tests share the UI build.
  maxWorkers: 1,
};
