// `npm run bench -- signal`: emit to 1, 10 and 100 receivers, and connect+disconnect with 0 and 10
// receivers connected, for weakkit's Signal and the emitters users pick instead. Every measurement
// runs alone in a fresh child process (bench/signal/case.ts), so no contestant's JIT feedback shapes
// another's, and the cases are interleaved over several rounds, keeping each case's fastest round:
// load on a shared machine only ever slows a run down, and interleaving spreads it over all
// contestants alike. Writes bench/results/signal.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { contestantNamed, type ReceiverStyle } from './contestants.js';

const rounds = Number(process.env.SIGNAL_BENCH_ROUNDS ?? 4);
const sizes = [1, 10, 100];
const styles: ReceiverStyle[] = ['copies', 'distinct'];
const emitters = [
  'weakkit',
  'weakkit-owner',
  'weakkit-method',
  'weakref-loop',
  'eventemitter3',
  'mitt',
  'node-events',
  'event-target',
];
const connectors = ['weakkit', 'weakkit-owner', 'eventemitter3', 'mitt', 'node-events', 'event-target'];
const backgrounds = [0, 10];
const baseline = 'eventemitter3';

const caseFile = new URL('./case.ts', import.meta.url).pathname;
const resultsFile = new URL('../results/signal.md', import.meta.url);

const emitKey = (name: string, n: number, style: ReceiverStyle) => `emit ${name} ${n} ${style}`;
const connectKey = (name: string, background: number) => `connect ${name} ${background}`;
const cases = [
  ...sizes.flatMap((n) => styles.flatMap((style) => emitters.map((name) => emitKey(name, n, style)))),
  ...backgrounds.flatMap((background) => connectors.map((name) => connectKey(name, background))),
];

const samples = new Map<string, number[]>();
const loadAtStart = loadavg()[0]!;
const started = Date.now();
for (let round = 1; round <= rounds; round++) {
  console.log(`round ${round} of ${rounds}: ${cases.length} cases`);
  for (const key of cases) {
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', caseFile, ...key.split(' ')],
      {
        encoding: 'utf8',
      },
    );
    const { ns } = JSON.parse(output) as { ns: number };
    samples.set(key, [...(samples.get(key) ?? []), ns]);
  }
}
const minutes = (Date.now() - started) / 60_000;

/** A case's time: its fastest round. */
function fastest(key: string): number {
  return Math.min(...samples.get(key)!);
}

const ns = (value: number) => (value < 100 ? value.toFixed(1) : value.toFixed(0));
const ratio = (value: number) => `${value.toFixed(2)}×`;
const label = (name: string) => contestantNamed(name).label;
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map((_, i) => (i < 2 ? '---' : '---:')))];

const emitTable = [
  ...header(['receivers', 'written as', ...emitters.map(label)]),
  ...sizes.flatMap((n) =>
    styles.map((style) => {
      const base = fastest(emitKey(baseline, n, style));
      return row([
        String(n),
        style,
        ...emitters.map((name) => {
          const value = fastest(emitKey(name, n, style));
          return name === baseline ? `${ns(value)} ns` : `${ns(value)} ns (${ratio(value / base)})`;
        }),
      ]);
    }),
  ),
];

const weakTable = [
  ...header([
    'receivers',
    'written as',
    '`{ owner }` ÷ strong',
    "`(object, 'method')` ÷ strong",
    'bare `WeakRef` loop ÷ strong',
    '`{ owner }` ÷ bare `WeakRef` loop',
    'strong ÷ `mitt`',
  ]),
  ...sizes.flatMap((n) =>
    styles.map((style) => {
      const strong = fastest(emitKey('weakkit', n, style));
      const owner = fastest(emitKey('weakkit-owner', n, style));
      const floor = fastest(emitKey('weakref-loop', n, style));
      return row([
        String(n),
        style,
        ratio(owner / strong),
        ratio(fastest(emitKey('weakkit-method', n, style)) / strong),
        ratio(floor / strong),
        ratio(owner / floor),
        ratio(strong / fastest(emitKey('mitt', n, style))),
      ]);
    }),
  ),
];

const connectTable = [
  ...header(['already connected', '', ...connectors.map(label)]),
  ...backgrounds.map((background) => {
    const base = fastest(connectKey(baseline, background));
    return row([
      String(background),
      '',
      ...connectors.map((name) => {
        const value = fastest(connectKey(name, background));
        return name === baseline ? `${ns(value)} ns` : `${ns(value)} ns (${ratio(value / base)})`;
      }),
    ]);
  }),
];

