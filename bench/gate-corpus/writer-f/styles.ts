/** Writer F styles: how different model families tend to phrase, format and wrap an answer. */
export interface Style {
  id: string;
  /** how the JSON is wrapped */
  wraps: ('raw' | 'pretty' | 'fence' | 'preamble-fence' | 'preamble' | 'fence-nolang')[];
  /** significant figures for prose numbers */
  sig: number;
  sep: boolean;
  /** energy in MWh where large */
  mwh: boolean;
  british: boolean;
  md: boolean;
  hedge: boolean;
  terse: boolean;
  evUnit: boolean;
  /** evidence values rounded to this many sig figs (0 = exact) */
  evSig: number;
  conf: number;
  euiUnit: string;
  /** say confidence in prose */
  confProse: boolean;
  preambles: string[];
}

const base: Omit<Style, 'id'> = {
  wraps: ['raw'],
  sig: 3,
  sep: true,
  mwh: false,
  british: false,
  md: false,
  hedge: false,
  terse: false,
  evUnit: true,
  evSig: 0,
  conf: 0.85,
  euiUnit: 'kWh/m²',
  confProse: false,
  preambles: [],
};

export const STYLES: Style[] = [
  { ...base, id: 'llama-3b-terse', wraps: ['raw', 'fence-nolang'], sig: 4, sep: false, terse: true, evUnit: false, conf: 0.9, euiUnit: 'kWh/m2' },
  { ...base, id: 'qwen-7b-plain', wraps: ['pretty', 'fence'], sig: 4, conf: 0.85, euiUnit: 'kWh/m²' },
  { ...base, id: 'gpt-4o-polished', wraps: ['fence', 'pretty'], sig: 3, conf: 0.82, euiUnit: 'kWh/m²' },
  { ...base, id: 'claude-hedged', wraps: ['pretty', 'raw'], sig: 3, hedge: true, conf: 0.75, confProse: true, euiUnit: 'kWh/m²/yr' },
  { ...base, id: 'deepseek-markdown', wraps: ['fence'], sig: 4, md: true, conf: 0.8, euiUnit: 'kWh/m²' },
  {
    ...base,
    id: 'gemini-takeaways',
    wraps: ['preamble-fence', 'fence'],
    sig: 3,
    md: true,
    conf: 0.8,
    preambles: ["Here's the structured analysis you asked for:", 'Okay, here is the JSON analysis for this building.'],
  },
  { ...base, id: 'analyst-jargon', wraps: ['pretty'], sig: 3, british: true, conf: 0.8, euiUnit: 'kWh/m²·a' },
  { ...base, id: 'british-consultant', wraps: ['pretty', 'fence'], sig: 3, british: true, hedge: true, mwh: true, conf: 0.78, euiUnit: 'kWh/m²/yr', confProse: true },
  { ...base, id: 'numbers-first', wraps: ['raw', 'pretty'], sig: 4, terse: true, conf: 0.85, euiUnit: 'kWh/m²' },
  { ...base, id: 'comparative-fractions', wraps: ['pretty'], sig: 3, conf: 0.8, euiUnit: 'kWh per m²' },
  { ...base, id: 'percent-change', wraps: ['fence', 'raw'], sig: 3, conf: 0.82, euiUnit: 'kWh/m²' },
  { ...base, id: 'mwh-converter', wraps: ['pretty'], sig: 4, mwh: true, conf: 0.83, euiUnit: 'kWh/m²' },
  { ...base, id: 'us-engineer', wraps: ['fence', 'pretty'], sig: 3, conf: 0.84, euiUnit: 'kWh/m²' },
  {
    ...base,
    id: 'mistral-preamble',
    wraps: ['preamble', 'preamble-fence'],
    sig: 3,
    sep: false,
    conf: 0.8,
    preambles: ['Sure! Below is the analysis as a single JSON object.', 'Here is my analysis of the building data:'],
  },
  { ...base, id: 'phi-compact', wraps: ['raw'], sig: 3, terse: true, evUnit: false, evSig: 4, conf: 0.85, euiUnit: 'kWh/sqm' },
];

export function wrap(json: any, st: Style, pick: <T>(a: readonly T[]) => T): string {
  const w = pick(st.wraps);
  const pretty = JSON.stringify(json, null, 2);
  switch (w) {
    case 'raw':
      return JSON.stringify(json);
    case 'pretty':
      return pretty;
    case 'fence':
      return '```json\n' + pretty + '\n```';
    case 'fence-nolang':
      return '```\n' + pretty + '\n```';
    case 'preamble-fence':
      return pick(st.preambles.length ? st.preambles : ['Here is the analysis:']) + '\n\n```json\n' + pretty + '\n```';
    case 'preamble':
      return pick(st.preambles.length ? st.preambles : ['Here is the analysis:']) + '\n' + pretty;
  }
}
