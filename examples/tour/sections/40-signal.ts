import { getEventListeners } from 'node:events';
import { setErrorHandler } from 'weakkit';
import { addWeakListener, Signal } from 'weakkit/signal';
import { collectGarbage } from 'weakkit/testing';
import { event, heading, say, show } from '../show.js';

interface Doc {
  title: string;
}

const saved = new Signal<[doc: Doc]>({
  name: 'saved',
  onReceiverCollected: ({ name }) => event(`onReceiverCollected: the receiver ${name} was collected`),
});

/** Subscribes for as long as it lives: the closure is anchored on the widget, not held by the signal. */
class Widget {
  constructor(readonly name: string) {
    saved.connect((doc) => this.render(doc), { owner: this });
  }
  render(doc: Doc): void {
    event(`${this.name} re-renders: '${doc.title}' was saved`);
  }
}

/** The "callback stopped working" mistake: a closure held only weakly dies at the next collection. */
class FragileWidget {
  constructor(readonly name: string) {
    saved.connect((doc) => this.render(doc), { weak: true });
  }
  render(doc: Doc): void {
    event(`${this.name} re-renders: '${doc.title}' was saved`);
  }
}

export default async function signals(): Promise<void> {
  heading('Signals whose receivers unsubscribe themselves');
  say(
    'A receiver connected with an owner lives exactly as long as that owner. No unsubscribe call to forget.',
  );
  show('const saved = new Signal<[doc: Doc]>({ name: "saved" })');
  show('class Widget { constructor() { saved.connect((doc) => this.render(doc), { owner: this }) } }');
  let widget: Widget | undefined = new Widget('sidebar');
  show("let widget = new Widget('sidebar')");
  show('saved.receiverCount', saved.receiverCount);
  show("saved.emit({ title: 'notes.md' })");
  saved.emit({ title: 'notes.md' });
  await collectGarbage();
  show('await collectGarbage()   // the widget is still referenced: nothing happens');
  show('widget.name', widget.name);
  show("saved.emit({ title: 'todo.md' })");
  saved.emit({ title: 'todo.md' });
  widget = undefined;
  show('widget = undefined; await collectGarbage()');
  await collectGarbage();
  show('saved.receiverCount', saved.receiverCount);
  show("saved.emit({ title: 'plan.md' })   // reaches nobody");
  saved.emit({ title: 'plan.md' });

  heading('"My callback stopped working": weak closures, and the fix');
  say('Holding a closure weakly is the classic mistake: nothing else refers to it, so the next');
  say('collection takes it although its widget lives on. weakkit reports it when it happens.');
  const previous = setErrorHandler((error) => event(`reported:\n${wrap((error as Error).message)}`));
  const fragile = new FragileWidget('fragile');
  const sturdy = new Widget('sturdy');
  show("saved.connect((doc) => this.render(doc), { weak: true })   // before: 'fragile'");
  show("saved.connect((doc) => this.render(doc), { owner: this })  // after:  'sturdy'");
  show("saved.emit({ title: 'a.md' })");
  saved.emit({ title: 'a.md' });
  show('await collectGarbage()   // both widgets are still referenced');
  await collectGarbage();
  show("saved.emit({ title: 'b.md' })   // only 'sturdy' still hears it");
  saved.emit({ title: 'b.md' });
  setErrorHandler(previous);
  show('[fragile.name, sturdy.name]', [fragile.name, sturdy.name]);

  heading('Weak listeners on any EventTarget or emitter: addWeakListener()');
  say('The same lifetime rule for DOM-style targets and Node emitters: the listener goes with its owner.');
  const target = new EventTarget();
  listenWhileAlive(target);
  show("addWeakListener(target, 'ping', () => panel.refresh(), panel)");
  show("target.dispatchEvent(new Event('ping'))");
  target.dispatchEvent(new Event('ping'));
  show('panel = undefined; await collectGarbage()');
  await collectGarbage();
  show(
    "getEventListeners(target, 'ping').length   // removed from the target",
    getEventListeners(target, 'ping').length,
  );
  show("target.dispatchEvent(new Event('ping'))   // nothing happens");
  target.dispatchEvent(new Event('ping'));
  saved.disconnectAll();
}

/** Breaks a long message into indented lines of at most 90 characters. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length + word.length > 90) {
      lines.push(line);
      line = '';
    }
    line += `${line === '' ? '' : ' '}${word}`;
  }
  lines.push(line);
  return lines.map((l) => `      ${l}`).join('\n');
}

/** A panel that nothing keeps after this returns. */
function listenWhileAlive(target: EventTarget): void {
  const panel = { refresh: () => event('panel refreshes') };
  addWeakListener(target, 'ping', () => panel.refresh(), panel);
}