const strongVsBaseline = sizes.flatMap((n) =>
  styles.map((style) => fastest(emitKey('weakkit', n, style)) / fastest(emitKey(baseline, n, style))),
);
const weakVsStrong = sizes.flatMap((n) =>
  styles.flatMap((style) => {
    const strong = fastest(emitKey('weakkit', n, style));
    return [
      fastest(emitKey('weakkit-owner', n, style)) / strong,
      fastest(emitKey('weakkit-method', n, style)) / strong,
    ];
  }),
);
const floorVsStrong = sizes.flatMap((n) =>
  styles.map((style) => fastest(emitKey('weakref-loop', n, style)) / fastest(emitKey('weakkit', n, style))),
);
const connectVsBaseline = fastest(connectKey('weakkit', 10)) / fastest(connectKey(baseline, 10));
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
const range = (values: number[]) => `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const markdown = `## signal

Command: \`npm run bench -- signal\` (runs \`node --expose-gc --import tsx bench/signal/index.ts\`; each case in its own child process \`bench/signal/case.ts\`, ${rounds} interleaved rounds, the fastest round of each case; each figure is mitata's median time per call in that round). \`SIGNAL_BENCH_ROUNDS\` changes the number of rounds.

Machine: Node ${process.version}, ${cpu}, ${cpus().length} cores, load average ${loadAtStart.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (shared: compare ratios, not absolute times). Date: ${new Date().toISOString().slice(0, 10)}. The run took ${minutes.toFixed(1)} minutes.

Every receiver stores the emitted value and adds to a counter. *copies*: N closures of one function literal (one call target, which V8 inlines at a monomorphic call site; this flatters emitters that loop over a plain array, such as \`mitt\`); *distinct*: N functions with different bodies, as N different subscribers would be. \`EventTarget\` dispatches a new \`Event\` each time, as its users must. Ratios are to \`${baseline}\` in the same row.

### Emit: time per emit

${emitTable.join('\n')}

### Weakly held receivers against strong ones (weakkit)

${weakTable.join('\n')}

### Connect + disconnect one receiver

${connectTable.join('\n')}

### Targets

- Strong receivers, emit ≤ 1.0× \`${baseline}\` at 1, 10 and 100 receivers: ${range(strongVsBaseline)} — ${verdict(strongVsBaseline.every((value) => value <= 1))}.
- Owner-anchored and method receivers ≤ 2× strong ones: ${range(weakVsStrong)} — ${verdict(weakVsStrong.every((value) => value <= 2))}. The floor, a bare loop of \`deref()\` and call, itself costs ${range(floorVsStrong)} what weakkit's strong emit does.
- Connect + disconnect ≤ 1.0× \`${baseline}\` with 10 connected: ${ratio(connectVsBaseline)} — ${verdict(connectVsBaseline <= 1)}.

### Reading

- \`emit\` iterates the receiver array itself, without copying it, up to the length it had when the emit began: while an emit runs the array is only appended to and a disconnect replaces it with a copy; otherwise connect and disconnect change it in place. So the array is copied only when a receiver disconnects during an emit (\`mitt\` copies it on every emit). Receivers are called directly for up to two arguments, which V8 inlines when they share one function.
- A weakly held receiver (\`{ owner }\`, \`(object, 'method')\`, \`weak: true\`) costs one \`WeakRef.prototype.deref()\` per emit. In V8 that is a call into the runtime (\`JSWeakRefAddToKeptObjects\`, the spec's KeepDuringJob), several times the cost of calling a small function: the *bare \`WeakRef\` loop* column, which does nothing but deref and call, is the floor for any weak receiver. No design that keeps the receiver weak between emits can skip it: the function, or the object a method is called on, is only reachable through the \`WeakRef\`. Caching the dereferenced receivers for the rest of the job would hide the cost in this benchmark's tight loop but not for emits that arrive one per event, so weakkit does not.
- Connect pays for what \`${baseline}\` does not do: the duplicate check (connecting a function twice is one connection; a scan of the strong receivers) and a \`Connection\` object to disconnect with. A weakly held connect also creates a \`WeakRef\` and a \`FinalizationRegistry\` registration, both runtime calls, and in a tight loop every \`WeakRef\` made in one job stays alive until the job ends (KeepDuringJob), which inflates that column.
`;

writeFileSync(resultsFile, markdown);
console.log(markdown);
