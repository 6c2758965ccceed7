import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../engine/http/api-error.ts';
import { isLenientBase64, pyRepr, validateBody } from '../../../engine/http/validate.ts';

const schema = {
  type: 'object', required: ['server'], additionalProperties: false,
  properties: {
    server: {
      type: 'object', required: ['name'], additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 5 },
        count: { type: 'integer', minimum: 1 },
        mode: { enum: ['a', 'b'] },
        ref: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    },
  },
};

const messageOf = (body: unknown) => {
  try {
    validateBody(schema, body);
    return 'valid';
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 400);
    return e.message;
  }
};

describe('validateBody renders Nova/jsonschema messages', () => {
  const cases: Array<[unknown, string]> = [
    [{ server: { name: 'ok' } }, 'valid'],
    [{}, "'server' is a required property"],
    [{ server: { name: 'a' }, x: 1 }, "Additional properties are not allowed ('x' was unexpected)"],
    [{ server: {} }, "Invalid input for field/attribute server. Value: {}. 'name' is a required property"],
    [{ server: { name: '' } }, "Invalid input for field/attribute name. Value: . '' is too short"],
    [{ server: { name: 'toolong' } }, "Invalid input for field/attribute name. Value: toolong. 'toolong' is too long"],
    [{ server: { name: 'a', count: 0 } }, 'Invalid input for field/attribute count. Value: 0. 0 is less than the minimum of 1'],
    [{ server: { name: 'a', count: 'x' } }, "Invalid input for field/attribute count. Value: x. 'x' is not of type 'integer'"],
    [{ server: { name: 'a', mode: 'c' } }, "Invalid input for field/attribute mode. Value: c. 'c' is not one of ['a', 'b']"],
    [{ server: { name: 'a', ref: true } }, 'Invalid input for field/attribute ref. Value: True. True is not valid under any of the given schemas'],
  ];
  for (const [body, expected] of cases) it(JSON.stringify(body), () => assert.equal(messageOf(body), expected));
});

describe('pyRepr', () => {
  it('prints values as Python would', () => {
    assert.equal(pyRepr(null), 'None');
    assert.equal(pyRepr({ a: [1, 'b', false] }), "{'a': [1, 'b', False]}");
    assert.equal(pyRepr("it's"), '"it\'s"');
  });
});

describe('isLenientBase64 (Python b64decode without validate)', () => {
  const cases: Array<[string, boolean]> = [
    ['aGVsbG8=', true], ['aGVsbG8', false], ['aGVs bG8=\n', true], ['aGVsbA==', true], ['aGVsbA=', false], ['a', false], ['', true], ['!!aGk=', true],
  ];
  for (const [value, expected] of cases) it(JSON.stringify(value), () => assert.equal(isLenientBase64(value), expected));
});
