// Every level of every comparison, and every guard, table-driven.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  FLAG_ID_MATCH, GUARD_DUPLICATE_FREE, GUARD_GIVEN_CERTAIN, GUARD_ID_CONFLICT, GUARD_SAME_SOURCE_IDS, GUARD_SIBLINGS, GUARD_TWINS, LEVELS, pairOutcome, sameDiminutive,
} from './comparisons.ts'
import { Comparer } from './model.ts'
import { prepareRecords } from './prepare.ts'
import { makeSettings } from './settings.ts'
import type { ComparisonSpec } from './settings.ts'
import { makeNhsNumber, makeUpn } from './test-population.ts'
import type { LinkRecord } from './types.ts'

type Fields = Omit<LinkRecord, 'source' | 'recordId'> & { source?: string }

/** The level key of one comparison for a pair of records (plus a few unrelated records for word weights). */
function level(spec: ComparisonSpec, a: Fields, b: Fields): string {
  const settings = makeSettings({ comparisons: [spec] })
  const filler: LinkRecord[] = ['x1', 'x2', 'x3', 'x4'].map((id) => ({ source: 'z', recordId: id, address: `${id} other place`, extra: { city: 'elsewhere' } }))
  const extras = spec.field ? [{ field: spec.field, kind: spec.kind === 'extra-tokens' ? 'tokens' as const : 'value' as const }] : []
  const p = prepareRecords([{ source: 's', recordId: 'a', ...a }, { source: 't', recordId: 'b', ...b }, ...filler], { extras })
  const c = new Comparer(settings, p)
  c.pattern(0, 1)
  const l = c.levels[0] as number
  return (LEVELS[spec.kind][l] as { key: string }).key
}

function check(spec: ComparisonSpec, table: readonly [string, Fields, Fields][]): void {
  for (const [expected, a, b] of table) {
    it(`${expected}: ${JSON.stringify(a)} / ${JSON.stringify(b)}`, () => assert.equal(level(spec, a, b), expected))
  }
  it('the table covers every level', () => {
    const covered = new Set(table.map(([k]) => k))
    for (const l of LEVELS[spec.kind]) assert.ok(covered.has(l.key), `level ${l.key} is not tested`)
  })
}

describe('given name levels', () => {
  check({ kind: 'given-name' }, [
    ['missing', { givenName: 'Oliver' }, {}],
    ['missing', { givenName: 'Baby' }, { givenName: 'Oliver' }],
    ['exact', { givenName: 'Oliver' }, { givenName: ' OLIVER ' }],
    ['exact', { givenName: 'Zoë' }, { givenName: 'Zoe' }],
    ['variant', { givenName: 'Ollie' }, { givenName: 'Oliver' }],
    ['variant', { givenName: 'Mohammed' }, { givenName: 'Muhammad' }],
    ['variant', { givenName: 'Freddie' }, { givenName: 'Freddy' }],
    ['jw92', { givenName: 'Katrina' }, { givenName: 'Katrine' }],
    ['swapped', { givenName: 'Smith', familyName: 'Jack' }, { givenName: 'Jack', familyName: 'Smith' }],
    ['middle', { givenName: 'Ryan', middleNames: 'James' }, { givenName: 'James' }],
    ['metaphone', { givenName: 'Stuart' }, { givenName: 'Stewart' }],
    ['jw80', { givenName: 'Marcus' }, { givenName: 'Marcel' }],
    ['initial', { givenName: 'J.' }, { givenName: 'Jack' }],
    ['different', { givenName: 'Oliver' }, { givenName: 'George' }],
  ])
})

describe('family name levels', () => {
  check({ kind: 'family-name' }, [
    ['missing', {}, { familyName: 'Smith' }],
    ['exact', { familyName: "O'Brien" }, { familyName: 'OBRIEN' }],
    ['exact', { familyName: 'Okonkwo-Mensah' }, { familyName: 'Okonkwo Mensah' }],
    ['swapped', { givenName: 'Smith', familyName: 'Jack' }, { givenName: 'Jack', familyName: 'Smith' }],
    ['former', { familyName: 'Jones', formerFamilyNames: 'Smith' }, { familyName: 'Smith' }],
    ['former', { familyName: 'Brown' }, { familyName: 'Green', formerFamilyNames: 'White;Brown' }],
    ['part', { familyName: 'Okonkwo-Mensah' }, { familyName: 'Mensah' }],
    ['part', { familyName: 'OkonkwoMensah' }, { familyName: 'Okonkwo' }],
    ['jw92', { familyName: 'Thompson' }, { familyName: 'Thomson' }],
    ['metaphone', { familyName: 'Philips' }, { familyName: 'Fillups' }],
    ['jw80', { familyName: 'Walker' }, { familyName: 'Walters' }],
    ['different', { familyName: 'Smith' }, { familyName: 'Okafor' }],
  ])
})

