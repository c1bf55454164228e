// Runs the leak-test example on its own: `npx vitest run --config examples/leak-test/vitest.config.ts`.
// Its files end in .example.ts so that the project's own test run (test/**/*.test.ts) skips them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.example.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
