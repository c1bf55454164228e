import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not threads: worker threads refuse --expose-gc (ERR_WORKER_INVALID_EXEC_ARGV).
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
  },
});
