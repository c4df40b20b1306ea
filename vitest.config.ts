// One test run for the whole workspace: a single embedded Postgres and mock Kafka shared by all files.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['libs/*/test/**/*.spec.ts', 'services/*/src/**/*.spec.ts', 'services/*/test/**/*.spec.ts', 'deploy/*/test/**/*.spec.ts', 'test/**/*.spec.ts'],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A page or a read model catching up through several services takes seconds on a busy 2-core machine,
    // not vitest's 1 s default; a test that names its own timeout keeps it.
    expect: { poll: { timeout: 10_000 } },
  },
});
