// One measurement, alone in this process so that no other contestant's code has shaped the JIT's
// feedback first:
//   node --expose-gc --import tsx bench/signal/case.ts emit <contestant> <receivers> <copies|distinct>
//   node --expose-gc --import tsx bench/signal/case.ts connect <contestant> <already connected>
// prints one JSON line: { "ns": <median nanoseconds per call> }.
import { measure } from 'mitata';
import { contestantNamed, type ReceiverStyle, sink } from './contestants.js';

const [kind, name, size, style] = process.argv.slice(2);
const contestant = contestantNamed(name!);
const run =
  kind === 'emit'
    ? await contestant.emitter(Number(size), style as ReceiverStyle)
    : await contestant.connector!(Number(size));

const stats = await measure(run);
if (kind === 'emit' && sink.count === 0) throw new Error(`${name} never reached a receiver`);
console.log(JSON.stringify({ ns: stats.p50 }));
