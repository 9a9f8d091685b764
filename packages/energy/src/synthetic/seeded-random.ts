/**
 * Counter-based deterministic randomness: the same (seed, a, b, c) always gives the same
 * number, in any order, so any cell of a synthetic portfolio can be computed on its own.
 */
export const hashUniform = (seed: number, a: number, b = 0, c = 0): number => {
  let hash = (seed ^ 0x9e3779b9) >>> 0;
  for (const part of [a, b, c]) {
    hash = Math.imul(hash ^ (part >>> 0), 0x85ebca6b) >>> 0;
    hash = (hash ^ (hash >>> 13)) >>> 0;
    hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
    hash = (hash ^ (hash >>> 16)) >>> 0;
  }
  return hash / 4294967296;
};

/** Standard normal from two counter-based uniforms (Box–Muller). */
export const hashNormal = (seed: number, a: number, b = 0, c = 0): number => {
  const u = Math.max(hashUniform(seed, a, b, c * 2 + 1), 1e-12);
  const v = hashUniform(seed, a, b, c * 2 + 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

/** Sequential generator for setup choices (floor areas, outages), seeded. */
export const createRandom = (seed: number): (() => number) => {
  let counter = 0;
  return () => hashUniform(seed, 0x5eed, counter++);
};
