// Signal without garbage collection: connecting, emitting, errors, re-entrancy, channels, bad input.
import { describe, expect, it } from 'vitest';
import { type Connection, Signal } from '../../src/signal/index.js';

describe('Signal: connect and emit', () => {
  it('runs receivers in connection order with the emitted arguments', () => {
    const signal = new Signal<[a: number, b: string]>();
    const calls: string[] = [];
    signal.connect((a, b) => calls.push(`first ${a} ${b}`));
    signal.connect((a, b) => calls.push(`second ${a} ${b}`));
    signal.emit(1, 'x');
    expect(calls).toEqual(['first 1 x', 'second 1 x']);
  });

  it('calls a method on its object, with this bound', () => {
    const signal = new Signal<[n: number]>();
    const counter = {
      total: 0,
      add(n: number) {
        this.total += n;
      },
    };
    signal.connect(counter, 'add');
    signal.emit(2);
    signal.emit(3);
    expect(counter.total).toBe(5);
  });

  it('passes every argument, whatever their number, with this bound for methods', () => {
    const signal = new Signal<unknown[]>();
    const seen: unknown[][] = [];
    const view = {
      name: 'view',
      receive(...args: unknown[]) {
        seen.push([this.name, ...args]);
      },
    };
    // A property named `call` on the method must not be used to call it.
    Object.assign(view.receive, { call: () => seen.push(['wrong call']) });
    signal.connect((...args: unknown[]) => seen.push(['fn', ...args]));
    signal.connect(view, 'receive');
    signal.emit();
    signal.emit(1);
    signal.emit(1, 2);
    signal.emit(1, 2, 3);
    expect(seen).toEqual([
      ['fn'],
      ['view'],
      ['fn', 1],
      ['view', 1],
      ['fn', 1, 2],
      ['view', 1, 2],
      ['fn', 1, 2, 3],
      ['view', 1, 2, 3],
    ]);
  });

  it('calls a function receiver without a this', () => {
    const signal = new Signal();
    let seen: unknown = 'not called';
    signal.connect(function (this: unknown) {
      seen = this;
    });
    signal.emit();
    expect(seen).toBeUndefined();
  });

  it('treats a duplicate connect as one connection, whatever the options', () => {
    const signal = new Signal();
    const calls: string[] = [];
    const fn = () => calls.push('fn');
    const owner = {};
    const first = signal.connect(fn);
    expect(signal.connect(fn)).toBe(first);
    expect(signal.connect(fn, { weak: true })).toBe(first);
    expect(signal.connect(fn, { once: true })).toBe(first);
    const owned = signal.connect(fn, { owner });
    expect(owned).not.toBe(first); // a different owner makes a different receiver
    expect(signal.connect(fn, { owner })).toBe(owned);
    signal.emit();
    expect(calls).toEqual(['fn', 'fn']);
    expect(signal.receiverCount).toBe(2);
  });

  it('treats the same object and method as one connection, and other objects as others', () => {
    class Counter {
      n = 0;
      bump() {
        this.n++;
      }
    }
    const signal = new Signal();
    const a = new Counter();
    const b = new Counter();
    const first = signal.connect(a, 'bump');
    expect(signal.connect(a, 'bump')).toBe(first);
    signal.connect(b, 'bump');
    signal.connect(a.bump, { owner: a }); // the function without a this: another receiver
    expect(signal.receiverCount).toBe(3);
    expect(() => signal.emit()).toThrow(TypeError); // the unbound one has no this
    expect(a.n).toBe(1);
    expect(b.n).toBe(1);
  });

  it('ends a connection on disconnect(), on Symbol.dispose and with using', () => {
    const signal = new Signal();
    const calls: number[] = [];
    const one = signal.connect(() => calls.push(1));
    const two = signal.connect(() => calls.push(2));
    {
      using _three = signal.connect(() => calls.push(3));
      signal.emit();
    }
    one.disconnect();
    one.disconnect(); // twice is harmless
    two[Symbol.dispose]();
    signal.emit();
    expect(calls).toEqual([1, 2, 3]);
    expect([one.connected, two.connected]).toEqual([false, false]);
    expect(signal.receiverCount).toBe(0);
  });

  it('reconnects a function after it was disconnected, at the end of the order', () => {
    const signal = new Signal();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const first = signal.connect(a);
    signal.connect(b);
    first.disconnect();
    const again = signal.connect(a);
    expect(again).not.toBe(first);
    signal.emit();
    expect(calls).toEqual(['b', 'a']);
  });

  it('runs a once receiver on the first emit only', () => {
    const signal = new Signal<[n: number]>();
    const calls: number[] = [];
    const connection = signal.connect((n) => calls.push(n), { once: true });
    signal.emit(1);
    signal.emit(2);
    expect(calls).toEqual([1]);
    expect(connection.connected).toBe(false);
  });

  it('ends a connection when its AbortSignal aborts, and never starts one with an aborted signal', () => {
    const signal = new Signal();
    const calls: string[] = [];
    const controller = new AbortController();
    const connection = signal.connect(() => calls.push('live'), { signal: controller.signal });
    signal.emit();
    controller.abort();
    signal.emit();
    expect(calls).toEqual(['live']);
    expect(connection.connected).toBe(false);

    const late = signal.connect(() => calls.push('late'), { signal: AbortSignal.abort() });
    signal.emit();
    expect(late.connected).toBe(false);
    expect(calls).toEqual(['live']);
    expect(signal.receiverCount).toBe(0);
  });

  it('disconnectAll ends every connection', () => {
    const signal = new Signal();
    const owner = { onEmit() {} };
    const connections = [
      signal.connect(() => {}),
      signal.connect(() => {}, { owner }),
      signal.connect(owner, 'onEmit'),
    ];
    signal.disconnectAll();
    expect(connections.map((c) => c.connected)).toEqual([false, false, false]);
    expect(signal.receiverCount).toBe(0);
  });
});

