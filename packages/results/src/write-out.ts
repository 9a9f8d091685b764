import { once } from 'node:events';

/** The reader of a stream went away (an HTTP client disconnected) before the output was complete. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
  constructor() {
    super('the output closed before the results were written');
  }
}

/**
 * Writes `text` to `out`, waiting for `drain` when the stream asks for it (backpressure).
 * Throws when the stream is closed or closes while waiting, so a reader that went away
 * ends the Postgres cursor instead of leaving it open.
 */
export const writeOut = async (out: NodeJS.WritableStream, text: string): Promise<void> => {
  if ((out as { destroyed?: boolean }).destroyed) throw new OutputClosedError();
  if (out.write(text)) return;
  const stop = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: stop.signal }),
      once(out, 'close', { signal: stop.signal }).then(() => {
        throw new OutputClosedError();
      }),
    ]);
  } finally {
    stop.abort();
  }
};
