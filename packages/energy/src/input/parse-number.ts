const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Strict decimal parse: `NaN` for anything that is not a plain number (`Number('')` is 0; this is not). */
export const parseNumber = (text: string): number => {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : Number.NaN;
};
