import { describe, expect, it } from 'vitest';
import { parseAnswerText } from './answer-parse';

describe('parseAnswerText', () => {
  it('reads plain JSON, fenced JSON and JSON with text around it', () => {
    expect(parseAnswerText('{"a":1}')).toEqual({ ok: true, value: { a: 1 }, repaired: [] });
    const fenced = parseAnswerText('```json\n{"a": 2}\n```');
    expect(fenced.ok && fenced.value).toEqual({ a: 2 });
    const wrapped = parseAnswerText('Here is the answer:\n{"a": 3}\nHope this helps.');
    expect(wrapped.ok && wrapped.value).toEqual({ a: 3 });
    expect(wrapped.ok && wrapped.repaired).toContain('stripped text around the JSON object');
  });

  it('repairs trailing commas but not truncation or single quotes', () => {
    const trailing = parseAnswerText('{"a": [1, 2,], }');
    expect(trailing.ok && trailing.value).toEqual({ a: [1, 2] });
    expect(parseAnswerText('{"a": [1, 2').ok).toBe(false);
    expect(parseAnswerText("{'a': 1}").ok).toBe(false);
    expect(parseAnswerText('no json at all').ok).toBe(false);
  });
});
