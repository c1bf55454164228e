// Passes: `npx vitest run --config examples/leak-test/vitest.config.ts fixed`.
import { expect, it } from 'vitest';
import { type CollectedMatchers, matchers } from 'weakkit/testing';
import { Widget } from './widgets.js';

declare module 'vitest' {
  interface Matchers<T = any> extends CollectedMatchers {}
}
expect.extend(matchers);

function openAndDispose(): WeakRef<Widget> {
  const widget = new Widget('42');
  widget.dispose();
  return new WeakRef(widget);
}

it('a disposed widget can be garbage collected', async () => {
  await expect(openAndDispose()).toBeCollected();
});
