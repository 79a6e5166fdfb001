// The search form's rules, without a database.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressPatterns, addressWords, criteriaKinds, parseSearchForm } from './search-criteria.ts'
import { relateGivenNames } from './search.service.ts'

const TODAY = '2026-11-24'
const fields = (form: Parameters<typeof parseSearchForm>[0]) => {
  const result = parseSearchForm(form, TODAY)
  return 'problems' in result ? result.problems.map((p) => p.field) : []
}

test('a family name and one more detail, or a ContactPoint ID', () => {
  assert.deepEqual(fields({ familyName: 'Smith' }), ['givenName'])
  assert.deepEqual(fields({ givenName: 'Amy', dobYear: '2015' }), ['familyName'])
  assert.deepEqual(fields({}), ['familyName'])
  for (const other of [{ givenName: 'A' }, { dobYear: '2015' }, { gender: 'female' }, { postcode: 'NM1' }, { address: 'Mill Road' }]) {
    assert.deepEqual(fields({ familyName: 'Smith', ...other }), [], JSON.stringify(other))
  }
  assert.deepEqual(fields({ familyName: 'Smith', gender: 'any' }), ['givenName'], '"any" gender is not a detail')
  const byId = parseSearchForm({ contactPointId: '1234 5678 9012', familyName: 'ignored' }, TODAY)
  assert.ok('problems' in byId, 'a wrong check digit is refused')
})

test('dates of birth: whole, month and year, or year; real, past, within the index\'s ages', () => {
  const dob = (dobDay: string, dobMonth: string, dobYear: string) => {
    const r = parseSearchForm({ familyName: 'Smith', dobDay, dobMonth, dobYear }, TODAY)
    return 'problems' in r ? r.problems[0]?.field : r.criteria.kind === 'details' ? r.criteria.dateOfBirth : null
  }
  assert.deepEqual(dob('1', '2', '2015'), { precision: 'day', year: 2015, month: 2, day: 1, iso: '2015-02-01' })
  assert.deepEqual(dob('', '2', '2015'), { precision: 'month', year: 2015, month: 2 })
  assert.deepEqual(dob('', '', '2015'), { precision: 'year', year: 2015 })
  assert.equal(dob('29', '2', '2015'), 'dob-day')
  assert.equal(dob('1', '', '2015'), 'dob-month')
  assert.equal(dob('1', '2', ''), 'dob-year')
  assert.equal(dob('', '13', '2015'), 'dob-month')
  assert.equal(dob('25', '11', '2026'), 'dob-day', 'tomorrow')
  assert.equal(dob('', '', '1990'), 'dob-year', 'older than anyone on the index')
  assert.equal(dob('', '', '15'), 'dob-year')
})

test('postcodes whole or in part; address words standardised', () => {
  const postcode = (value: string) => {
    const r = parseSearchForm({ familyName: 'Smith', postcode: value }, TODAY)
    return 'problems' in r ? 'invalid' : r.criteria.kind === 'details' ? r.criteria.postcode : null
  }
  assert.deepEqual(postcode('nm12ab'), { precision: 'full', compact: 'NM12AB', display: 'NM1 2AB' })
  assert.deepEqual(postcode('NM1 2'), { precision: 'sector', compact: 'NM12', display: 'NM1 2' })
  assert.deepEqual(postcode('nm1'), { precision: 'district', compact: 'NM1', display: 'NM1' })
  assert.equal(postcode('12345'), 'invalid')
  assert.deepEqual(addressWords('Flat 2, 12 Mill Rd.'), ['2', '12', 'mill', 'road'])
  assert.deepEqual(addressPatterns(['road', 'mill']), ['\\m(road|rd)\\M', '\\m(mill)\\M'])
})

test('the audit names kinds of criteria, never values', () => {
  const r = parseSearchForm({ familyName: 'Smith', givenName: 'Amy', dobMonth: '3', dobYear: '2015', postcode: 'NM1 2AB' }, TODAY)
  assert.ok('criteria' in r)
  assert.deepEqual(criteriaKinds(r.criteria), ['family_name', 'given_name', 'date_of_birth:month', 'postcode:full'])
})

test('given names relate to the one typed: familiar forms, sound, spelling and initials', () => {
  const keys = relateGivenNames('alex', ['alex', 'alexander', 'sandy', 'aleks', 'alec', 'alexx', 'bob'])
  assert.deepEqual(keys.exact, ['alex'])
  assert.deepEqual([...keys.variant].sort(), ['alec', 'aleks', 'alexander', 'sandy'])
  assert.deepEqual(keys.sound, ['alexx'])
  assert.ok(!Object.values(keys).flat().includes('bob'))
  assert.deepEqual(relateGivenNames('j', ['jack', 'james', 'amy']).initial, ['jack', 'james'])
})
