import { createHmac } from 'node:crypto';
import type { BuildingFacts } from '../types';

/**
 * Anonymisation of a building's facts before they leave for a non-local endpoint
 * (ENHANCED jobs): identifying values become stable pseudonyms (keyed HMAC, so the same
 * value gets the same pseudonym under the same key and cannot be reversed without the
 * key), coordinates are rounded, and every other string of the facts that quotes an
 * identifying value (a data issue, a missing-fact reason) quotes the pseudonym instead.
 * The answer is mapped back with {@link revealText}.
 *
 * Pure: the key and the policy come in; nothing is read or written.
 */
export interface AnonymisationPolicy {
  /** HMAC key; never sent anywhere. */
  key: string | Uint8Array;
  /**
   * Metadata columns sent as they are (lower case). Building id is always replaced;
   * name, notes and site id are replaced unless listed (`name`, `notes`, `site_id`).
   */
  plainColumns: readonly string[];
  /** Metadata columns holding a latitude or longitude: rounded instead of replaced. */
  coordinateColumns: readonly string[];
  /** Decimals kept of a coordinate. */
  coordinateDecimals: number;
}

export interface AnonymisedFacts {
  facts: BuildingFacts;
  /** Pseudonym → the real value it stands for (what {@link revealText} maps back). */
  pseudonyms: Map<string, string>;
  /**
   * The building fields the prompt carries and how each left: `building.id (pseudonym)`,
   * `building.metadata.latitude (rounded)`, `building.primaryUse`, …
   */
  fieldsSent: string[];
  /** Replaces every identifying value inside any value (e.g. a repair turn quoting an earlier answer) by its pseudonym. */
  conceal(value: unknown): unknown;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * `KIND-XXXXXXXX`: letters only, so a pseudonym is never read as a figure by the gate
 * nor taken for another building's id.
 */
export const pseudonymFor = (key: string | Uint8Array, kind: string, value: string): string => {
  const digest = createHmac('sha256', key).update(`${kind}\u0000${value}`).digest();
  let letters = '';
  for (let index = 0; index < 10; index += 1) letters += LETTERS[digest[index] % LETTERS.length];
  return `${kind}-${letters}`;
};

const kindOf = (column: string): string =>
  column
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 12) || 'FIELD';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces whole-word occurrences of each value (longest first) in `text`. */
const replaceValues = (text: string, replacements: readonly (readonly [string, string])[]): string => {
  let out = text;
  for (const [value, replacement] of replacements) {
    if (!out.toLowerCase().includes(value.toLowerCase())) continue;
    const before = /^\w/.test(value) ? '\\b' : '';
    const after = /\w$/.test(value) ? '\\b' : '';
    out = out.replace(new RegExp(`${before}${escapeRegExp(value)}${after}`, 'gi'), replacement);
  }
  return out;
};

const deepReplace = (value: unknown, replacements: readonly (readonly [string, string])[]): unknown => {
  if (typeof value === 'string') return replaceValues(value, replacements);
  if (Array.isArray(value)) return value.map((item) => deepReplace(item, replacements));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepReplace(item, replacements)]));
  }
  return value;
};

