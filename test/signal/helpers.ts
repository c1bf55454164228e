// Shared by the signal tests: capturing what the library reports instead of printing it.
import { afterEach, beforeEach } from 'vitest';
import { type ErrorHandler, setErrorHandler } from '../../src/index.js';

export interface Report {
  error: unknown;
  context: string;
}

/** Collects every report made during each test of the calling file, instead of printing it. */
export function captureReports(): Report[] {
  const reports: Report[] = [];
  let previous: ErrorHandler | undefined;
  beforeEach(() => {
    reports.length = 0;
    previous = setErrorHandler((error, context) => reports.push({ error, context }));
  });
  afterEach(() => {
    if (previous !== undefined) setErrorHandler(previous);
  });
  return reports;
}
