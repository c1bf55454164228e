import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('weakkit/testing imports without loading any Node built-in, as a browser needs', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const output = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      fixture('testing-forbid-builtins.mjs'),
      fixture('testing-browser-import.ts'),
    ],
    { encoding: 'utf8' },
  );
  expect(JSON.parse(output)).toEqual([
    'LeakDetector',
    'collectGarbage',
    'expectCollected',
    'formatRetainers',
    'isCollected',
    'matchers',
    'whyAlive',
  ]);
});