describe('date of birth levels', () => {
  check({ kind: 'date-of-birth' }, [
    ['missing', { dateOfBirth: '2015-03-12' }, { dateOfBirth: 'not a date' }],
    ['exact', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '12/03/2015' }],
    ['transposed', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '2015-12-03' }],
    ['one-digit', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '2015-03-17' }],
    ['one-digit', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '2016-03-12' }],
    ['one-digit', { dateOfBirth: '1836-21-01' }, { dateOfBirth: '1836-11-01' }],
    ['one-day', { dateOfBirth: '2015-03-19' }, { dateOfBirth: '2015-03-20' }],
    ['one-day', { dateOfBirth: '2015-02-28' }, { dateOfBirth: '2015-03-01' }],
    ['month', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '2015-03-25' }],
    ['year', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '2015-07-25' }],
    ['different', { dateOfBirth: '2015-03-12' }, { dateOfBirth: '2012-07-25' }],
  ])
})

describe('gender levels (including missing)', () => {
  check({ kind: 'gender' }, [
    ['missing', { gender: 'F' }, { gender: 'not specified' }],
    ['missing', {}, { gender: 'male' }],
    ['same', { gender: 'F' }, { gender: 'female' }],
    ['different', { gender: 'M' }, { gender: 'girl' }],
  ])
})

describe('postcode levels', () => {
  check({ kind: 'postcode' }, [
    ['missing', { postcode: 'SW1A 1AA' }, {}],
    ['full', { postcode: 'sw1a1aa' }, { postcode: 'SW1A 1AA' }],
    ['sector', { postcode: 'SW1A 1AA' }, { postcode: 'SW1A 1BB' }],
    ['district', { postcode: 'SW1A 1AA' }, { postcode: 'SW1A 2BB' }],
    ['area', { postcode: 'SW1A 1AA' }, { postcode: 'SW3 2BB' }],
    ['different', { postcode: 'SW1A 1AA' }, { postcode: 'M1 1AE' }],
  ])
})

describe('address levels', () => {
  check({ kind: 'address' }, [
    ['missing', { address: '12 High Street' }, {}],
    ['same', { address: '12 High Street, Northmoor' }, { address: '12 high st northmoor' }],
    ['most', { address: '12 High Street, Northmoor, Westshire' }, { address: '12 High Street, Northmoor' }],
    ['half', { address: '12 High Street, Northmoor' }, { address: '12 Hihg Street, Claybeck' }],
    ['some', { address: '12 Church Road, Northmoor' }, { address: '40 Mill Lane, Northmoor' }],
    ['different', { address: '12 High Street' }, { address: '3 Church Lane' }],
  ])
})

describe('address and postcode levels', () => {
  check({ kind: 'residence' }, [
    ['missing', {}, { address: '12 High Street', postcode: 'NT1 2AB' }],
    ['same', { address: '12 High Street', postcode: 'NT1 2AB' }, { address: '12 high st', postcode: 'nt12ab' }],
    ['postcode', { address: '12 High Street', postcode: 'NT1 2AB' }, { postcode: 'NT1 2AB' }],
    ['same-words', { address: '12 High Street, Northmoor', postcode: 'NT1 2AB' }, { address: '12 High Street, Northmoor' }],
    ['postcode-only', { address: '12 High Street', postcode: 'NT1 2AB' }, { address: '40 Mill Lane', postcode: 'NT1 2AB' }],
    ['similar', { address: '12 High Street, Northmoor, Westshire', postcode: 'NT1 2AB' }, { address: '12 High Street, Northmoor', postcode: 'NT9 9ZZ' }],
    ['sector', { address: '12 High Street', postcode: 'NT1 2AB' }, { address: '40 Mill Lane', postcode: 'NT1 2XY' }],
    ['district', { address: '12 High Street', postcode: 'NT1 2AB' }, { address: '40 Mill Lane', postcode: 'NT1 5XY' }],
    ['area', { address: '12 High Street', postcode: 'NT1 2AB' }, { address: '40 Mill Lane', postcode: 'NT7 5XY' }],
    ['different', { address: '12 High Street', postcode: 'NT1 2AB' }, { address: '40 Mill Lane', postcode: 'M1 1AE' }],
  ])
})