export const anonymiseFacts = (facts: BuildingFacts, policy: AnonymisationPolicy): AnonymisedFacts => {
  const plain = new Set(policy.plainColumns.map((column) => column.toLowerCase()));
  const coordinates = new Set(policy.coordinateColumns.map((column) => column.toLowerCase()));
  const pseudonyms = new Map<string, string>();
  /** Real value → pseudonym, for the free text elsewhere in the facts. */
  const replaced = new Map<string, string>();
  const fieldsSent: string[] = [];
  /** `minQuoted`: shortest value also replaced where other strings quote it (short common words are not). */
  const conceal = (kind: string, value: string, minQuoted = 2): string => {
    const pseudonym = pseudonymFor(policy.key, kind, value);
    pseudonyms.set(pseudonym, value);
    if (value.trim().length >= minQuoted && !replaced.has(value)) replaced.set(value, pseudonym);
    return pseudonym;
  };

  const source = facts.building;
  const building = { ...source };
  building.buildingId = conceal('BLDG', source.buildingId);
  fieldsSent.push('building.id (pseudonym)');
  const optional = [
    ['name', 'name', 'NAME'],
    ['notes', 'notes', 'NOTES'],
    ['siteId', 'site_id', 'SITE'],
  ] as const;
  for (const [field, column, kind] of optional) {
    const value = source[field];
    if (value === undefined) continue;
    if (plain.has(column)) {
      if (field !== 'siteId') fieldsSent.push(`building.${field}`);
      continue;
    }
    building[field] = conceal(kind, value);
    if (field !== 'siteId') fieldsSent.push(`building.${field} (pseudonym)`);
  }
  if (source.attributes) {
    const attributes: Record<string, string> = {};
    for (const [column, value] of Object.entries(source.attributes)) {
      const name = column.toLowerCase();
      const number = Number(value);
      if (coordinates.has(name) && value.trim() !== '' && Number.isFinite(number)) {
        attributes[column] = number.toFixed(policy.coordinateDecimals);
        fieldsSent.push(`building.metadata.${column} (rounded)`);
      } else if (plain.has(name)) {
        attributes[column] = value;
        fieldsSent.push(`building.metadata.${column}`);
      } else {
        attributes[column] = conceal(kindOf(name), value, 4);
        fieldsSent.push(`building.metadata.${column} (pseudonym)`);
      }
    }
    building.attributes = attributes;
  }
  fieldsSent.push('building.primaryUse', 'building.floorAreaSqm', 'building.timezone', 'period', 'meters', 'metrics', 'anomalies', 'dataIssues', 'missing');

  // Any other string that quotes an identifying value (e.g. "no weather for site 'X'") quotes its pseudonym.
  const byLength = [...replaced.entries()].sort((left, right) => right[0].length - left[0].length);
  const { building: _building, ...rest } = facts;
  const others = deepReplace(rest, byLength) as Omit<BuildingFacts, 'building'>;
  return { facts: { ...others, building }, pseudonyms, fieldsSent, conceal: (value) => deepReplace(value, byLength) };
};

/**
 * Maps pseudonyms in a model's answer back to the real values. With `json`, the text is
 * a JSON document and each value is inserted JSON-escaped (a name holding a quote keeps
 * the document valid).
 */
export const revealText = (text: string, pseudonyms: ReadonlyMap<string, string>, options: { json?: boolean } = {}): string => {
  if (pseudonyms.size === 0) return text;
  const byLength = [...pseudonyms.entries()].sort((left, right) => right[0].length - left[0].length);
  let out = text;
  for (const [pseudonym, value] of byLength) {
    const insert = options.json ? JSON.stringify(value).slice(1, -1) : value;
    out = out.replace(new RegExp(`\\b${escapeRegExp(pseudonym)}\\b`, 'gi'), () => insert);
  }
  return out;
};

/** Reveals every string inside a parsed answer. */
export const revealValue = (value: unknown, pseudonyms: ReadonlyMap<string, string>): unknown => {
  if (typeof value === 'string') return revealText(value, pseudonyms);
  if (Array.isArray(value)) return value.map((item) => revealValue(item, pseudonyms));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revealValue(item, pseudonyms)]));
  }
  return value;
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Free-text prompts (JSONL intake) carry no structure to anonymise by: e-mail addresses
 * in them become pseudonyms; the rest of the text goes as written.
 */
export const anonymiseFreeText = (text: string, key: string | Uint8Array): { text: string; pseudonyms: Map<string, string> } => {
  const pseudonyms = new Map<string, string>();
  const out = text.replace(EMAIL, (email) => {
    const pseudonym = pseudonymFor(key, 'EMAIL', email.toLowerCase());
    pseudonyms.set(pseudonym, email);
    return pseudonym;
  });
  return { text: out, pseudonyms };
};
