/**
 * The JSON inside an answer text: the whole text, or the body of a single ```json fence.
 * `undefined` when it does not parse (the quality gate judges such answers; it is not a
 * wire error).
 */
export const parseJsonAnswer = (text: string): unknown => {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  try {
    return JSON.parse(fenced ? fenced[1] : trimmed) as unknown;
  } catch {
    return undefined;
  }
};
