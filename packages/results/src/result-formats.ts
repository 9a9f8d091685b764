/** What `eaio results --format` writes: one line per job (jsonl, csv) or the portfolio report (md, html). */
export const RESULT_FORMATS = ['jsonl', 'csv', 'md', 'html'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];
