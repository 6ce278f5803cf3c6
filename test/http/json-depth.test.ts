import { describe, expect, it } from 'vitest';
import { jsonDepth } from '../../server/http/json-body.parser.js';

/** The definition, one character at a time: brackets outside strings, a backslash escaping the next character. */
function referenceDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth -= 1;
  }
  return deepest;
}

describe('jsonDepth', () => {
  it('counts brackets outside strings only, whatever the strings hide', () => {
    const cases: [string, number][] = [
      ['{}', 1],
      ['{"a":[1,{"b":[]}]}', 4],
      ['{"text":"[[[[{{{{"}', 1],
      // An escaped quote does not close the string; an escaped backslash before a quote does.
      ['{"a":"x\\"[[[["}', 1],
      ['{"a":"x\\\\"}', 1],
      ['{"a":"x\\\\\\"[[[["}', 1],
      ['["\\\\",[["\\\\\\\\"]]]', 3],
      // Malformed: an unclosed string hides everything after it.
      ['[["abc', 2],
      ['"', 0],
      ['', 0],
    ];
    for (const [text, depth] of cases) {
      expect(jsonDepth(text), text).toBe(depth);
      expect(referenceDepth(text), text).toBe(depth);
    }
  });

  it('agrees with the character-by-character definition on random hostile text', () => {
    const pieces = ['{', '}', '[', ']', '"', '\\', '\\"', '\\\\', 'a', ':', ',', ' ', 'é', '😀'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 20_000; round += 1) {
      let text = '';
      const length = Math.floor(random() * 40);
      for (let i = 0; i < length; i += 1) text += pieces[Math.floor(random() * pieces.length)];
      expect(jsonDepth(text), text).toBe(referenceDepth(text));
    }
  });

  it('measures what JSON.parse would build, for real request shapes', () => {
    const body = {
      model: 'm',
      tools: [{ name: 't', input_schema: { type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } } } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a "quoted" [bracket] and a \\ backslash' }] }],
    };
    const text = JSON.stringify(body);
    expect(jsonDepth(text)).toBe(referenceDepth(text));
    expect(jsonDepth(text)).toBe(7); // body, tools, tool, input_schema, properties, a, items
  });
});
