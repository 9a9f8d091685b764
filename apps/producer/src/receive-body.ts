import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** The body is larger than the intake accepts. */
export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limitBytes: number) {
    super(`the request body is larger than ${formatBytes(limitBytes)}`);
    this.name = 'BodyTooLargeError';
  }
  static isInstance(error: unknown): error is BodyTooLargeError {
    return error instanceof Error && error.name === 'BodyTooLargeError';
  }
}

/** The body could not be read (the client went away, or a gzip body is corrupt). */
export class BodyUnreadableError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BodyUnreadableError';
  }
  static isInstance(error: unknown): error is BodyUnreadableError {
    return error instanceof Error && error.name === 'BodyUnreadableError';
  }
}

export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;

/**
 * Streams a request body to `file` (gunzipped when `Content-Encoding: gzip`), never
 * holding it in memory. Past `maxBytes` (counted after gunzip, so a small gzip bomb is
 * stopped too) it throws `BodyTooLargeError`; the rest of the body is then read and
 * dropped, so the caller can still answer on the same connection. Returns the bytes
 * written and their SHA-256 (hex), so the file need not be read again to name the batch.
 */
export const receiveBody = async (request: IncomingMessage, file: string, maxBytes: number): Promise<{ bytes: number; sha256: string }> => {
  let bytes = 0;
  const hash = createHash('sha256');
  const source = new PassThrough();
  const gone = (): void => {
    if (!request.complete) source.destroy(new BodyUnreadableError('the client closed the connection before the body was complete'));
  };
  request.once('aborted', gone);
  request.once('error', gone);
  request.once('close', gone);
  request.pipe(source);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        callback(new BodyTooLargeError(maxBytes));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const gzip = (request.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
  try {
    if (gzip) await pipeline(source, createGunzip(), counter, createWriteStream(file));
    else await pipeline(source, counter, createWriteStream(file));
  } catch (error) {
    request.unpipe(source);
    request.resume();
    if (BodyTooLargeError.isInstance(error) || BodyUnreadableError.isInstance(error)) throw error;
    if ((error as { code?: string }).code?.startsWith('Z_')) throw new BodyUnreadableError(`the gzip body could not be decompressed (${(error as Error).message})`);
    throw error;
  } finally {
    request.off('aborted', gone);
    request.off('error', gone);
    request.off('close', gone);
  }
  return { bytes, sha256: hash.digest('hex') };
};
