import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EntityState,
  IdentityConflictError,
  IdentityMap,
  type PendingChanges,
} from '../../src/identity/index.js';
import { collectGarbage } from '../../src/testing/index.js';

/**
 * A model test: random marks, loads, flushes (succeeding or failing) and dropped references, with
 * real collections, checked after every step against a plain model of SQLAlchemy's rules. Entities
 * are known to the model by serial number only, so the model never keeps one alive.
 */
class Entity {
  constructor(
    readonly serial: number,
    readonly key: number,
  ) {}
}

type Mark = 'add' | 'markNew' | 'markDirty' | 'markDeleted';
type Step =
  | { kind: 'create'; key: number; mark: Mark }
  | { kind: 'mark'; index: number; mark: Mark }
  | { kind: 'drop'; index: number }
  | { kind: 'flush'; succeeds: boolean }
  | { kind: 'load'; key: number; found: boolean };

const keys = [0, 1, 2, 3];
const mark = fc.constantFrom<Mark>('add', 'markNew', 'markDirty', 'markDeleted');
// New entities have the most transitions to cover (and the in-flight subtleties), so create more of them.
const createMark = fc.constantFrom<Mark>('add', 'markNew', 'markNew', 'markDirty', 'markDeleted');
// Marks are cheap and make the interesting states; drops and flushes each cost a real collection.
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      key: fc.constantFrom(...keys),
      mark: createMark,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('mark' as const), index: fc.nat({ max: 3 }), mark }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flush' as const), succeeds: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('load' as const),
      key: fc.constantFrom(...keys),
      found: fc.boolean(),
    }),
  },
);

type Outcome = 'ok' | 'IdentityConflictError' | 'TypeError';
interface Mapped {
  serial: number;
  state: EntityState;
}

/** SQLAlchemy's rules, written plainly: the expected state of every key, and the pending order. */
class Model {
  readonly mapped = new Map<number, Mapped>();
  /** Keys of new, dirty and deleted entities, in the order they became pending. */
  readonly pendingOrder: number[] = [];

  mark(entity: Entity, how: Mark): Outcome {
    const entry = this.mapped.get(entity.key);
    if (entry !== undefined && entry.serial !== entity.serial) return 'IdentityConflictError';
    const state = entry?.state;
    const next = transition(state, how);
    if (next === 'TypeError') return 'TypeError';
    this.#set(entity.key, entity.serial, state, next);
    return 'ok';
  }

  expectedChanges(): { new: number[]; dirty: number[]; deleted: number[] } {
    const changes = { new: [] as number[], dirty: [] as number[], deleted: [] as number[] };
    for (const key of this.pendingOrder) {
      const entry = this.mapped.get(key)!;
      changes[entry.state as 'new' | 'dirty' | 'deleted'].push(entry.serial);
    }
    return changes;
  }

  flushed(): void {
    for (const key of [...this.pendingOrder]) {
      const entry = this.mapped.get(key)!;
      this.#set(key, entry.serial, entry.state, entry.state === 'deleted' ? undefined : 'clean');
    }
  }

  /** A collection: clean entities that the test no longer holds are gone. */
  collected(held: readonly Entity[]): void {
    const live = new Set(held.map((entity) => entity.serial));
    for (const [key, entry] of this.mapped) {
      if (entry.state === 'clean' && !live.has(entry.serial)) this.mapped.delete(key);
    }
  }

  #set(key: number, serial: number, from: EntityState | undefined, to: EntityState | undefined): void {
    if (to === undefined) this.mapped.delete(key);
    else this.mapped.set(key, { serial, state: to });
    const wasPending = from !== undefined && from !== 'clean';
    const isPending = to !== undefined && to !== 'clean';
    if (!wasPending && isPending) this.pendingOrder.push(key);
    if (wasPending && !isPending) this.pendingOrder.splice(this.pendingOrder.indexOf(key), 1);
  }
}

function transition(state: EntityState | undefined, how: Mark): EntityState | undefined | 'TypeError' {
  switch (how) {
    case 'add':
      return state ?? 'clean';
    case 'markNew':
      return state === undefined || state === 'new' ? 'new' : 'TypeError';
    case 'markDirty':
      if (state === 'deleted') return 'TypeError';
      return state === 'new' ? 'new' : 'dirty';
    case 'markDeleted':
      return state === 'new' ? undefined : 'deleted';
  }
}

