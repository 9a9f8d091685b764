import { createHash } from 'node:crypto';

/** A deterministic stream of numbers in [0, 1). */
export type Random = () => number;

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  }) ?? 'undefined';

export const hashText = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * sfc32 seeded from the SHA-256 of `parts`: the same parts always give the same stream,
 * on any machine and whatever else runs concurrently.
 */
export const createRandom = (...parts: (string | number)[]): Random => {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
};
