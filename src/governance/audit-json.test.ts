// Stored JSON read back for verification: equal to what was written, even where V8's JSON.parse
// decodes an escaped key wrongly (nodejs/node#63785).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { canonicalJson } from './audit-chain.ts'
import { parseStoredJson } from './audit-json.ts'

test('an escaped key is read as written after JSON.parse has cached a different escaped key', () => {
  for (const [poison, text, key] of [
    ['{"x":1,"\\\\":2}', '{"x":1,"\\n":2}', '\n'],
    ['{"y":[],"\\\\":0}', '{"y":1,"\\"":2}', '"'],
    ['{"z":1,"\\\\":2}', '{"z":1,"\\u0041":2}', 'A'],
  ] as const) {
    JSON.parse(poison)
    assert.deepEqual(Object.keys(parseStoredJson(text) as object), [text.slice(2, 3), key])
  }
})

test('reads any JSON value (keys and strings with escapes, unicode, numbers, nesting) as JSON.stringify wrote it', () => {
  const character = fc.oneof(fc.constantFrom('\\', '"', '\n', '\t', '\r', '\b', '\f', '/', '\u0001', '\u001f', '\u2028', 'é', '🙂', 'a', ' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }))
  fc.assert(fc.property(fc.jsonValue({ stringUnit: character, maxDepth: 4 }), fc.constantFrom(undefined, 1, 2), (value, indent) => {
    const text = JSON.stringify(value, null, indent)
    assert.equal(canonicalJson(parseStoredJson(text)), canonicalJson(value))
  }), { numRuns: 3000 })
})

test('"__proto__" is an own key, as in JSON.parse; malformed text is refused', () => {
  const value = parseStoredJson('{"__proto__": {"a": 1}, "\\n": [true, false, null, -0.5e-3]}') as Record<string, unknown>
  assert.deepEqual(Object.keys(value), ['__proto__', '\n'])
  assert.equal(Object.getPrototypeOf(value), Object.prototype)
  assert.equal(canonicalJson(value), '{"\\n":[true,false,null,-0.0005],"__proto__":{"a":1}}')
  for (const bad of ['{"\\n": }', '{"\\n": 1', '["\\n", 1,]', '"\\n', '{"\\n": 1} x', '{"\\n" 1}', '[tru]']) {
    assert.throws(() => parseStoredJson(bad), SyntaxError, bad)
  }
})