function outcomeOf(run: () => void): Outcome {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof IdentityConflictError) return 'IdentityConflictError';
    if (error instanceof TypeError) return 'TypeError';
    throw error;
  }
}

const serials = (changes: PendingChanges<Entity>) => ({
  new: changes.new.map((entity) => entity.serial),
  dirty: changes.dirty.map((entity) => entity.serial),
  deleted: changes.deleted.map((entity) => entity.serial),
});

interface World {
  readonly map: IdentityMap<number, Entity>;
  readonly model: Model;
  /** The entities the test holds; everything else may be collected. */
  readonly held: Entity[];
  nextSerial: number;
}

/**
 * Runs the steps. Each step that touches entities runs in its own function, so that no entity
 * lingers in this async frame across the awaits that collect garbage.
 */
async function runSteps(steps: readonly Step[]): Promise<void> {
  const world: World = {
    map: new IdentityMap<number, Entity>({ key: (entity) => entity.key }),
    model: new Model(),
    held: [],
    nextSerial: 0,
  };
  for (const step of steps) {
    if (step.kind === 'create' || step.kind === 'mark') markStep(world, step);
    else if (step.kind === 'drop') dropStep(world, step.index);
    else if (step.kind === 'flush') await flushStep(world, step.succeeds);
    else await loadStep(world, step.key, step.found);
    if (step.kind === 'drop' || step.kind === 'flush') {
      await collectGarbage();
      world.model.collected(world.held);
    }
    check(world);
  }
}

function markStep(world: World, step: Step & { kind: 'create' | 'mark' }): void {
  const { map, model, held } = world;
  const entity =
    step.kind === 'create'
      ? new Entity(world.nextSerial++, step.key)
      : held[held.length - 1 - (step.index % held.length)];
  if (entity === undefined) return;
  if (step.kind === 'create') held.push(entity);
  const expected = model.mark(entity, step.mark);
  expect(
    outcomeOf(() => map[step.mark](entity)),
    `${step.mark}(#${entity.serial})`,
  ).toBe(expected);
}

function dropStep({ held }: World, index: number): void {
  if (held.length > 0) held.splice(index % held.length, 1);
}

async function flushStep({ map, model }: World, succeeds: boolean): Promise<void> {
  const expected = model.expectedChanges();
  const nothingPending = expected.new.length + expected.dirty.length + expected.deleted.length === 0;
  let seen: unknown;
  const flushing = map.flush((changes) => {
    seen = serials(changes);
    if (!succeeds) throw new Error('rolled back');
  });
  if (succeeds || nothingPending) {
    await flushing;
    model.flushed();
  } else {
    await expect(flushing).rejects.toThrow('rolled back');
  }
  expect(seen).toEqual(nothingPending ? undefined : expected);
}

async function loadStep(world: World, key: number, found: boolean): Promise<void> {
  const expectedSerial = world.model.mapped.get(key)?.serial;
  let created: number | undefined;
  const loaded = await world.map.load(key, (key) => {
    if (!found) return undefined;
    created = world.nextSerial++;
    return new Entity(created, key);
  });
  if (expectedSerial !== undefined) {
    expect(created).toBeUndefined();
    expect(loaded?.serial).toBe(expectedSerial);
  } else {
    expect(loaded?.serial).toBe(created);
    if (loaded !== undefined) {
      world.held.push(loaded);
      world.model.mark(loaded, 'add');
    }
  }
}

function check({ map, model, held }: World): void {
  expect(map.size).toBe(model.mapped.size);
  for (const key of keys) expect(map.get(key)?.serial, `get(${key})`).toBe(model.mapped.get(key)?.serial);
  for (const entity of held) {
    const entry = model.mapped.get(entity.key);
    const expected = entry?.serial === entity.serial ? entry.state : undefined;
    expect(map.stateOf(entity), `stateOf(#${entity.serial})`).toBe(expected);
  }
  expect(serials(map.pending())).toEqual(model.expectedChanges());
}

describe('IdentityMap model', () => {
  it('follows the rules under random marks, loads, flushes and collections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20, size: 'max' }), (steps) =>
        runSteps(steps),
      ),
      { numRuns: 50 },
    );
  });
});