describe('NHS number levels', () => {
  const a = makeNhsNumber(1)
  const b = makeNhsNumber(5000)
  const typo = `${a.slice(0, 4)}${(Number(a[4]) + 1) % 10}${a.slice(5)}`
  check({ kind: 'nhs-number' }, [
    ['missing', { nhsNumber: a }, {}],
    ['exact', { nhsNumber: a }, { nhsNumber: `${a.slice(0, 3)} ${a.slice(3, 6)} ${a.slice(6)}` }],
    ['one-error', { nhsNumber: a }, { nhsNumber: typo }],
    ['different-valid', { nhsNumber: a }, { nhsNumber: b }],
    ['different', { nhsNumber: a }, { nhsNumber: '1234567890' }],
  ])
})

describe('UPN levels', () => {
  const a = makeUpn(11)
  const b = makeUpn(90210)
  check({ kind: 'upn' }, [
    ['missing', {}, { upn: a }],
    ['exact', { upn: a }, { upn: a.toLowerCase() }],
    ['one-error', { upn: a }, { upn: `${a.slice(0, 12)}${(Number(a[12]) + 1) % 10}` }],
    ['different-valid', { upn: a }, { upn: b }],
    ['different', { upn: a }, { upn: 'X000000000000' }],
  ])
})

describe('extra attribute levels', () => {
  check({ kind: 'extra-exact', field: 'city' }, [
    ['missing', { extra: { city: 'Leeds' } }, {}],
    ['exact', { extra: { city: 'Leeds' } }, { extra: { city: 'LEEDS' } }],
    ['different', { extra: { city: 'Leeds' } }, { extra: { city: 'York' } }],
  ])
  check({ kind: 'extra-text', field: 'city' }, [
    ['missing', {}, { extra: { city: 'Leeds' } }],
    ['exact', { extra: { city: 'Bristol' } }, { extra: { city: 'bristol' } }],
    ['jw92', { extra: { city: 'Manchester' } }, { extra: { city: 'Manchestre' } }],
    ['jw80', { extra: { city: 'Bristol' } }, { extra: { city: 'Brisbane' } }],
    ['different', { extra: { city: 'Leeds' } }, { extra: { city: 'York' } }],
  ])
  check({ kind: 'extra-tokens', field: 'city' }, [
    ['missing', {}, { extra: { city: 'Leeds' } }],
    ['same', { extra: { city: 'Thomas Clifford of Chudleigh' } }, { extra: { city: 'thomas clifford, of chudleigh' } }],
    ['most', { extra: { city: 'thomas clifford chudleigh baron' } }, { extra: { city: 'thomas cliford chudleigh' } }],
    ['half', { extra: { city: 'thomas clifford chudleigh' } }, { extra: { city: 'thomas baron chudleigh' } }],
    ['some', { extra: { city: 'thomas clifford a b c d' } }, { extra: { city: 'thomas clifford w x y z' } }],
    ['different', { extra: { city: 'thomas clifford' } }, { extra: { city: 'john smith' } }],
  ])
  check({ kind: 'extra-id', field: 'city' }, [
    ['missing', {}, { extra: { city: '1234567' } }],
    ['exact', { extra: { city: '1234567' } }, { extra: { city: '1234567' } }],
    ['one-error', { extra: { city: '1234567' } }, { extra: { city: '1243567' } }],
    ['different', { extra: { city: '1234567' } }, { extra: { city: '7654321' } }],
  ])
})

describe('parents and carers levels', () => {
  check({ kind: 'carers' }, [
    ['missing', { carers: 'Sarah Okafor' }, {}],
    ['missing', { carers: ' ; ' }, { carers: 'Sarah Okafor' }],
    ['same', { carers: 'Sarah Okafor; David Okafor' }, { carers: ['MRS SARAH OKAFOR'] }],
    ['same', { carers: ['Sarah Okafor', 'David Okafor'] }, { carers: 'david okafor|sarah okafor' }],
    ['same', { carers: 'Siobhán O’Brien' }, { carers: 'Siobhan OBrien' }],
    ['same', { carers: 'Katherine Nowak' }, { carers: 'Kathrine Nowak' }],
    ['same', { carers: 'Okafor' }, { carers: 'Sarah Okafor' }],
    ['one', { carers: 'Sarah Okafor; David Okafor' }, { carers: 'Sarah Okafor; Mark Lee' }],
    ['family', { carers: 'Sarah Okafor' }, { carers: 'Grace Okafor' }],
    ['different', { carers: 'Sarah Okafor' }, { carers: 'Mark Lee' }],
  ])
})

