import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { AppError } from '../errors.ts'
import {
  dammCheckDigit, formatContactPointId, isValidContactPointId, newContactPointId, parseContactPointId,
} from './contactpoint-id.ts'

test('the Damm check digit matches the published worked example (572 → 4)', () => {
  assert.equal(dammCheckDigit('572'), 4)
  assert.equal(dammCheckDigit('5724'), 0)
})

test('new IDs are 12 digits, never start with 0, and validate', () => {
  for (let i = 0; i < 2000; i += 1) {
    const id = newContactPointId()
    assert.match(id, /^[1-9]\d{11}$/)
    assert.ok(isValidContactPointId(id), id)
  }
})

test('every single-digit error is detected', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
    const id = newContactPointId()
    const digit = (Number(id[position]) + delta) % 10
    const changed = id.slice(0, position) + String(digit) + id.slice(position + 1)
    return !isValidContactPointId(changed)
  }), { numRuns: 2000 })
})

test('every adjacent transposition of different digits is detected', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 10 }), (position) => {
    const id = newContactPointId()
    if (id[position] === id[position + 1]) return true
    const swapped = id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2)
    return !isValidContactPointId(swapped)
  }), { numRuns: 2000 })
})

test('parse accepts spaced and hyphenated forms and returns canonical digits', () => {
  const id = newContactPointId()
  assert.equal(parseContactPointId(formatContactPointId(id)), id)
  assert.equal(parseContactPointId(formatContactPointId(id).replaceAll(' ', '-')), id)
  assert.equal(formatContactPointId('123456789012'), '1234 5678 9012')
})

test('parse rejects malformed IDs with a specific reason', () => {
  const reasons = (input: string): string => {
    try {
      parseContactPointId(input)
      return 'accepted'
    } catch (error) {
      assert.ok(error instanceof AppError)
      assert.equal(error.code, 'invalid_contactpoint_id')
      return error.message
    }
  }
  assert.match(reasons('1234 abcd 9012'), /only digits/)
  assert.match(reasons('12345'), /12 digits/)
  const id = newContactPointId()
  const wrong = id.slice(0, 11) + String((Number(id[11]) + 1) % 10)
  assert.match(reasons(wrong), /not a valid ContactPoint ID/)
  assert.match(reasons('0' + id.slice(1)), /not a valid/)
})
