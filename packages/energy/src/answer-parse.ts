/**
 * Lenient reading of a model's JSON answer: models wrap JSON in code fences, add a
 * sentence before or after it, or leave a trailing comma. Anything that still does not
 * parse is reported, never guessed.
 */

export type ParsedAnswerText = { ok: true; value: unknown; repaired: string[] } | { ok: false; error: string };

const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

export const parseAnswerText = (text: string): ParsedAnswerText => {
  const repaired: string[] = [];
  let body = text.trim();
  const fenced = FENCE.exec(body);
  if (fenced) {
    body = fenced[1].trim();
    repaired.push('stripped code fence');
  }
  const first = body.indexOf('{');
  const last = body.lastIndexOf('}');
  if (first < 0 || last <= first) return { ok: false, error: 'no JSON object in the answer' };
  if (first > 0 || last < body.length - 1) repaired.push('stripped text around the JSON object');
  body = body.slice(first, last + 1);
  try {
    return { ok: true, value: JSON.parse(body), repaired };
  } catch (error) {
    const withoutTrailingCommas = body.replace(/,(\s*[}\]])/g, '$1');
    if (withoutTrailingCommas !== body) {
      try {
        return { ok: true, value: JSON.parse(withoutTrailingCommas), repaired: [...repaired, 'removed trailing commas'] };
      } catch {
        // fall through to the original error
      }
    }
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
};
