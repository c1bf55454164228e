import { EventEmitter } from 'node:events';
import { ref } from 'weakkit';
import { collectGarbage, expectCollected, formatRetainers, LeakDetector, whyAlive } from 'weakkit/testing';
import { event, heading, say, show } from '../show.js';

/** An app-wide event bus, as many apps have one: whatever listens to it lives as long as the app. */
const bus = new EventEmitter();

class Dialog {
  constructor(readonly title: string) {}
  close(): void {}
}

export default async function testing(): Promise<void> {
  heading('Leak tests: expectCollected() and whyAlive()');
  say('A closed dialog should be garbage. This one subscribed to the app bus and never unsubscribed:');
  show("bus.on('theme', function onTheme() { dialog.repaint() }); dialog.close()");
  const dialogRef = openAndCloseDialog();
  await collectGarbage();
  show('await collectGarbage(); dialogRef()', dialogRef());
  say('Still alive. whyAlive() takes a heap snapshot and walks from the GC roots to the dialog:');
  show('formatRetainers(await whyAlive(dialogRef()))', await explain(dialogRef));
  say('Read it left to right: the module variable `bus`, its `theme` listener, the scope that listener');
  say('closed over, and the `dialog` variable in that scope. The forgotten listener, found. Remove it:');
  bus.removeAllListeners('theme');
  show("bus.removeAllListeners('theme'); await expectCollected(dialogRef)");
  await expectCollected(dialogRef);
  show('dialogRef()', dialogRef());
  event('expectCollected resolved: the dialog was collected');

  heading("A failing leak test says why; jest's LeakDetector too");
  const detector = watchClosedDialog();
  show('const detector = new LeakDetector(dialog); dialog.close()   // the same bug again');
  show('await detector.isLeaking()', await detector.isLeaking());
  const failure = await expectCollected(openAndCloseDialog()).then(
    () => 'resolved',
    (error: Error) => `Error: ${error.message}`,
  );
  show('await expectCollected(ref(anotherClosedDialog))', failure);
  bus.removeAllListeners('theme');
  show("bus.removeAllListeners('theme'); await detector.isLeaking()", await detector.isLeaking());
}

function watchClosedDialog(): LeakDetector {
  return new LeakDetector(openAndCloseDialog()()!);
}

/** Opens a dialog that subscribes to the bus, closes it, and hands back only a weak reference. */
function openAndCloseDialog() {
  const dialog = new Dialog('Settings');
  bus.on('theme', function onTheme() {
    return dialog.title;
  });
  dialog.close();
  return ref(dialog);
}

/** Not async: the dialog is in this frame only, which is gone before whyAlive's snapshot. */
function explain(dialogRef: () => Dialog | undefined): Promise<string> {
  const dialog = dialogRef();
  return dialog === undefined ? Promise.resolve('(collected)') : whyAlive(dialog).then(formatRetainers);
}
