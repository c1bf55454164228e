import { collectGarbage } from '../../src/testing/index.js';

/** What a model test does with one random step; every hook is a plain function, so no async frame holds a target. */
export interface ModelSteps<State, Step> {
  apply(state: State, step: Exclude<Step, { kind: 'collect' }>): void;
  afterCollect(state: State): void;
  checkAgreement(state: State): void;
}

/**
 * Runs `steps` against a fresh state: a `collect` step really collects garbage, every other step is
 * applied; after each, the collection and its model must agree.
 */
export async function runModelSteps<State, Step extends { kind: string }>(
  state: State,
  steps: readonly Step[],
  hooks: ModelSteps<State, Step>,
): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'collect') {
      await collectGarbage();
      hooks.afterCollect(state);
    } else {
      hooks.apply(state, step as Exclude<Step, { kind: 'collect' }>);
    }
    hooks.checkAgreement(state);
  }
}