describe('Signal: errors from receivers', () => {
  it('emit runs every receiver, then throws the one error', () => {
    const signal = new Signal();
    const calls: string[] = [];
    const boom = new Error('boom');
    signal.connect(() => calls.push('a'));
    signal.connect(() => {
      throw boom;
    });
    signal.connect(() => calls.push('c'));
    expect(() => signal.emit()).toThrow(boom);
    expect(calls).toEqual(['a', 'c']);
  });

  it('emit throws an AggregateError, in order, when several receivers threw', () => {
    const signal = new Signal({ name: 'saved' });
    const first = new Error('first');
    const second = new TypeError('second');
    signal.connect(() => {
      throw first;
    });
    signal.connect(() => {});
    signal.connect(() => {
      throw second;
    });
    let thrown: unknown;
    try {
      signal.emit();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AggregateError);
    expect((thrown as AggregateError).errors).toEqual([first, second]);
    expect((thrown as AggregateError).message).toBe("2 receivers of signal 'saved' threw");
  });

  it('emitRobust returns each receiver with its value or error, and never throws', () => {
    const signal = new Signal<[n: number]>();
    const double = (n: number) => n * 2;
    const fail = () => {
      throw new Error('no');
    };
    const view = {
      label(n: number) {
        return `#${n}`;
      },
    };
    signal.connect(double);
    signal.connect(fail);
    signal.connect(view, 'label');
    const results = signal.emitRobust(21);
    expect(results).toEqual([
      { receiver: double, value: 42 },
      { receiver: fail, error: new Error('no') },
      { receiver: view.label, value: '#21' },
    ]);
  });

  it('stays consistent after a receiver throws: the next emit runs everyone again', () => {
    const signal = new Signal();
    let runs = 0;
    signal.connect(() => {
      runs++;
      throw new Error('always');
    });
    signal.connect(() => runs++);
    expect(() => signal.emit()).toThrow('always');
    expect(() => signal.emit()).toThrow('always');
    expect(runs).toBe(4);
    expect(signal.receiverCount).toBe(2);
  });
});

