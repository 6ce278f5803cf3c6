import { describe, expect, it } from 'vitest';
import { schemaExample } from '../../../tools/simulator/schema-example.js';

describe('schemaExample', () => {
  it('fills required properties with values of their types', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 18 },
        score: { type: 'number', exclusiveMinimum: 0, maximum: 5 },
        ok: { type: 'boolean' },
        nickname: { type: 'string' },
      },
      required: ['name', 'age', 'score', 'ok'],
      additionalProperties: false,
    };
    expect(schemaExample(schema)).toEqual({ name: 'example', age: 18, score: 1, ok: true });
  });

  it('takes enums, consts, nullable unions and string formats and lengths', () => {
    expect(schemaExample({ enum: ['red', 'green'] })).toBe('red');
    expect(schemaExample({ const: 7 })).toBe(7);
    expect(schemaExample({ anyOf: [{ type: 'null' }, { type: 'string', format: 'date-time' }] })).toBe('1970-01-01T00:00:00Z');
    expect(schemaExample({ type: ['null', 'integer'] })).toBe(0);
    expect(schemaExample({ type: 'string', minLength: 10 })).toHaveLength(10);
    expect(schemaExample({ type: 'string', maxLength: 3 })).toBe('exa');
    expect(schemaExample({ type: 'string', format: 'email' })).toBe('user@example.com');
  });

  it('builds arrays with their minimum item count (at least one) and nested objects', () => {
    const schema = {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        steps: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
        none: { type: 'array', items: { type: 'string' }, maxItems: 0 },
      },
      required: ['tags', 'steps', 'none'],
    };
    expect(schemaExample(schema)).toEqual({ tags: ['example', 'example'], steps: [{ n: 0 }], none: [] });
  });

  it('resolves $ref into $defs and definitions, and merges allOf', () => {
    const zodStyle = {
      $ref: '#/definitions/Person',
      definitions: { Person: { type: 'object', properties: { city: { $ref: '#/$defs/City' } }, required: ['city'] } },
      $defs: { City: { type: 'string', enum: ['Paris'] } },
    };
    expect(schemaExample(zodStyle)).toEqual({ city: 'Paris' });
    const merged = {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] },
      ],
    };
    expect(schemaExample(merged)).toEqual({ a: 'example', b: 0 });
  });

  it("reads Gemini's OpenAPI schema (upper-case types, no required list: every property)", () => {
    const schema = {
      type: 'OBJECT',
      properties: { title: { type: 'STRING' }, pages: { type: 'INTEGER' }, tags: { type: 'ARRAY', items: { type: 'STRING' } } },
    };
    expect(schemaExample(schema)).toEqual({ title: 'example', pages: 0, tags: ['example'] });
  });

  it('stops on schemas that require themselves instead of recursing forever', () => {
    const tree = { type: 'object', properties: { child: { $ref: '#' } }, required: ['child'] };
    expect(() => JSON.stringify(schemaExample(tree))).not.toThrow();
    const optional = { type: 'object', properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } } };
    expect(JSON.stringify(schemaExample(optional)).length).toBeLessThan(2_000);
  });

  it('answers null for an empty or missing schema', () => {
    expect(schemaExample({})).toBeNull();
    expect(schemaExample(undefined)).toBeNull();
  });
});
