import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { WireResponse } from './wire/wire-format';

/** Largest request body accepted (Anthropic's own limit is 32 MB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export const readBody = async (request: IncomingMessage): Promise<string> => (await readRawBody(request)).toString('utf8');

/** The request body's bytes as they arrived. */
export const readRawBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** Waits `ms`; resolves `false` early when `signal` aborts (the client went away). */
export const sleep = async (ms: number, signal: AbortSignal): Promise<boolean> => {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
};

export const isWritable = (response: ServerResponse): boolean => !response.destroyed && !response.writableEnded;

export const send = (response: ServerResponse, wire: WireResponse): void => {
  if (!isWritable(response)) return;
  response.writeHead(wire.status, { ...wire.headers, 'content-length': String(Buffer.byteLength(wire.body)) });
  response.end(wire.body);
};

export const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  send(response, { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Writes one chunk unless the client is gone. */
export const write = (response: ServerResponse, chunk: string): void => {
  if (isWritable(response) && chunk !== '') response.write(chunk);
};
