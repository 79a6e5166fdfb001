// String similarity, Double Metaphone, name variants, identifiers and standardisation: table-driven.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isValidNhsNumber, isValidUpn, standardiseNhsNumber, upnCheckLetter } from './identifiers.ts'
import { doubleMetaphone } from './metaphone.ts'
import { areVariants } from './name-variants.ts'
import { addressTokens, parseDate, standardiseFamilyName, standardiseGender, standardiseNames, standardisePostcode, standardiseRecord } from './standardise.ts'
import { boundedLevenshtein, hamming, jaro, jaroWinkler, oneEditApart } from './strings.ts'

describe('Jaro–Winkler', () => {
  const cases: [string, string, number][] = [
    ['martha', 'marhta', 0.9611],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.8133],
    ['jones', 'johnson', 0.8323],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
    ['', 'abc', 0],
  ]
  for (const [a, b, expected] of cases) {
    it(`${a} ~ ${b} = ${expected}`, () => {
      assert.ok(Math.abs(jaroWinkler(a, b) - expected) < 5e-4, String(jaroWinkler(a, b)))
    })
  }
  it('is symmetric and within [0, 1], and long strings agree with the short-string path', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
      const x = jaroWinkler(a, b)
      return x >= 0 && x <= 1 && Math.abs(x - jaroWinkler(b, a)) < 1e-12
    }), { numRuns: 500 })
    const long = 'abcdefghijklmnopqrstuvwxyzabcdefghij'
    assert.ok(jaro(long, `${long.slice(0, 20)}x${long.slice(21)}`) > 0.9)
  })
})

describe('edit distances', () => {
  const oneEdit: [string, string, boolean][] = [
    ['olivia', 'olvia', true], // deletion
    ['olivia', 'oliviaa', true], // insertion
    ['olivia', 'olivie', true], // substitution
    ['olivia', 'oilvia', true], // adjacent transposition
    ['olivia', 'olivia', false], // equal
    ['olivia', 'ovilia', false], // two changes
    ['943', '9431', true],
  ]
  for (const [a, b, expected] of oneEdit) it(`one edit: ${a} / ${b} → ${expected}`, () => assert.equal(oneEditApart(a, b), expected))
  it('hamming and bounded Levenshtein', () => {
    assert.equal(hamming('20150312', '20150313'), 1)
    assert.equal(hamming('abc', 'abcd'), Infinity)
    assert.equal(boundedLevenshtein('kitten', 'sitting', 5), 3)
    assert.equal(boundedLevenshtein('kitten', 'sitting', 2), 3)
  })
})

describe('Double Metaphone', () => {
  const table: [string, string, string][] = [
    ['Smith', 'SM0', 'XMT'],
    ['Schmidt', 'XMT', 'SMT'],
    ['Katherine', 'K0RN', 'KTRN'],
    ['Catherine', 'K0RN', 'KTRN'],
    ['Jose', 'HS', 'HS'],
    ['Xavier', 'SF', 'SFR'],
    ['Muhammad', 'MHMT', 'MHMT'],
    ['Mohammed', 'MHMT', 'MHMT'],
    ['Aidan', 'ATN', 'ATN'],
    ['Aiden', 'ATN', 'ATN'],
    ['Philip', 'FLP', 'FLP'],
    ['Knight', 'NT', 'NT'],
    ['Wright', 'RT', 'RT'],
    ['Laugh', 'LF', 'LF'],
    ['Michael', 'MKL', 'MXL'],
    ['Gerald', 'KRLT', 'JRLT'],
    ['Siobhan', 'SPN', 'XPN'],
    ['Caesar', 'SSR', 'SSR'],
    ['', '', ''],
  ]
  for (const [name, primary, alternate] of table) {
    it(`${name || '(empty)'} → ${primary}/${alternate}`, () => assert.deepEqual(doubleMetaphone(name), [primary, alternate]))
  }
  it('codes are at most four characters', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z]{0,20}$/), (w) => doubleMetaphone(w).every((c) => c.length <= 4)), { numRuns: 300 })
  })
})

describe('name variants', () => {
  const table: [string, string, boolean][] = [
    ['alex', 'alexander', true],
    ['ollie', 'oliver', true],
    ['mohammed', 'muhammad', true],
    ['mohamed', 'muhammad', true],
    ['bill', 'william', true],
    ['liam', 'william', true],
    ['hollie', 'holly', true],
    ['isla', 'isabella', false],
    ['oliver', 'olivia', false],
    ['jack', 'james', false],
  ]
  for (const [a, b, expected] of table) it(`${a} / ${b} → ${expected}`, () => assert.equal(areVariants(a, b), expected))
})

describe('identifiers', () => {
  it('NHS numbers: modulus 11 check digit', () => {
    assert.equal(isValidNhsNumber('9434765919'), true)
    assert.equal(isValidNhsNumber('9434765918'), false)
    assert.equal(isValidNhsNumber('943476591'), false)
    assert.equal(standardiseNhsNumber('943 476 5919'), '9434765919')
    assert.equal(standardiseNhsNumber('0000000000'), null)
  })
  it('every single-digit error in an NHS number is detected', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
      const v = '9434765919'
      const changed = v.slice(0, pos) + String((Number(v[pos]) + delta) % 10) + v.slice(pos + 1)
      return !isValidNhsNumber(changed)
    }))
  })
  it('UPNs: check letter over characters 2–13', () => {
    const body = '801200019001'
    const upn = `${upnCheckLetter(body)}${body}`
    assert.equal(isValidUpn(upn), true)
    assert.equal(isValidUpn(`${upn.slice(0, 5)}${(Number(upn[5]) + 1) % 10}${upn.slice(6)}`), false)
    assert.equal(isValidUpn('A12'), false)
  })
})

