// One contestant of bench/identity, in its own process: streams every row of a 1,000,000-row SQLite
// table (sql.js) through an identity map while the program keeps only the last 1,000 entities, and
// samples the heap (after a full collection) every 10,000 rows. Prints one line of JSON.
//   node --expose-gc --import tsx bench/identity/stream.ts weakkit|strong
import { IdentityMap } from 'weakkit/identity';
import { collectGarbage } from 'weakkit/testing';
import { insertUsers, openDatabase, type User } from '../../examples/identity-sqlite/index.js';

export const rows = 1_000_000;
export const windowSize = 1_000;
export const sampleEvery = 10_000;
/** Rows per event-loop turn, as a driver delivers a cursor's rows in batches of I/O. */
const batch = 1_000;

export interface Sample {
  rows: number;
  heapUsed: number;
  mapSize: number;
}

export interface StreamResult {
  contestant: string;
  samples: Sample[];
  /** Time spent streaming rows, sampling excluded. */
  streamMs: number;
}

interface Contestant {
  /** The entity for a row: the mapped one if any, else the row itself, mapped. */
  materialize(row: User): User;
  readonly size: number;
}

const contestants: Record<string, () => Contestant> = {
  weakkit() {
    const map = new IdentityMap<number, User>({ key: (user) => user.id });
    return {
      materialize: (row) => map.get(row.id) ?? map.add(row),
      get size() {
        return map.size;
      },
    };
  },
  strong() {
    const map = new Map<number, User>();
    return {
      materialize(row) {
        const mapped = map.get(row.id);
        if (mapped !== undefined) return mapped;
        map.set(row.id, row);
        return row;
      },
      get size() {
        return map.size;
      },
    };
  },
};

async function main(name: string): Promise<StreamResult> {
  const make = contestants[name];
  if (make === undefined)
    throw new Error(`unknown contestant ${name}: use ${Object.keys(contestants).join(' or ')}`);
  const db = await openDatabase();
  insertUsers(db, rows);
  const session = make();
  const kept = new Array<User | undefined>(windowSize); // the program's working set: the last 1,000 entities
  const samples: Sample[] = [];
  const sample = async (streamed: number) => {
    await collectGarbage({ rounds: 1 });
    samples.push({ rows: streamed, heapUsed: process.memoryUsage().heapUsed, mapSize: session.size });
  };

  const statement = db.prepare('SELECT id, name, email FROM users ORDER BY id');
  await sample(0);
  let streamMs = 0;
  let streamed = 0;
  let more = true;
  while (more) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) {
      more = statement.step();
      if (!more) break;
      kept[streamed % windowSize] = session.materialize(statement.getAsObject() as User);
      streamed++;
    }
    streamMs += performance.now() - start;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (more && streamed % sampleEvery === 0) await sample(streamed);
  }
  statement.free();
  db.close();
  return { contestant: name, samples, streamMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await main(process.argv[2] ?? '')));
}
