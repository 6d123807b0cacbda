import { vi } from 'vitest';

export interface StdoutCapture {
  /** The complete lines written since the capture started (or since the last `take`), and forgets them. */
  take(): string[];
  restore(): void;
}

/**
 * Catches what is written through `process.stdout.write`, where Powertools' own Console writes EMF
 * (pino writes to file descriptor 1 directly and is not caught). Nothing reaches the terminal meanwhile.
 */
export function captureStdout(): StdoutCapture {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((r) => typeof r === 'function') as ((error?: Error | null) => void) | undefined;
    done?.(null);
    return true;
  }) as typeof process.stdout.write);
  return {
    take() {
      const end = text.lastIndexOf('\n');
      if (end < 0) return [];
      const lines = text.slice(0, end).split('\n');
      text = text.slice(end + 1);
      return lines;
    },
    restore() {
      spy.mockRestore();
    },
  };
}

/** One CloudWatch Embedded Metric Format document, as a line on stdout carries it. */
export interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** Parses each line as one EMF document, failing on a line that is anything else. */
export function emfDocuments(lines: readonly string[]): EmfDocument[] {
  return lines.map((line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`a stdout line is not one JSON object: ${line.slice(0, 200)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || !('_aws' in parsed)) throw new Error(`a stdout line is JSON without the EMF _aws key: ${line.slice(0, 200)}`);
    return parsed as EmfDocument;
  });
}

/** A metric's values in a document: EMF carries one number, or an array when it was recorded several times. */
export function valuesOf(document: EmfDocument, name: string): number[] {
  const value = document[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as number[]) : [value as number];
}
