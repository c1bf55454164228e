import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Node only: a child Node process without --expose-gc (docs/runtimes.md).
describe('collectGarbage on Node', () => {
  it('works without --expose-gc, through node:v8 and node:vm', () => {
    const fixture = fileURLToPath(new URL('./fixtures/collect-without-expose-gc.ts', import.meta.url));
    const output = execFileSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ exposed: false, cleared: true, reported: true });
  });
});
