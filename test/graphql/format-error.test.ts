import { describe, expect, it } from 'vitest';
import { withoutSubmittedValues } from '../../server/graphql/format-error.js';

const SECRET = 'sk-ant-LEAKCANARY0123456789abcdef';

describe('withoutSubmittedValues', () => {
  it.each([
    [
      `Variable "$input" got invalid value { organizationId: "x", key: "${SECRET}", colour: "red" }; Field "colour" is not defined by type "SetProviderKeyInput".`,
      'Variable "$input" got invalid value; Field "colour" is not defined by type "SetProviderKeyInput".',
    ],
    [
      `Variable "$input" got invalid value { key: "${SECRET}; at \\"odd\\" {[" }; Field "provider" of required type "String!" was not provided.`,
      'Variable "$input" got invalid value; Field "provider" of required type "String!" was not provided.',
    ],
    [
      `Variable "$k" got invalid value "${SECRET}"; Expected type "SetProviderKeyInput" to be an object.`,
      'Variable "$k" got invalid value; Expected type "SetProviderKeyInput" to be an object.',
    ],
    [
      'Variable "$input" got invalid value 7 at "input.provider"; String cannot represent a non string value: 7',
      'Variable "$input" got invalid value at "input.provider"; String cannot represent a non string value.',
    ],
    [`Int cannot represent non-integer value: "${SECRET}"`, 'Int cannot represent non-integer value.'],
    [`Variable "$l" got invalid value ["a", ["${SECRET}"]] at "l[1]"; bad`, 'Variable "$l" got invalid value at "l[1]"; bad'],
    [
      `Syntax Error: Expected ":", found String "${SECRET}".\n\nGraphQL request:1:81\n1 | { key "${SECRET}" }`,
      'Syntax Error: Expected ":", found a string.',
    ],
    [`Expected value of type "Int", found "${SECRET}".`, 'Expected value of type "Int".'],
    ['Cannot query field "nope" on type "Query".', 'Cannot query field "nope" on type "Query".'],
  ])('%#: keeps the reason, drops the value', (input, expected) => {
    const output = withoutSubmittedValues(input);
    expect(output).toBe(expected);
    expect(output).not.toContain('LEAKCANARY');
  });
});
