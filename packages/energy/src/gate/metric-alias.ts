import type { PromptData } from '../prompts/prompt-data';

/**
 * Reads a metric name the way a forgiving reader would: the exact name from the data
 * block, else one that differs only in case, separators or a left-out meter or section
 * (`baseload_kw`, `electricity.baseloadKw`, `load.peakKw`, `Peak kW`). The slip is
 * reported so the gate can deduct a little for it; a name that fits no metric, or fits
 * several equally, is not guessed.
 */
export interface ResolvedMetric {
  /** The metrics the name may mean: one, or several when it leaves out which meter. */
  metrics: string[];
  /** `false` when the written name was a variant. */
  exact: boolean;
}

const squash = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

const formsOf = (name: string, meters: string[]): string[] => {
  const parts = name.split('.');
  const forms = new Set<string>([squash(name)]);
  const withoutMeter = meters.includes(parts[0]) ? parts.slice(1) : parts;
  forms.add(squash(withoutMeter.join('.')));
  forms.add(squash(parts[parts.length - 1]));
  if (parts.length >= 3) forms.add(squash(`${parts[0]}.${parts[parts.length - 1]}`));
  if (withoutMeter.length >= 2) forms.add(squash(withoutMeter.slice(-2).join('.')));
  return [...forms];
};

/** Unit words a name may carry that the data block's name spells differently. */
const UNIT_SPELLINGS: [RegExp, string][] = [[/kwhpersqm|kwhm2|kwhperm2|kwhsqm/g, 'kwhpersqm']];

export const resolveMetric = (written: string, data: PromptData): ResolvedMetric | undefined => {
  if (written in data.metrics) return { metrics: [written], exact: true };
  let key = squash(written);
  for (const [pattern, replacement] of UNIT_SPELLINGS) key = key.replace(pattern, replacement);
  if (key === '') return undefined;
  const hits = new Set<string>();
  for (const name of Object.keys(data.metrics)) {
    if (formsOf(name, data.meters).includes(key)) hits.add(name);
  }
  if (hits.size === 0) {
    // "baseload" for `baseloadKw`, "eui" for `euiKwhPerSqm`: a prefix of the last part.
    for (const name of Object.keys(data.metrics)) {
      const last = squash(name.slice(name.lastIndexOf('.') + 1));
      const meterFree = squash(
        name
          .split('.')
          .filter((part) => !data.meters.includes(part as never))
          .join('.'),
      );
      if (key.length >= 3 && (last.startsWith(key) || meterFree.startsWith(key) || key.endsWith(last))) hits.add(name);
    }
  }
  if (hits.size === 0) return undefined;
  // Several meters hold the metric: a name that says which meter narrows it.
  const meter = data.meters.find((name) => squash(written).includes(name));
  const narrowed = [...hits].filter((name) => meter !== undefined && name.startsWith(`${meter}.`));
  return { metrics: narrowed.length > 0 ? narrowed : [...hits], exact: false };
};
