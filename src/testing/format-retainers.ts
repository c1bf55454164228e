import type { RetainerPath, RetainerStep } from './retainer-path.js';

/**
 * Renders retainer paths one per line, as `whyAlive` results read best:
 * `(module) test/leak.test.ts → listeners (Map) → get('session:42') → closure onResize → context → widget (Widget)`.
 * Named references show what they hold in parentheses; a Map or Set entry is followed by the held
 * object as a segment of its own. No paths gives `(no path from a GC root: nothing holds it strongly)`.
 *
 * @example
 * const paths = await whyAlive(widget);
 * console.log(formatRetainers(paths));
 */
export function formatRetainers(paths: readonly RetainerPath[]): string {
  if (!Array.isArray(paths)) {
    throw new TypeError(`formatRetainers expects an array of retainer paths, got ${typeof paths}`);
  }
  if (paths.length === 0) return '(no path from a GC root: nothing holds it strongly)';
  return paths.map(formatPath).join('\n');
}

function formatPath(path: RetainerPath): string {
  return [path.root, ...path.steps.map(formatStep)].join(' → ');
}

function formatStep(step: RetainerStep): string {
  if (step.edge === '') return step.object;
  if (step.object === '') return step.edge;
  return step.kind === 'entry' ? `${step.edge} → ${step.object}` : `${step.edge} (${step.object})`;
}