describe('Signal: re-entrancy', () => {
  it('a receiver connected during an emit is not run by that emit, but by the next', () => {
    const signal = new Signal();
    const calls: string[] = [];
    const late = () => calls.push('late');
    signal.connect(() => {
      calls.push('first');
      signal.connect(late);
    });
    signal.emit();
    expect(calls).toEqual(['first']);
    signal.emit();
    expect(calls).toEqual(['first', 'first', 'late']);
  });

  it('a receiver disconnected during an emit still runs in that emit, not in the next', () => {
    const signal = new Signal();
    const calls: string[] = [];
    let second: Connection | undefined;
    signal.connect(() => {
      calls.push('first');
      second?.disconnect();
    });
    second = signal.connect(() => calls.push('second'));
    signal.emit();
    signal.emit();
    expect(calls).toEqual(['first', 'second', 'first']);
  });

  it('a disconnect during emitRobust or a channel emit leaves that emit alone too', () => {
    const signal = new Signal();
    const sender = {};
    const calls: string[] = [];
    let second: Connection | undefined;
    const connectPair = () => {
      signal.connect(() => {
        calls.push('first');
        second?.disconnect();
      });
      second = signal.connect(() => calls.push('second'));
    };
    connectPair();
    signal.emitRobust();
    expect(calls).toEqual(['first', 'second']);
    signal.disconnectAll();
    calls.length = 0;
    connectPair();
    signal.for(sender).emit(); // the channel has no receivers of its own: it emits the signal's list
    expect(calls).toEqual(['first', 'second']);
  });

  it('disconnectAll during an emit leaves that emit alone', () => {
    const signal = new Signal();
    const calls: number[] = [];
    signal.connect(() => {
      calls.push(1);
      signal.disconnectAll();
    });
    signal.connect(() => calls.push(2));
    signal.emit();
    signal.emit();
    expect(calls).toEqual([1, 2]);
  });

  it('a nested emit runs the current receivers, and a once receiver runs only once', () => {
    const signal = new Signal<[depth: number]>();
    const calls: string[] = [];
    signal.connect((depth) => {
      calls.push(`outer ${depth}`);
      if (depth === 0) signal.emit(1);
    });
    signal.connect((depth) => calls.push(`once ${depth}`), { once: true });
    signal.emit(0);
    expect(calls).toEqual(['outer 0', 'outer 1', 'once 1']);
  });

  it('a disconnect and then a connect during an emit leave that emit alone', () => {
    const signal = new Signal();
    const calls: string[] = [];
    let b: Connection | undefined;
    const c = () => calls.push('c');
    signal.connect(() => {
      calls.push('a');
      b?.disconnect();
      signal.connect(c);
    });
    b = signal.connect(() => calls.push('b'));
    signal.emit();
    expect(calls).toEqual(['a', 'b']);
    calls.length = 0;
    signal.emit();
    expect(calls).toEqual(['a', 'c']);
  });

  it('connecting to the signal or the channel during a channel emit leaves that emit alone', () => {
    const signal = new Signal();
    const sender = {};
    const calls: string[] = [];
    signal.for(sender).connect(() => {
      calls.push('channel');
      signal.connect(() => calls.push('late on signal'));
      signal.for(sender).connect(() => calls.push('late on channel'));
    });
    signal.connect(() => calls.push('signal'));
    signal.for(sender).emit();
    expect(calls).toEqual(['channel', 'signal']);
  });

  it('emitRobust leaves out a once receiver that a nested emit already ran', () => {
    const signal = new Signal();
    const once = () => 'once';
    let nested: unknown;
    let depth = 0;
    signal.connect(() => {
      if (depth++ === 0) nested = signal.emitRobust();
      return 'outer';
    });
    signal.connect(once, { once: true });
    const results = signal.emitRobust();
    expect(nested).toEqual([
      { receiver: expect.any(Function), value: 'outer' },
      { receiver: once, value: 'once' },
    ]);
    expect(results).toEqual([{ receiver: expect.any(Function), value: 'outer' }]);
  });

  it('a receiver that disconnects itself keeps the others running', () => {
    const signal = new Signal();
    const calls: string[] = [];
    const self: Connection = signal.connect(() => {
      calls.push('self');
      self.disconnect();
    });
    signal.connect(() => calls.push('other'));
    signal.emit();
    signal.emit();
    expect(calls).toEqual(['self', 'other', 'other']);
  });
});

