import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createUtf8LineCheck, firstInvalidUtf8, readFileChunks, readUtf8Lines, type TextLine } from './utf8-lines';

const linesOf = async (chunks: Buffer[], maxLineBytes?: number): Promise<TextLine[]> => {
  const out: TextLine[] = [];
  for await (const batch of readUtf8Lines(Readable.from(chunks), { maxLineBytes })) out.push(...batch);
  return out;
};

/** Every way to cut `bytes` into two chunks, plus one chunk per byte. */
const cuts = (bytes: Buffer): Buffer[][] => [
  ...Array.from({ length: bytes.length + 1 }, (_unused, at) => [bytes.subarray(0, at), bytes.subarray(at)].filter((part) => part.length > 0)),
  [...bytes].map((byte) => Buffer.from([byte])),
];

describe('readUtf8Lines', () => {
  const text = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('first\r\nsecond é 漢 😀\n'),
    Buffer.from('bad '),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(' here\n'),
    Buffer.from('\nlast without newline'),
  ]);

  it('gives each line its number, drops the BOM and \\r, and names invalid UTF-8 by line and byte, however the stream is cut', async () => {
    const expected: TextLine[] = [
      { line: 1, text: 'first' },
      { line: 2, text: 'second é 漢 😀' },
      { line: 3, problem: 'invalid-utf8', offset: 4 },
      { line: 4, text: '' },
      { line: 5, text: 'last without newline' },
    ];
    for (const chunks of cuts(text)) expect(await linesOf(chunks)).toEqual(expected);
  });

  it('reads a file through one reused chunk buffer without mixing up the lines held across chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'utf8-lines-'));
    try {
      const lines = Array.from({ length: 200 }, (_unused, index) => `${index}: ${'é漢😀'.repeat(index % 7)} end`);
      await writeFile(join(dir, 'lines.txt'), `${lines.join('\n')}\n`);
      for (const chunkBytes of [1, 3, 7, 64, 1 << 20]) {
        const read: TextLine[] = [];
        for await (const batch of readUtf8Lines(readFileChunks(join(dir, 'lines.txt'), chunkBytes))) read.push(...batch);
        expect(read.map((entry) => entry.text)).toEqual(lines);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('skips a line longer than maxLineBytes without holding it, and reads on', async () => {
    const long = Buffer.from(`short\n${'x'.repeat(5000)}\nafter\n${'y'.repeat(5000)}`);
    const chunks = Array.from({ length: Math.ceil(long.length / 100) }, (_unused, index) => long.subarray(index * 100, index * 100 + 100));
    expect(await linesOf(chunks, 1000)).toEqual([
      { line: 1, text: 'short' },
      { line: 2, problem: 'too-long', bytes: 5000 },
      { line: 3, text: 'after' },
      { line: 4, problem: 'too-long', bytes: 5000 },
    ]);
    expect(await linesOf([long], 1000)).toEqual(await linesOf(chunks, 1000));
  });

  it('finds the first invalid byte: overlong forms, surrogates, truncated sequences, stray continuation bytes', () => {
    expect(firstInvalidUtf8(Buffer.from('plain é 漢 😀'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong '/'
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0xe6, 0xbc]))).toBe(0); // cut short
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x80]))).toBe(1); // continuation without a lead
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });
});

describe('createUtf8LineCheck', () => {
  it('passes every byte through and reports the invalid lines, however the stream is cut', async () => {
    const bytes = Buffer.concat([Buffer.from('a,1\nb,é\n'), Buffer.from([0x63, 0xff, 0x0a]), Buffer.from('d,漢\ne'), Buffer.from([0xe6, 0xbc])]);
    for (const chunks of cuts(bytes)) {
      const invalid: [number, number][] = [];
      const check = createUtf8LineCheck((line, offset) => invalid.push([line, offset]));
      const out: Buffer[] = [];
      for await (const chunk of Readable.from(chunks).pipe(check)) out.push(chunk as Buffer);
      expect(Buffer.concat(out).equals(bytes)).toBe(true);
      expect(invalid).toEqual([
        [3, 1],
        [5, 1],
      ]);
    }
  });

  it('checks a very long line piece by piece without losing a character cut at a piece boundary', async () => {
    const line = Buffer.from(`${'é'.repeat(700_000)}\n`); // 1.4 MB: held past the 1 MiB check point
    const bad = Buffer.concat([Buffer.from('é'.repeat(600_000)), Buffer.from([0xff]), Buffer.from('\n')]);
    const invalid: [number, number][] = [];
    const check = createUtf8LineCheck((lineNumber, offset) => invalid.push([lineNumber, offset]));
    const chunks = [line, bad].flatMap((part) =>
      Array.from({ length: Math.ceil(part.length / 65_537) }, (_unused, index) => part.subarray(index * 65_537, index * 65_537 + 65_537)),
    );
    for await (const _chunk of Readable.from(chunks).pipe(check)) {
      /* drain */
    }
    expect(invalid).toEqual([[2, 1_200_000]]);
  });
});
