// The code under test: widgets that re-layout when the window resizes. A module-level Map holds one
// resize listener per session; a widget must take its listener out when disposed.
const listeners = new Map<string, () => void>();

export function resizeAll(): void {
  for (const listener of listeners.values()) listener();
}

/** The bug: `dispose()` forgets the listener, whose closure holds the widget forever. */
export class LeakyWidget {
  constructor(readonly session: string) {
    listeners.set(`session:${session}`, () => this.layout());
  }

  layout(): void {}

  dispose(): void {}
}

/** The fix: `dispose()` deletes the listener, and nothing holds the widget any more. */
export class Widget {
  constructor(readonly session: string) {
    listeners.set(`session:${session}`, () => this.layout());
  }

  layout(): void {}

  dispose(): void {
    listeners.delete(`session:${this.session}`);
  }
}