describe('Signal: for(sender)', () => {
  it("a channel's receivers get only that sender's emits; the signal's get every emit, in connection order", () => {
    const signal = new Signal<[what: string]>();
    const report = {};
    const invoice = {};
    const calls: string[] = [];
    signal.for(report).connect((what) => calls.push(`report: ${what}`));
    signal.connect((what) => calls.push(`any: ${what}`));
    signal.for(invoice).connect((what) => calls.push(`invoice: ${what}`));
    signal.for(report).connect((what) => calls.push(`report again: ${what}`));
    signal.for(report).emit('r');
    signal.for(invoice).emit('i');
    signal.emit('plain');
    expect(calls).toEqual(['report: r', 'any: r', 'report again: r', 'any: i', 'invoice: i', 'any: plain']);
  });

  it('returns the same channel for a sender while it lives', () => {
    const signal = new Signal();
    const sender = {};
    expect(signal.for(sender)).toBe(signal.for(sender));
    expect(signal.for(sender)).not.toBe(signal.for({}));
  });

  it('sees connections made to the signal after the channel merged its list', () => {
    const signal = new Signal();
    const sender = {};
    const calls: string[] = [];
    signal.for(sender).connect(() => calls.push('channel'));
    signal.for(sender).emit();
    const late = signal.connect(() => calls.push('signal'));
    signal.for(sender).emit();
    late.disconnect();
    signal.for(sender).emit();
    expect(calls).toEqual(['channel', 'channel', 'signal', 'channel']);
  });

  it('counts and disconnects channel receivers from the signal, and channel by channel', () => {
    const signal = new Signal();
    const a = {};
    const b = {};
    signal.connect(() => {});
    signal.for(a).connect(() => {});
    signal.for(b).connect(() => {});
    signal.for(b).connect(() => {}, { owner: b });
    expect(signal.receiverCount).toBe(4);
    expect(signal.for(b).receiverCount).toBe(2);
    signal.for(b).disconnectAll();
    expect(signal.for(b).receiverCount).toBe(0);
    expect(signal.receiverCount).toBe(2);
    signal.disconnectAll();
    expect(signal.receiverCount).toBe(0);
    expect(signal.for(a).receiverCount).toBe(0);
  });

  it('channel emit errors and emitRobust behave as the signal’s', () => {
    const signal = new Signal();
    const sender = {};
    const fail = () => {
      throw new Error('channel receiver');
    };
    signal.for(sender).connect(fail);
    expect(() => signal.for(sender).emit()).toThrow('channel receiver');
    expect(signal.for(sender).emitRobust()).toEqual([
      { receiver: fail, error: new Error('channel receiver') },
    ]);
  });
});

describe('Signal: bad input', () => {
  const signal = new Signal({ name: 'saved' });

  it('rejects a receiver that is not a function, naming the type', () => {
    expect(() => signal.connect(42 as never)).toThrow(
      new TypeError(
        "connect on signal 'saved' expects a receiver function, or an object and a method name; got number",
      ),
    );
    expect(() => signal.connect(null as never)).toThrow(/got null/);
  });

  it('rejects a primitive owner, method object or sender with the weakable TypeError', () => {
    expect(() => signal.connect(() => {}, { owner: 42 as never })).toThrow(
      /cannot create weak reference to 'number' value 42: a receiver owner must be/,
    );
    expect(() => signal.connect('text' as never, 'toString' as never)).toThrow(
      /cannot create weak reference to 'string' value "text": a method receiver object must be/,
    );
    expect(() => signal.for(Symbol.for('app') as never)).toThrow(/'registered symbol'.*a signal sender/);
  });

  it('rejects a missing method, owner with weak: true, and options that are not options', () => {
    expect(() => signal.connect({ a: 1 }, 'a' as never)).toThrow(
      new TypeError('connect: a is not a method: object["a"] is number'),
    );
    expect(() => signal.connect(() => {}, { owner: {}, weak: true })).toThrow(
      /either owner .* or weak: true/,
    );
    expect(() => signal.connect({ m() {} }, 'm', { owner: {} } as never)).toThrow(
      /owner and weak apply only/,
    );
    expect(() => signal.connect(() => {}, 'yes' as never)).toThrow(TypeError);
    expect(() => signal.connect(() => {}, 5 as never)).toThrow(
      new TypeError('connect options must be an object, got number'),
    );
    expect(() => signal.connect(() => {}, { signal: {} as never })).toThrow(
      new TypeError('connect: signal must be an AbortSignal, got object'),
    );
  });

  it('rejects bad constructor options', () => {
    expect(() => new Signal({ name: 3 as never })).toThrow(
      new TypeError('Signal name must be a string, got number'),
    );
    expect(() => new Signal({ onReceiverCollected: 'log' as never })).toThrow(TypeError);
  });

  it('leaves no connection behind after a rejected connect', () => {
    expect(signal.receiverCount).toBe(0);
  });
});
