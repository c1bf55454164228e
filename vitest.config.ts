import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * What every runtime runs: all of test/, except the Node-only `*.node.test.ts` files where the runtime
 * is not Node (docs/runtimes.md). This config is Node's; vitest.browser.config.ts reuses it.
 */
export const nodeOnlyTests = 'test/**/*.node.test.ts';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name; tests run them against src/, so `npm test` needs no build.
    alias: [
      { find: /^weakkit$/, replacement: `${src}index.ts` },
      { find: /^weakkit\/(cache|signal|identity|testing)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not threads: worker threads refuse --expose-gc (ERR_WORKER_INVALID_EXEC_ARGV).
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
  },
});
