import { createReadStream } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A file path, or a readable byte stream with a name for messages. */
export type InputSource = string | { stream: Readable; name: string; gzip?: boolean };

export interface OpenedText {
  name: string;
  stream: Readable;
  /** After the stream ended: total bytes and whether the last byte was a newline. */
  ending(): { bytes: number; endsWithNewline: boolean };
}

/** Opens a source as a byte stream, gunzipping when the path ends in `.gz` (or `gzip: true`). */
export const openText = (source: InputSource): OpenedText => {
  const name = typeof source === 'string' ? source : source.name;
  const gzip = typeof source === 'string' ? source.endsWith('.gz') : source.gzip === true;
  const raw = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source.stream;
  let bytes = 0;
  let lastByte = -1;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (chunk.length > 0) {
        bytes += chunk.length;
        lastByte = chunk[chunk.length - 1];
      }
      callback(null, chunk);
    },
  });
  const decoded = gzip ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error: Error) => decoded.destroy(error));
  decoded.pipe(tap);
  decoded.on('error', (error: Error) => tap.destroy(error));
  return { name, stream: tap, ending: () => ({ bytes, endsWithNewline: lastByte === 0x0a || lastByte === 0x0d }) };
};
