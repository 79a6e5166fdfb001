import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  isValidNhsNumber, isValidPostcode, isValidUpn, nhsCheckDigit, permute, recordId, syntheticNhsNumber, syntheticUpn, upnCheckLetter,
} from './identifiers.ts'

describe('permute', () => {
  it('is a bijection of [0, domain) for awkward domain sizes', () => {
    for (const domain of [1, 2, 3, 1000, 10_007]) {
      const seen = new Set<number>()
      for (let i = 0; i < domain; i++) {
        const value = permute(i, domain, 42)
        assert.ok(value >= 0 && value < domain)
        seen.add(value)
      }
      assert.equal(seen.size, domain)
    }
  })

  it('depends on the key and refuses values outside the domain', () => {
    const a = Array.from({ length: 20 }, (_, i) => permute(i, 1_000_000, 1))
    const b = Array.from({ length: 20 }, (_, i) => permute(i, 1_000_000, 2))
    assert.notDeepEqual(a, b)
    assert.throws(() => permute(10, 10, 1), RangeError)
  })
})

describe('NHS numbers', () => {
  it('computes the modulus-11 check digit of known numbers', () => {
    assert.equal(nhsCheckDigit('943476591'), 9)
    assert.equal(nhsCheckDigit('401023213'), 7)
    assert.ok(isValidNhsNumber('9434765919'))
    assert.ok(!isValidNhsNumber('9434765918'))
    assert.ok(!isValidNhsNumber('943476591'))
    // 10×1 + 2×1 = 12 ≡ 1 (mod 11): the check digit would be 10, which is never issued.
    assert.equal(nhsCheckDigit('100000001'), null)
  })

  it('generates valid, unique numbers in the never-issued 9 range', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50_000; i++) {
      const nhs = syntheticNhsNumber(i * 37, 'seed')
      assert.ok(isValidNhsNumber(nhs), nhs)
      assert.equal(nhs[0], '9')
      seen.add(nhs)
    }
    assert.equal(seen.size, 50_000)
    assert.notEqual(syntheticNhsNumber(5, 'seed'), syntheticNhsNumber(5, 'other'))
  })
})

describe('UPNs', () => {
  it('computes the DfE modulus-23 check letter', () => {
    assert.equal(upnCheckLetter('801200005001'), 'B')
    assert.ok(isValidUpn('B801200005001'))
    assert.ok(!isValidUpn('A801200005001'))
    assert.ok(!isValidUpn('I801200005001'))
  })

  it('generates valid, unique UPNs with the LA number and year of allocation', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50_000; i++) {
      const upn = syntheticUpn(812, i, 2019, 'seed')
      assert.ok(isValidUpn(upn), upn)
      assert.equal(upn.slice(1, 4), '812')
      assert.equal(upn.slice(8, 10), '19')
      assert.ok(Number(upn.slice(4, 8)) >= 2000)
      seen.add(upn)
    }
    assert.equal(seen.size, 50_000)
  })
})

describe('record IDs and postcodes', () => {
  it('gives each (child, copy) its own opaque ID', () => {
    const ids = new Set<string>()
    for (let child = 0; child < 10_000; child++) for (const copy of [0, 1]) ids.add(recordId('PDS-', child, copy, 7))
    assert.equal(ids.size, 20_000)
    assert.match(recordId('PDS-', 0, 0, 7), /^PDS-\d{9}$/)
  })

  it('accepts UK postcode formats and rejects others', () => {
    for (const ok of ['NT4 7QJ', 'M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'W1A 0AX', 'EC1A 1BB']) assert.ok(isValidPostcode(ok), ok)
    for (const bad of ['NT47QJ', 'QA1 1AA', 'NT4 7QC', 'N 1AA', 'NT4 7Q']) assert.ok(!isValidPostcode(bad), bad)
  })
})
