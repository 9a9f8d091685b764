/**
 * Forgiving reading of format slips a person would not hold against an answer: numbers
 * written as strings (`"142.3"`, `"1,401,300"`), confidence as a word (`"high"` → 0.9,
 * `"medium"` → 0.6, `"low"` → 0.3) or in percent (75 → 0.75), a priority in capitals.
 * Returns the normalised answer and one note per slip; the gate deducts a little per
 * slip instead of failing the schema.
 */
export interface NormalizedAnswer {
  value: unknown;
  slips: string[];
}

const CONFIDENCE_WORDS: [RegExp, number][] = [
  [/^very\s+high$/i, 0.95],
  [/^(?:high|strong)$/i, 0.9],
  [/^(?:medium|moderate|fair)(?:[- ]high)?$/i, 0.6],
  [/^(?:low|limited|weak)(?:[- ]medium|[- ]moderate)?$/i, 0.3],
  [/^very\s+low$/i, 0.15],
];

const numberFrom = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const text = value
    .trim()
    .replace(/,/g, '')
    .replace(/\s*(?:%|kwh|kw)$/i, '');
  if (!/^[-+]?\d+(?:\.\d+)?$/.test(text)) return undefined;
  return Number(text);
};

const isRecord = (value: unknown): value is Record<string, unknown> => Boolean(value) && typeof value === 'object' && !Array.isArray(value);

export const normalizeAnswer = (answer: unknown): NormalizedAnswer => {
  if (!isRecord(answer)) return { value: answer, slips: [] };
  const slips: string[] = [];
  const root: Record<string, unknown> = { ...answer };
  const confidence = root.confidence;
  if (typeof confidence === 'string') {
    const numeric = numberFrom(confidence);
    const word = CONFIDENCE_WORDS.find(([pattern]) => pattern.test(confidence.trim()));
    const read = numeric ?? word?.[1];
    if (read !== undefined) {
      root.confidence = read > 1 && read <= 100 ? read / 100 : read;
      slips.push(`confidence written as "${confidence}", read as ${root.confidence}`);
    }
  } else if (typeof confidence === 'number' && confidence > 1 && confidence <= 100) {
    root.confidence = confidence / 100;
    slips.push(`confidence written as ${confidence}, read as ${confidence / 100}`);
  }
  const normalizeEvidence = (entry: unknown, where: string): unknown => {
    if (!isRecord(entry)) return entry;
    const value = numberFrom(entry.value);
    if (value === undefined) return entry;
    slips.push(`${where}.value written as the string "${String(entry.value)}"`);
    return { ...entry, value };
  };
  const normalizeList = (key: string, fix: (entry: Record<string, unknown>, where: string) => Record<string, unknown>) => {
    if (!Array.isArray(root[key])) return;
    root[key] = (root[key] as unknown[]).map((entry, index) => (isRecord(entry) ? fix({ ...entry }, `${key}[${index}]`) : entry));
  };
  const fixEvidence = (entry: Record<string, unknown>, where: string) => {
    if (Array.isArray(entry.evidence)) entry.evidence = entry.evidence.map((evidence, index) => normalizeEvidence(evidence, `${where}.evidence[${index}]`));
    return entry;
  };
  normalizeList('findings', fixEvidence);
  normalizeList('recommendations', (entry, where) => {
    for (const key of ['estimatedAnnualSavingsKwh', 'estimatedSavingsPct']) {
      const value = numberFrom(entry[key]);
      if (value !== undefined) {
        slips.push(`${where}.${key} written as the string "${String(entry[key])}"`);
        entry[key] = value;
      }
    }
    if (typeof entry.priority === 'string' && entry.priority !== entry.priority.toLowerCase()) {
      entry.priority = entry.priority.toLowerCase();
      slips.push(`${where}.priority written in capitals`);
    }
    return fixEvidence(entry, where);
  });
  return { value: root, slips };
};
