import { pino } from 'pino';

/**
 * Where the functions' pino loggers write. Pino's default stdout buffers lines and writes them from
 * another thread, where a large write can interleave with an EMF line Powertools writes meanwhile, and
 * where a line can still wait when Lambda freezes the container after the answer. Written
 * synchronously, each log line is whole, apart from the EMF lines, and out before the invocation ends.
 */
export function syncStdout(): { stream: ReturnType<typeof pino.destination> } {
  return { stream: pino.destination({ dest: 1, sync: true }) };
}
