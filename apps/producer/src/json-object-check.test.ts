import { describe, expect, it } from 'vitest';
import { isJsonObjectText } from './json-object-check';

const parsesAsObject = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

const SAMPLES = [
  '{}',
  ' { } ',
  '{"a":1}',
  '{"a":-0.5e+10,"b":[1,2,{"c":null}],"d":true,"e":false}',
  '{"s":"\\u00e9\\n\\"\\\\\\/"}',
  '{"a":01}',
  '{"a":1.}',
  '{"a":.5}',
  '{"a":1e}',
  '{"a":-}',
  '{"a":+1}',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":"tab\there"}',
  '{"a":1,}',
  '{,}',
  '{"a" 1}',
  '{a:1}',
  "{'a':1}",
  '{"a":[1,]}',
  '{"a":[,1]}',
  '{"a":tru}',
  '{"a":nul}',
  '{"a":1}}',
  '{"a":1} x',
  '[1]',
  '"s"',
  '1',
  'null',
  '',
  '{',
  '}',
  '{"a":{"b":{"c":[[[]]]}}}',
  '{"a":"é 漢字 😀"}',
  '{"a":"\u2028"}',
  '{"a":1e5,"b":1E-5}',
  '{"id": "x", "prompt": ',
  '{"a":[1 2]}',
  '{"a":{"b":1,}}',
  '{"":""}',
  '{"a":-01}',
  '{"a":0.0e0}',
];

describe('isJsonObjectText', () => {
  it('agrees with JSON.parse on hand-picked lines', () => {
    for (const sample of SAMPLES) expect(isJsonObjectText(sample), sample).toBe(parsesAsObject(sample));
  });

  it('agrees with JSON.parse on 20,000 random mutations of valid lines', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const alphabet = '{}[]",:\\ 0123456789.-+eEtrufalsn\t\nabc';
    const bases = SAMPLES.filter(parsesAsObject);
    for (let round = 0; round < 20_000; round += 1) {
      const chars = [...bases[Math.floor(random() * bases.length)]];
      const edits = 1 + Math.floor(random() * 3);
      for (let edit = 0; edit < edits; edit += 1) {
        const at = Math.floor(random() * (chars.length + 1));
        const what = random();
        if (what < 0.4) chars.splice(at, 1);
        else if (what < 0.8) chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]);
        else chars[at] = alphabet[Math.floor(random() * alphabet.length)];
      }
      const text = chars.join('');
      expect(isJsonObjectText(text), text).toBe(parsesAsObject(text));
    }
  });

  it('treats nesting beyond the depth limit as not JSON instead of overflowing the stack', () => {
    expect(isJsonObjectText(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)).toBe(false);
    expect(isJsonObjectText(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`)).toBe(true);
  });
});
