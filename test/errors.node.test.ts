import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('a throwing callback inside cleanup', () => {
  it('never becomes an uncaught exception: the process survives and reports on stderr', () => {
    const fixture = fileURLToPath(new URL('./fixtures/core-throwing-callbacks.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout.split('\n')).toEqual([
      JSON.stringify([
        'default handler: newest ref',
        'default handler: oldest ref',
        'throwing handler: newest ref',
        'throwing handler: oldest ref',
      ]),
      'survived',
      '',
    ]);
    const reports = child.stderr.split('\n').filter((line) => line.startsWith('Exception ignored in '));
    expect(reports).toEqual([
      ...defaultHandlerReports(),
      ...defaultHandlerReports().flatMap((report) => ['Exception ignored in error handler:', report]),
    ]);
    expect(child.stderr).toContain('Error: default handler: from a ref callback');
    expect(child.stderr).toContain('default handler: from a proxy callback');
    expect(child.stderr).toContain('Error: the handler itself broke');
  });
});

/** The reports of the fixture's throwing callbacks, newest first. */
function defaultHandlerReports(): string[] {
  return [
    'Exception ignored in weak reference callback (anonymous):',
    "Exception ignored in finalizer 'throwsNullPrototype':",
    "Exception ignored in weak reference callback 'throwsString':",
    "Exception ignored in weak reference callback 'throwsError':",
  ];
}
