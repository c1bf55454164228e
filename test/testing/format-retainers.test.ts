import { describe, expect, it } from 'vitest';
import { formatRetainers, type RetainerPath } from '../../src/testing/index.js';

const mapLeak: RetainerPath = {
  root: '(module) src/resize.ts',
  steps: [
    { kind: 'variable', edge: 'listeners', object: 'Map', id: 11 },
    { kind: 'entry', edge: "get('session:42')", object: 'closure onResize', id: 13 },
    { kind: 'internal', edge: 'context', object: '', id: 15 },
    { kind: 'variable', edge: 'widget', object: 'Widget', id: 17 },
  ],
};

describe('formatRetainers', () => {
  it('writes one path a line: names with what they hold, entries followed by the entry', () => {
    const global: RetainerPath = {
      root: '(global)',
      steps: [
        { kind: 'property', edge: '.app', object: 'App', id: 3 },
        { kind: 'element', edge: '[2]', object: 'Widget', id: 5 },
      ],
    };
    expect(formatRetainers([mapLeak, global])).toBe(
      "(module) src/resize.ts → listeners (Map) → get('session:42') → closure onResize → context → widget (Widget)\n" +
        '(global) → .app (App) → [2] (Widget)',
    );
  });

  it('shows an unlabelled first step from a V8 root as the object alone', () => {
    const fromStack: RetainerPath = {
      root: '(Stack roots)',
      steps: [{ kind: 'element', edge: '', object: 'Widget', id: 7 }],
    };
    expect(formatRetainers([fromStack])).toBe('(Stack roots) → Widget');
  });

  it('says so when there is nothing to show, and rejects what is not a list of paths', () => {
    expect(formatRetainers([])).toBe('(no path from a GC root: nothing holds it strongly)');
    expect(() => formatRetainers('paths' as never)).toThrow(/expects an array of retainer paths, got string/);
  });
});
