import type { AnalysisAnswer } from '../answer-schema';

/**
 * A defensive view of a parsed answer that may not match the schema: every check reads
 * what is there and treats what is not as absent, so one malformed section does not hide
 * a hallucinated number in another.
 */
export interface EvidenceItem { metric: string; value: number; unit?: string; where: string }
export interface ProseField { text: string; where: string }

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const evidenceItems = (answer: unknown): EvidenceItem[] => {
  const root = asRecord(answer);
  const items: EvidenceItem[] = [];
  const collect = (section: string) =>
    asArray(root[section]).forEach((entry, index) => {
      asArray(asRecord(entry).evidence).forEach((raw, evidenceIndex) => {
        const evidence = asRecord(raw);
        const metric = asText(evidence.metric);
        const value = typeof evidence.value === 'number' ? evidence.value : typeof evidence.value === 'string' ? Number(evidence.value.replace(/,/g, '')) : Number.NaN;
        if (metric === undefined) return;
        items.push({ metric, value, unit: asText(evidence.unit), where: `${section}[${index}].evidence[${evidenceIndex}]` });
      });
    });
  collect('findings');
  collect('recommendations');
  return items;
};

export const proseFields = (answer: unknown): ProseField[] => {
  const root = asRecord(answer);
  const fields: ProseField[] = [];
  const add = (value: unknown, where: string) => {
    const text = asText(value);
    if (text) fields.push({ text, where });
  };
  add(root.summary, 'summary');
  asArray(root.findings).forEach((entry, index) => {
    add(asRecord(entry).title, `findings[${index}].title`);
    add(asRecord(entry).detail, `findings[${index}].detail`);
  });
  asArray(root.recommendations).forEach((entry, index) => {
    add(asRecord(entry).action, `recommendations[${index}].action`);
    add(asRecord(entry).rationale, `recommendations[${index}].rationale`);
  });
  asArray(root.dataIssuesAddressed).forEach((entry, index) => add(asRecord(entry).response, `dataIssuesAddressed[${index}].response`));
  return fields;
};

export const sectionOf = (answer: unknown, key: keyof AnalysisAnswer): unknown => asRecord(answer)[key];
export { asArray, asRecord, asText };
