import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';

const NEWLINE = 0x0a;

/** Where a line's bytes stop being UTF-8: the 0-based byte offset of the first bad byte, or -1. */
export const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [need, min] = [1, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [need, min] = [2, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [need, min] = [3, 0x10000];
    else return index;
    let code = lead & (0x3f >> need);
    for (let next = 1; next <= need; next += 1) {
      const byte = bytes[index + next];
      if (byte === undefined || (byte & 0xc0) !== 0x80) return index;
      code = (code << 6) | (byte & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return index;
    index += need + 1;
  }
  return -1;
};

/** One line of a text stream: its text, or why it has none. */
export type TextLine =
  | { line: number; text: string; problem?: undefined }
  /** `offset`: byte offset of the first invalid byte within the line. */
  | { line: number; text?: undefined; problem: 'invalid-utf8'; offset: number }
  /** `bytes`: the line's length in bytes (it was skipped, not held). */
  | { line: number; text?: undefined; problem: 'too-long'; bytes: number };

export interface Utf8LinesOptions {
  /**
   * Longest line held in memory, in bytes; a longer line is skipped to its end and
   * reported as `too-long`, so one endless line cannot exhaust memory.
   * @defaultValue 4 MiB
   */
  maxLineBytes?: number;
}

/**
 * Splits a byte stream into lines (`\n`, a trailing `\r` dropped), checking that every
 * line is UTF-8 instead of letting a decoder replace bad bytes with U+FFFD: a line with
 * an invalid byte comes back as `invalid-utf8` with its number and byte offset. Yields
 * the lines of each chunk together (one await per chunk). A leading UTF-8 BOM is dropped.
 *
 * Memory: one chunk plus the unfinished line, which is capped by `maxLineBytes`. A chunk
 * is not kept after the next one is asked for, so a source may hand out one buffer again
 * and again (`readFileChunks`).
 */
export async function* readUtf8Lines(stream: AsyncIterable<Buffer | Uint8Array | string>, options: Utf8LinesOptions = {}): AsyncGenerator<TextLine[]> {
  const maxLineBytes = options.maxLineBytes ?? 4 * 1024 * 1024;
  let line = 0;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overlong = false;

  const finish = (piece: Buffer, out: TextLine[]): void => {
    line += 1;
    if (overlong || carryBytes + piece.length > maxLineBytes) {
      out.push({ line, problem: 'too-long', bytes: carryBytes + piece.length });
    } else {
      const bytes = carry.length === 0 ? piece : Buffer.concat([...carry, piece]);
      out.push(lineOf(bytes, line));
    }
    carry = [];
    carryBytes = 0;
    overlong = false;
  };
  const hold = (piece: Buffer): void => {
    if (piece.length === 0) return;
    carryBytes += piece.length;
    if (overlong) return;
    if (carryBytes > maxLineBytes) {
      overlong = true;
      carry = [];
      return;
    }
    carry.push(Buffer.from(piece)); // a copy: the source may reuse its chunk buffer
  };

  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const firstNewline = chunk.indexOf(NEWLINE);
    if (firstNewline < 0) {
      hold(chunk);
      continue;
    }
    const out: TextLine[] = [];
    finish(chunk.subarray(0, firstNewline), out);
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline > firstNewline) {
      const middle = chunk.subarray(firstNewline + 1, lastNewline);
      if (isUtf8(middle)) {
        for (const text of middle.toString('utf8').split('\n')) {
          line += 1;
          if (text.length > maxLineBytes || (text.length * 3 > maxLineBytes && Buffer.byteLength(text) > maxLineBytes)) {
            out.push({ line, problem: 'too-long', bytes: Buffer.byteLength(text) });
          } else {
            out.push({ line, text: clean(text, line) });
          }
        }
      } else {
        let start = 0;
        for (;;) {
          const end = middle.indexOf(NEWLINE, start);
          const piece = middle.subarray(start, end < 0 ? middle.length : end);
          line += 1;
          out.push(piece.length > maxLineBytes ? { line, problem: 'too-long', bytes: piece.length } : lineOf(piece, line));
          if (end < 0) break;
          start = end + 1;
        }
      }
    }
    hold(chunk.subarray(lastNewline + 1));
    yield out;
  }
  if (carryBytes > 0 || overlong) {
    const out: TextLine[] = [];
    finish(Buffer.alloc(0), out);
    yield out;
  }
}