describe('spelling of a familiar ending', () => {
  const table: [string, string, boolean][] = [['hollie', 'holly', true], ['freddie', 'freddy', true], ['kellie', 'kelly', true], ['evie', 'evey', false], ['lily', 'lila', false], ['holly', 'holly', false]]
  for (const [a, b, expected] of table) it(`${a} / ${b} → ${expected}`, () => assert.equal(sameDiminutive(a, b), expected))
})

describe('guards', () => {
  const settings = makeSettings({ duplicateFreeSources: ['census'] })
  /** guard flags for (a, b), with a population of names around them for name frequencies */
  function flags(a: LinkRecord, b: LinkRecord): number {
    const common: LinkRecord[] = []
    for (let k = 0; k < 300; k++) common.push({ source: 'pop', recordId: `p${k}`, givenName: ['Lily', 'Lila', 'Olivia', 'Isabella', 'Isabelle', 'Oliver'][k % 6] })
    const p = prepareRecords([a, b, ...common])
    const c = new Comparer(settings, p)
    c.pattern(0, 1)
    return c.guards(0, 1)
  }
  const base = { familyName: 'Turner', dateOfBirth: '2014-03-12', address: '35 High Street', postcode: 'NT3 5QD' }
  const nhs1 = makeNhsNumber(3)
  const nhs2 = makeNhsNumber(4000)
  const cases: [string, LinkRecord, LinkRecord, number, number][] = [
    // [what, a, b, flags that must be set, flags that must not be set]
    ['twins with different names', { source: 'a', recordId: '1', givenName: 'Oliver', ...base }, { source: 'b', recordId: '2', givenName: 'George', ...base }, GUARD_TWINS | GUARD_GIVEN_CERTAIN, 0],
    ['twins Lily and Lila (both names in common use)', { source: 'a', recordId: '1', givenName: 'Lily', ...base }, { source: 'b', recordId: '2', givenName: 'Lila', ...base }, GUARD_TWINS, GUARD_GIVEN_CERTAIN],
    ['twins Isabella and Isabelle (a variant one letter away)', { source: 'a', recordId: '1', givenName: 'Isabella', ...base }, { source: 'b', recordId: '2', givenName: 'Isabelle', ...base }, GUARD_TWINS, 0],
    ['twins Freddie and Ryan Freddie', { source: 'a', recordId: '1', givenName: 'Freddie', ...base }, { source: 'b', recordId: '2', givenName: 'Ryan', middleNames: 'Freddie', ...base }, GUARD_TWINS, 0],
    ['twins Muhammad Ibrahim and Muhammad Yusuf', { source: 'a', recordId: '1', givenName: 'Muhammad', middleNames: 'Ibrahim', ...base }, { source: 'b', recordId: '2', givenName: 'Muhammad', middleNames: 'Yusuf', ...base }, GUARD_TWINS, GUARD_GIVEN_CERTAIN],
    ['a misspelling of a common name is not a twin', { source: 'a', recordId: '1', givenName: 'Olivia', ...base }, { source: 'b', recordId: '2', givenName: 'Olvia', ...base }, 0, GUARD_TWINS],
    ['a boy and a girl with related names (Evie, Eva) are twins', { source: 'a', recordId: '1', givenName: 'Evie', ...base, gender: 'F' }, { source: 'b', recordId: '2', givenName: 'Eva', ...base, gender: 'M' }, GUARD_TWINS, 0],
    ['a nickname is not a twin', { source: 'a', recordId: '1', givenName: 'Ollie', ...base }, { source: 'b', recordId: '2', givenName: 'Oliver', ...base }, 0, GUARD_TWINS],
    ['given and middle names swapped are not twins', { source: 'a', recordId: '1', givenName: 'Ryan', middleNames: 'James', ...base }, { source: 'b', recordId: '2', givenName: 'James', middleNames: 'Ryan', ...base }, 0, GUARD_TWINS],
    ['siblings: same family, different names and dates of birth', { source: 'a', recordId: '1', givenName: 'Oliver', ...base }, { source: 'b', recordId: '2', givenName: 'George', ...base, dateOfBirth: '2011-07-01' }, GUARD_SIBLINGS, GUARD_TWINS],
    ['a missing given name is not a guard', { source: 'a', recordId: '1', givenName: 'Baby', ...base }, { source: 'b', recordId: '2', givenName: 'George', ...base }, 0, GUARD_TWINS | GUARD_SIBLINGS],
    ['the same NHS number overrides the name guard', { source: 'a', recordId: '1', givenName: 'Oliver', nhsNumber: nhs1, ...base }, { source: 'b', recordId: '2', givenName: 'George', nhsNumber: nhs1, ...base }, FLAG_ID_MATCH, GUARD_TWINS],
    ['two valid, different NHS numbers', { source: 'a', recordId: '1', givenName: 'Oliver', nhsNumber: nhs1, ...base }, { source: 'b', recordId: '2', givenName: 'Oliver', nhsNumber: nhs2, ...base }, GUARD_ID_CONFLICT, GUARD_SAME_SOURCE_IDS],
    ['same source, two valid, different NHS numbers', { source: 'a', recordId: '1', givenName: 'Oliver', nhsNumber: nhs1, ...base }, { source: 'a', recordId: '2', givenName: 'Oliver', nhsNumber: nhs2, ...base }, GUARD_ID_CONFLICT | GUARD_SAME_SOURCE_IDS, 0],
    ['a mistyped NHS number is not a conflict', { source: 'a', recordId: '1', givenName: 'Oliver', nhsNumber: nhs1, ...base }, { source: 'a', recordId: '2', givenName: 'Oliver', nhsNumber: `${nhs1.slice(0, 9)}${(Number(nhs1[9]) + 1) % 10}`, ...base }, 0, GUARD_ID_CONFLICT | GUARD_SAME_SOURCE_IDS],
    ['twins recorded under different family names, with the same carers', { source: 'a', recordId: '1', givenName: 'Oliver', ...base, carers: 'Amy Turner; Ben Hall' }, { source: 'b', recordId: '2', givenName: 'George', ...base, familyName: 'Hall', carers: 'Amy Turner; Ben Hall' }, GUARD_TWINS, 0],
    ['half-brothers: different family names, one carer in common', { source: 'a', recordId: '1', givenName: 'Oliver', ...base, carers: 'Amy Turner; Ben Hall' }, { source: 'b', recordId: '2', givenName: 'George', ...base, familyName: 'Nowak', dateOfBirth: '2016-01-09', carers: 'Amy Turner; Piotr Nowak' }, GUARD_SIBLINGS, GUARD_TWINS],
    ['different family names and different carers: no name guard', { source: 'a', recordId: '1', givenName: 'Oliver', ...base, carers: 'Amy Turner' }, { source: 'b', recordId: '2', givenName: 'George', ...base, familyName: 'Nowak', carers: 'Piotr Nowak' }, 0, GUARD_TWINS | GUARD_SIBLINGS],
    ['the same carers and a nickname are one child', { source: 'a', recordId: '1', givenName: 'Oliver', ...base, carers: 'Amy Turner' }, { source: 'b', recordId: '2', givenName: 'Ollie', ...base, carers: 'Amy Turner' }, 0, GUARD_TWINS | GUARD_SIBLINGS],
    ['a duplicate-free source twice', { source: 'census', recordId: '1', givenName: 'Oliver', ...base }, { source: 'census', recordId: '2', givenName: 'Oliver', ...base }, GUARD_DUPLICATE_FREE, 0],
  ]
  for (const [what, a, b, set, unset] of cases) {
    it(what, () => {
      const f = flags(a, b)
      assert.equal(f & set, set, `expected flags ${set} in ${f}`)
      assert.equal(f & unset, 0, `expected none of ${unset} in ${f}`)
    })
  }
  it('outcomes: link, review and no link from the weight and the guards', () => {
    assert.equal(pairOutcome(10, 0, 6, 0), 'link')
    assert.equal(pairOutcome(3, 0, 6, 0), 'review')
    assert.equal(pairOutcome(-3, 0, 6, 0), 'no-link')
    assert.equal(pairOutcome(30, GUARD_TWINS, 6, 0), 'review')
    assert.equal(pairOutcome(30, GUARD_TWINS | GUARD_GIVEN_CERTAIN, 6, 0), 'no-link')
    assert.equal(pairOutcome(30, GUARD_ID_CONFLICT, 6, 0), 'review')
    assert.equal(pairOutcome(30, GUARD_SAME_SOURCE_IDS | GUARD_ID_CONFLICT, 6, 0), 'no-link')
    assert.equal(pairOutcome(30, FLAG_ID_MATCH, 6, 0), 'link')
  })
})
