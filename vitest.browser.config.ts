import { playwright } from '@vitest/browser-playwright';
import { defineConfig, mergeConfig } from 'vitest/config';
import node, { nodeOnlyTests } from './vitest.config.js';

// The same test files in headless Chromium, with `gc` exposed so collectGarbage() forces real collections.
// Playwright drives the system's Chromium (Debian's `chromium` package): it cannot download its own here.
export default mergeConfig(
  node,
  defineConfig({
    test: {
      exclude: [nodeOnlyTests],
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        instances: [{ browser: 'chromium' }],
        provider: playwright({
          launchOptions: {
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            args: [
              '--js-flags=--expose-gc',
              '--no-sandbox', // CI runs as root
              '--disable-gpu',
              '--disable-quic',
              '--no-first-run',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
            ],
          },
        }),
      },
    },
  }),
);
