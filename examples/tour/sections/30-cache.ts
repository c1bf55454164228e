import { ref } from 'weakkit';
import { memoize, WeakCache } from 'weakkit/cache';
import { collectGarbage } from 'weakkit/testing';
import { event, heading, say, show } from '../show.js';

class Document {
  constructor(readonly path: string) {}
}

export default async function cache(): Promise<void> {
  heading('A cache with a strong LRU tail and a weak rest: WeakCache');
  say('A strong LRU reloads a value that someone still uses; a weak cache forgets a hot value at');
  say('the next collection. WeakCache holds its `max` most recently used values strongly, and every');
  say('other value for as long as anything else uses it.');
  const docs = new WeakCache<string, Document>({
    max: 2,
    onCollect: (path) => event(`${path} was collected and left the cache`),
  });
  show("const docs = new WeakCache({ max: 2, onCollect: (path) => console.log(path, 'was collected') })");
  const editor: Document[] = [];
  openDocuments(docs, editor);
  show("docs.set('a.md', a)  // the editor keeps a.md open");
  show("docs.set('b.md', new Document('b.md')); docs.set('c.md', …); docs.set('d.md', …)");
  show('[docs.size, docs.strongSize]', [docs.size, docs.strongSize]);
  show('await collectGarbage()');
  await collectGarbage();
  show('[...docs.keys()]', [...docs.keys()]);
  say('c.md and d.md are the two most recently used; a.md left the tail but the editor still uses it.');
  show("docs.get('a.md') === editorDocument", docs.get('a.md') === editor[0]);
  show('docs.stats', docs.stats);
  say('That hit was a weak hit: a plain LRU of 2 would have loaded a second a.md. The read made');
  say('a.md the most recently used again, so c.md is now the one outside the tail, and nobody uses it:');
  show('await collectGarbage()');
  await collectGarbage();
  show('[...docs.keys()]', [...docs.keys()]);

  heading('fetch: one load for concurrent callers, and per-caller abort');
  const remote = new WeakCache<string, Document>({
    load: async (path) => {
      event(`loading ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return new Document(path);
    },
  });
  const controller = new AbortController();
  const aborted = remote.fetch('e.md', { signal: controller.signal });
  const x = remote.fetch('e.md');
  const y = remote.fetch('e.md');
  controller.abort(new Error('user left'));
  show(
    "const aborted = remote.fetch('e.md', { signal }); const x = remote.fetch('e.md'), y = remote.fetch('e.md')",
  );
  show("controller.abort(new Error('user left'))");
  show('await aborted', await aborted.catch((error: Error) => `rejected: ${error.message}`));
  show('(await x) === (await y)', (await x) === (await y));
  say('One load served both callers that stayed; the load itself would abort only if all of them had.');
  show('remote.stats', remote.stats);

  heading('memoize: results that die with their arguments');
  const summarize = memoize((doc: Document) => ({ title: doc.path.toUpperCase() }));
  show('const summarize = memoize((doc) => ({ title: doc.path.toUpperCase() }))');
  const summary = summarizeFresh(summarize);
  show('summarize(doc); const summary = ref(summarize(doc))  // doc: a Document nothing else keeps');
  show('summary()', summary());
  show('await collectGarbage()');
  await collectGarbage();
  show('summary()', summary());
  say('The argument was collected, and its cached result with it: no entry to evict by hand.');
  show('summarize.cache.stats', summarize.cache.stats);
}

/** Opens a.md in the editor and loads three documents nobody keeps. */
function openDocuments(docs: WeakCache<string, Document>, editor: Document[]): void {
  const a = new Document('a.md');
  editor.push(a);
  docs.set('a.md', a);
  for (const path of ['b.md', 'c.md', 'd.md']) docs.set(path, new Document(path));
}

/** Calls `summarize` on a document nothing keeps, twice, and returns a ref to the cached result. */
function summarizeFresh(summarize: (doc: Document) => { title: string }) {
  const doc = new Document('f.md');
  summarize(doc);
  return ref(summarize(doc));
}
