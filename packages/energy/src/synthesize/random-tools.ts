/** Small helpers over an injected `random()` in [0, 1). */
export type Random = () => number;

export const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length) % items.length];
export const chance = (probability: number, random: Random): boolean => random() < probability;
export const between = (low: number, high: number, random: Random): number => low + random() * (high - low);
export const shuffle = <T>(items: readonly T[], random: Random): T[] => {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
};