const lineOf = (bytes: Buffer, line: number): TextLine => {
  if (!isUtf8(bytes)) return { line, problem: 'invalid-utf8', offset: Math.max(0, firstInvalidUtf8(bytes)) };
  return { line, text: clean(bytes.toString('utf8'), line) };
};

/** Drops a line's trailing `\r` and, on line 1, a byte-order mark. */
const clean = (text: string, line: number): string => {
  const start = line === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return text.endsWith('\r') ? text.slice(start, -1) : start > 0 ? text.slice(start) : text;
};

/**
 * A pass-through stream that checks its bytes are UTF-8, line by line, without
 * decoding them: every line with an invalid byte is passed to `onInvalid` with its
 * 1-based line number and the byte offset in that line, before the bytes move on (so a
 * parser downstream can skip that line). Cost: one `isUtf8` call per chunk and one
 * `indexOf` per line.
 */
export const createUtf8LineCheck = (onInvalid: (line: number, offset: number) => void): Transform => {
  let line = 1;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  /** Bytes of the unfinished line already checked and let go (a very long line). */
  let checkedBytes = 0;
  /** The unfinished line was reported already. */
  let reported = false;
  const check = (bytes: Buffer): boolean => {
    if (isUtf8(bytes)) return true;
    onInvalid(line, checkedBytes + Math.max(0, firstInvalidUtf8(bytes)));
    reported = true;
    return false;
  };
  const finishCarry = (piece: Buffer): void => {
    if (!reported) check(carry.length === 0 ? piece : Buffer.concat([...carry, piece]));
    carry = [];
    carryBytes = 0;
    checkedBytes = 0;
    reported = false;
  };
  const hold = (piece: Buffer): void => {
    if (piece.length === 0 || reported) return;
    carry.push(piece);
    carryBytes += piece.length;
    if (carryBytes <= 1 << 20) return;
    // A long unfinished line: check what is complete of it now, keeping back a
    // multi-byte character that may straddle the cut.
    const joined = Buffer.concat(carry);
    let cut = joined.length;
    for (let back = 1; back <= 3 && cut - back >= 0; back += 1) {
      if ((joined[joined.length - back] & 0xc0) !== 0x80) {
        cut = joined.length - back;
        break;
      }
    }
    if (check(joined.subarray(0, cut))) {
      checkedBytes += cut;
      carry = [joined.subarray(cut)];
      carryBytes = joined.length - cut;
    } else {
      carry = [];
      carryBytes = 0;
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const firstNewline = chunk.indexOf(NEWLINE);
      if (firstNewline < 0) {
        hold(chunk);
        callback(null, chunk);
        return;
      }
      finishCarry(chunk.subarray(0, firstNewline));
      line += 1;
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      if (lastNewline > firstNewline) {
        const middle = chunk.subarray(firstNewline + 1, lastNewline);
        const valid = isUtf8(middle);
        let start = 0;
        for (;;) {
          const end = middle.indexOf(NEWLINE, start);
          if (!valid) {
            const piece = middle.subarray(start, end < 0 ? middle.length : end);
            if (!isUtf8(piece)) onInvalid(line, Math.max(0, firstInvalidUtf8(piece)));
          }
          line += 1;
          if (end < 0) break;
          start = end + 1;
        }
      }
      hold(chunk.subarray(lastNewline + 1));
      callback(null, chunk);
    },
    flush(callback) {
      if (carryBytes > 0 || checkedBytes > 0) finishCarry(Buffer.alloc(0));
      callback();
    },
  });
};

/**
 * A file's bytes in chunks of `chunkBytes`, read into one buffer that is handed out again
 * for every chunk (each view is valid until the next one is asked for). Reading 50 MB
 * this way allocates 1 MB instead of 50 MB of buffers for the garbage collector to find.
 */
export async function* readFileChunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
