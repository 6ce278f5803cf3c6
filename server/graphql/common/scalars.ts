import { GraphQLScalarType, Kind } from 'graphql';

/**
 * Exact decimal amounts (USD, rates) as strings, so money never passes through a float.
 * Accepts a string or number on input; the domain validates the value.
 */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, serialized as a string such as "12.5"',
  serialize(value) {
    if (value === null || value === undefined) return null;
    const text = String(value);
    return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  },
  parseValue(value) {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
    throw new TypeError('Decimal must be a string or a finite number');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
    throw new TypeError('Decimal must be a string or a number');
  },
});
