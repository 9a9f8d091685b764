import type { AnalysisAnswer } from '../answer-schema';

/**
 * A defensive view of a parsed answer that may not match the schema: every check reads
 * what is there and treats what is not as absent, so one malformed section does not hide
 * a hallucinated number in another.
 */
export interface EvidenceItem {
  metric: string;
  value: number;
  unit?: string;
  where: string;
  rawValue?: unknown;
}
/**
 * `meter`: the one meter whose metrics the surrounding finding or recommendation cites
 * (`peers.*` and `building.*` aside), when it cites exactly one; prose in it that names
 * no meter is read as being about that meter.
 */
export interface ProseField {
  text: string;
  where: string;
  meter?: string;
  /** The finding's title, for a detail: it may name the anomaly the detail's sentences are about. */
  context?: string;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
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
        items.push({ metric, value, unit: asText(evidence.unit), where: `${section}[${index}].evidence[${evidenceIndex}]`, rawValue: evidence.value });
      });
    });
  collect('findings');
  collect('recommendations');
  return items;
};

export const proseFields = (answer: unknown): ProseField[] => {
  const root = asRecord(answer);
  const fields: ProseField[] = [];
  const add = (value: unknown, where: string, meter?: string, context?: string) => {
    const text = asText(value);
    if (!text) return;
    const field: ProseField = { text, where };
    if (meter !== undefined) field.meter = meter;
    if (context !== undefined) field.context = context;
    fields.push(field);
  };
  const citedMeter = (entry: unknown): string | undefined => {
    const meters = new Set(
      asArray(asRecord(entry).evidence)
        .map((raw) => asText(asRecord(raw).metric)?.split('.')[0])
        .filter((prefix): prefix is string => prefix !== undefined && prefix !== 'peers' && prefix !== 'building'),
    );
    return meters.size === 1 ? [...meters][0] : undefined;
  };
  add(root.summary, 'summary');
  asArray(root.findings).forEach((entry, index) => {
    add(asRecord(entry).title, `findings[${index}].title`, citedMeter(entry));
    add(asRecord(entry).detail, `findings[${index}].detail`, citedMeter(entry), asText(asRecord(entry).title));
  });
  asArray(root.recommendations).forEach((entry, index) => {
    add(asRecord(entry).action, `recommendations[${index}].action`, citedMeter(entry));
    add(asRecord(entry).rationale, `recommendations[${index}].rationale`, citedMeter(entry));
  });
  for (const [index, entry] of asArray(root.dataIssuesAddressed).entries()) add(asRecord(entry).response, `dataIssuesAddressed[${index}].response`);
  return fields;
};

export const sectionOf = (answer: unknown, key: keyof AnalysisAnswer): unknown => asRecord(answer)[key];
export { asArray, asRecord, asText };
