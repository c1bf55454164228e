// An image cache for a gallery: decoded bitmaps are large, so the cache keeps only the 3 most recently
// viewed ones strongly, and any other bitmap for as long as something on screen still uses it.
//   npm run build && node --expose-gc --import tsx examples/image-cache.ts
import { WeakCache } from 'weakkit/cache';
import { collectGarbage } from 'weakkit/testing';

/** A decoded image: 1 MB of pixels that nobody wants to decode twice. */
interface Bitmap {
  readonly path: string;
  readonly pixels: Uint8Array;
}

let decodes = 0;

/** Stands in for fetching and decoding an image; honours the abort signal as a real decoder would. */
async function decode(path: string, { signal }: { signal: AbortSignal }): Promise<Bitmap> {
  decodes++;
  await new Promise((resolve) => setTimeout(resolve, 20));
  signal.throwIfAborted();
  return { path, pixels: new Uint8Array(1024 * 1024) };
}

const images = new WeakCache<string, Bitmap>({
  max: 3,
  load: decode,
  onCollect: (path) => console.log(`  (collected: ${path})`),
});

/** What is on screen: the editor keeps the image it shows; thumbnails are drawn and let go. */
const editor: { open?: Bitmap } = {};

async function view(path: string, options: { keepOpen?: boolean } = {}): Promise<void> {
  const bitmap = await images.fetch(path);
  if (options.keepOpen) editor.open = bitmap;
}

function report(title: string): void {
  const { hits, weakHits, misses, loads, collected } = images.stats;
  console.log(`${title}`);
  console.log(`  cached: ${[...images.keys()].join(', ')} (${images.strongSize} held strongly)`);
  console.log(
    `  stats: ${hits} hits (${weakHits} weak), ${misses} misses, ${loads} loads, ${collected} collected`,
  );
}

// 1. Two widgets ask for the logo at the same time: one decode.
await Promise.all([view('logo.png'), view('logo.png')]);
report('Two concurrent requests for logo.png:');

// 2. The user opens a photo in the editor, then browses six thumbnails.
await view('beach.jpg', { keepOpen: true });
for (const path of ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg', 'f.jpg']) await view(path);
await collectGarbage();
report('After browsing, and a garbage collection:');
console.log('  beach.jpg left the strong tail long ago, but the editor still shows it, so it stayed.');

// 3. Back to the photo in the editor: served by the weak part, no second decode, same object.
const before = editor.open;
await view('beach.jpg');
console.log(`Back to beach.jpg: same bitmap as the editor's? ${images.peek('beach.jpg') === before}`);

// 4. A navigation cancels one request while another widget still wants the same image.
const navigation = new AbortController();
const cancelled = images.fetch('g.jpg', { signal: navigation.signal });
const wanted = images.fetch('g.jpg');
navigation.abort(new Error('navigated away'));
await cancelled.catch((error: Error) => console.log(`Cancelled request: ${error.message}`));
console.log(`The other request still got ${(await wanted).path}`);

report('In the end:');
console.log(`${decodes} decodes for ${images.stats.hits + images.stats.misses} requests.`);
