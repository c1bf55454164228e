// Ambient names that TSDoc examples use without defining them: the reader's own objects and helpers,
// and the Node and vitest functions an example would import in a real file. Checked by
// `npm run check:examples` (scripts/check-examples.ts); an example's own declarations shadow these.

// Node and vitest, as a test or script would import them.
declare const readFileSync: typeof import('node:fs').readFileSync;
declare const createReadStream: typeof import('node:fs').createReadStream;
declare const expect: typeof import('vitest').expect;

// Users, sessions and their database (identity map, caches, weak sets).
declare class User {
  constructor(id: number, name?: string);
  readonly id: number;
  name: string;
}
declare class Session {
  constructor(user: User);
  readonly user: User;
}
interface Row {
  readonly table: string;
  readonly id: number;
  readonly name: string;
}
interface Database {
  get(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  run(sql: string, params?: unknown[]): void;
  transaction(work: (tx: Database) => Promise<void>): Promise<void>;
  findUser(id: number): Promise<User | undefined>;
}
declare const db: Database;
declare function rowToUser(row: Row): User;
declare function rowToUser(row: Row | undefined): User | undefined;
declare const id: number;
declare const row: Row;
declare const user: User;
declare const session: Session;
declare function makeSession(): Session;
declare const users: import('weakkit/identity').IdentityMap<number, User>;
declare const writer: import('weakkit/identity').FlushWriter<User>;
declare const writeInOneTransaction: import('weakkit/identity').FlushWriter<User>;
declare const online: import('weakkit').IterableWeakSet<User>;
declare const admins: import('weakkit').IterableWeakSet<User>;
declare const editors: import('weakkit').IterableWeakSet<User>;
declare const staff: import('weakkit').IterableWeakSet<User>;
declare const banned: import('weakkit').IterableWeakSet<User>;
declare const before: import('weakkit').IterableWeakSet<User>;
declare const after: import('weakkit').IterableWeakSet<User>;

// Parsed documents, images and layouts (caches, memoize, weak-value maps).
interface Doc {
  readonly title: string;
}
declare function parse(text: string): Doc;
declare const path: string;
declare const cache: import('weakkit/cache').WeakCache<string, Doc>;
declare const docs: import('weakkit').WeakValueMap<string, Doc>;
interface Bitmap {
  readonly width: number;
  readonly height: number;
}
declare function decodeImage(path: string): Promise<Bitmap>;
interface Layout {
  readonly width: number;
  readonly height: number;
}
declare function computeLayout(node: Element, width: number): Layout;
declare function fetchJson(url: string, init?: { signal?: AbortSignal }): Promise<unknown>;
declare const url: string;

// DOM elements and their metadata (iterable weak maps).
declare const element: Element;
declare const button: Element;
declare const header: Element;
declare const metadata: import('weakkit').IterableWeakMap<Element, { clicks: number }>;

// Widgets, dialogs and files (weak methods, finalizers, leak tests).
declare class Widget {
  render(): void;
}
declare const widget: Widget;
declare function makeWidget(): Widget;
declare function makeRef(): import('weakkit').Ref<object>;
declare const keptObject: object;
declare class Dialog {
  close(): void;
}
declare function openDialog(): Dialog;
declare function closeDialog(): void;
interface OpenFile {
  readonly fd: number;
}
declare function openFile(path: string): OpenFile;
declare function closeDescriptor(fd: number): void;
declare const logger: { warn(message: unknown): void };
