// Printing helpers for the tour: Python-REPL-like lines, colored with node:util's styleText.
import { inspect, styleText } from 'node:util';

/** A section heading. */
export function heading(title: string): void {
  console.log(
    `\n${styleText(['bold', 'cyan'], `── ${title} `)}${styleText('cyan', '─'.repeat(Math.max(0, 70 - title.length)))}`,
  );
}

/** Explanatory prose, dimmed. */
export function say(text: string): void {
  console.log(styleText('dim', text));
}

/** A line of code the reader would type, then what it produced. */
export function show(code: string, ...result: [value?: unknown]): void {
  console.log(`${styleText('green', '>')} ${code}`);
  if (result.length > 0) console.log(`  ${styleText('yellow', format(result[0]))}`);
}

/** Something the library printed or did by itself (a callback, a finalizer). */
export function event(text: string): void {
  console.log(`  ${styleText('magenta', `⟶ ${text}`)}`);
}

function format(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 2, breakLength: 100 });
}
