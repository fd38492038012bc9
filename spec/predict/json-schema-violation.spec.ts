import { jsonSchemaViolation } from '../../lib/predict/json-schema-violation';

describe('jsonSchemaViolation', () => {
  it.each([
    ['a fitting value', 'Paris', { type: 'string' }, undefined],
    ['a wrong type', 3, { type: 'string' }, "3 is not of type 'string'"],
    ['a float for an integer', 2.5, { type: 'integer' }, "2.5 is not of type 'integer'"],
    ['one of several types', null, { type: ['string', 'null'] }, undefined],
    ['a value outside an enum', 'K', { type: 'string', enum: ['C', 'F'] }, "'K' is not one of ['C', 'F']"],
    ['a list item of the wrong type', ['a', 2], { type: 'array', items: { type: 'string' } }, "2 is not of type 'string'"],
    ['a missing required property', { a: 1 }, { type: 'object', required: ['a', 'b'] }, "'b' is a required property"],
    [
      'an extra property',
      { a: 1, z: 2 },
      { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false },
      "Additional properties are not allowed ('z' was unexpected)",
    ],
    ['a string too long', 'abcd', { type: 'string', maxLength: 3 }, "'abcd' is too long"],
    ['a value under no anyOf branch', true, { anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'True is not valid under any of the given schemas'],
  ])('words %s as jsonschema does', (_label, value, schema, expected) => {
    expect(jsonSchemaViolation(value, schema)).toBe(expected);
  });
});