describe('standardisation', () => {
  it('names: case, accents, titles, placeholders, hyphens, Mc/Mac, O\'', () => {
    assert.deepEqual(standardiseNames({ givenName: ' ZOË ', familyName: "O'Brien" }).given, 'zoe')
    assert.equal(standardiseNames({ givenName: 'Master Jack' }).given, 'jack')
    assert.equal(standardiseNames({ givenName: 'Baby' }).given, null)
    assert.equal(standardiseNames({ givenName: 'Baby of Smith' }).given, null)
    assert.equal(standardiseNames({ givenName: 'Unknown' }).given, null)
    assert.equal(standardiseNames({ givenName: 'Mary-Jane' }).given, 'maryjane')
    assert.deepEqual(standardiseNames({ givenName: 'Mary Jane', middleNames: 'Rose' }).middle, ['jane', 'rose'])
    assert.equal(standardiseFamilyName("O'Brien").family, 'obrien')
    assert.equal(standardiseFamilyName('O Brien').family, 'obrien')
    assert.equal(standardiseFamilyName('MacDonald').family, 'mcdonald')
    assert.equal(standardiseFamilyName('Mc Donald').family, 'mcdonald')
    assert.equal(standardiseFamilyName('Mace').family, 'mace')
    assert.deepEqual(standardiseFamilyName('Okonkwo-Mensah'), { family: 'okonkwomensah', parts: ['okonkwo', 'mensah'] })
    assert.equal(standardiseFamilyName('Okonkwo Mensah').family, 'okonkwomensah')
    assert.equal(standardiseFamilyName('Wiśniewski').family, 'wisniewski')
    assert.equal(standardiseFamilyName('Smith Jnr').family, 'smith')
    assert.deepEqual(standardiseNames({ familyName: 'Smith', formerFamilyNames: 'Jones; Smith | Brown' }).former, ['jones', 'brown'])
  })
  it('dates in common forms, impossible dates kept for digit comparisons', () => {
    const table: [string, number | null, boolean?][] = [
      ['2015-03-12', 20150312, true],
      ['20150312', 20150312, true],
      ['12/03/2015', 20150312, true],
      ['12-03-2015', 20150312, true],
      ['12.3.2015', 20150312, true],
      ['2015/03/12', 20150312, true],
      ['12 March 2015', 20150312, true],
      ['12th Mar 2015', 20150312, true],
      ['March 12, 2015', 20150312, true],
      ['2015-03-12T00:00:00', 20150312, true],
      ['2015-02-30', 20150230, false],
      ['1836-21-01', 18362101, false],
      ['-0050-01-0', null],
      ['yesterday', null],
      ['', null],
    ]
    for (const [text, ymd, valid] of table) {
      const d = parseDate(text)
      assert.equal(d?.ymd ?? null, ymd, text)
      if (valid !== undefined) assert.equal(d?.valid, valid, text)
    }
    assert.equal((parseDate('2015-03-13')?.days ?? 0) - (parseDate('2015-03-12')?.days ?? 0), 1)
    assert.equal(parseDate('1970-01-01')?.days, 0)
  })
  it('postcodes: standard form with sector, district and area', () => {
    assert.deepEqual(standardisePostcode('sw1a1aa'), { full: 'SW1A 1AA', sector: 'SW1A 1', district: 'SW1A', area: 'SW' })
    assert.deepEqual(standardisePostcode(' m1 1ae '), { full: 'M1 1AE', sector: 'M1 1', district: 'M1', area: 'M' })
    assert.deepEqual(standardisePostcode('2913'), { full: '2913', sector: null, district: null, area: null })
    assert.equal(standardisePostcode(''), null)
  })
  it('gender, including missing and not specified', () => {
    const table: [string | undefined, number][] = [['M', 1], ['male', 1], ['Boy', 1], ['1', 1], ['f', 2], ['FEMALE', 2], ['girl', 2], ['2', 2], ['not specified', 0], ['unknown', 0], ['', 0], [undefined, 0], ['female | male', 0]]
    for (const [g, expected] of table) assert.equal(standardiseGender(g), expected, String(g))
  })
  it('address words: abbreviations one way, postcode and filler words removed', () => {
    assert.deepEqual(addressTokens('Flat 3, 12 High Street, Northmoor NT1 2AB'), ['3', '12', 'high', 'st', 'northmoor'])
    assert.deepEqual(addressTokens('12 high st northmoor'), ['12', 'high', 'st', 'northmoor'])
    assert.deepEqual(addressTokens("St John's Road"), ['st', 'johns', 'rd'])
  })
  it('identifiers are validated on the whole record', () => {
    const s = standardiseRecord({ source: 's', recordId: '1', nhsNumber: '943 476 5919', upn: 'x' })
    assert.equal(s.nhsValid, true)
    assert.equal(s.upnValid, false)
  })
})
