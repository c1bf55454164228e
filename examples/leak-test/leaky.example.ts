// Fails on purpose: `npx vitest run --config examples/leak-test/vitest.config.ts leaky`.
// The failure message names the leak (see docs/testing.md for the output).
import { expect, it } from 'vitest';
import { type CollectedMatchers, matchers } from 'weakkit/testing';
import { LeakyWidget } from './widgets.js';

declare module 'vitest' {
  interface Matchers<T = any> extends CollectedMatchers {}
}
expect.extend(matchers);

/** Opens and disposes a widget; returns only a weak reference, so the test itself holds nothing. */
function openAndDispose(): WeakRef<LeakyWidget> {
  const widget = new LeakyWidget('42');
  widget.dispose();
  return new WeakRef(widget);
}

it('a disposed widget can be garbage collected', async () => {
  await expect(openAndDispose()).toBeCollected();
});
