// One record at a time: the decision against candidate children, and blocking keys as text.

import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { linkRecords } from './engine.ts'
import { candidateKeys, scoreIncoming } from './incremental.ts'
import type { Candidate } from './incremental.ts'
import type { TrainedModel } from './model.ts'
import { makeSettings } from './settings.ts'
import { makeNhsNumber, testPopulation } from './test-population.ts'
import type { LinkRecord } from './types.ts'

let model: TrainedModel
before(async () => {
  const population = testPopulation(200, 5)
  model = (await linkRecords(population.records, { settings: makeSettings({ training: { uPairs: 100_000 } }), workers: 0 })).model
})

const base = { familyName: 'Turner', dateOfBirth: '2014-03-12', postcode: 'NT3 5QD', address: '35 High Street', gender: 'female' }
const rec = (source: string, recordId: string, fields: Partial<LinkRecord>): LinkRecord => ({ source, recordId, ...base, ...fields })

describe('scoring one incoming record', () => {
  it('links to the child it matches', () => {
    const candidates: Candidate[] = [
      { childId: 'C1', record: rec('births', '1', { givenName: 'Amelia' }) },
      { childId: 'C1', record: rec('health', '2', { givenName: 'Amelia' }) },
      { childId: 'C2', record: rec('births', '3', { givenName: 'Amelia', familyName: 'Green', dateOfBirth: '2011-01-09', postcode: 'NT9 1XX', address: '2 Mill Lane' }) },
    ]
    const d = scoreIncoming(model, rec('schools', '9', { givenName: 'Amelia' }), candidates, { explain: true })
    assert.equal(d.outcome, 'link')
    assert.equal(d.childId, 'C1')
    assert.equal(d.children[0]?.childId, 'C1')
    assert.ok(d.children[0]?.pairs[0]?.explanation?.steps.length)
  })

  it('creates a new child when no candidate is close', () => {
    const d = scoreIncoming(model, rec('schools', '9', { givenName: 'Zainab', familyName: 'Adeyemi', dateOfBirth: '2019-07-01', postcode: 'NT8 8ZZ', address: '9 Park Avenue' }), [
      { childId: 'C1', record: rec('births', '1', { givenName: 'Amelia' }) },
    ])
    assert.equal(d.outcome, 'no-link')
    assert.equal(d.childId, null)
    assert.equal(scoreIncoming(model, rec('a', '1', {}), []).outcome, 'no-link')
  })

  it('sends a record that fits either of two twins to review', () => {
    const candidates: Candidate[] = [
      { childId: 'LILY', record: rec('births', '1', { givenName: 'Lily' }) },
      { childId: 'LILY', record: rec('health', '2', { givenName: 'Lily' }) },
      { childId: 'LILA', record: rec('births', '3', { givenName: 'Lila' }) },
      { childId: 'LILA', record: rec('health', '4', { givenName: 'Lila' }) },
    ]
    const d = scoreIncoming(model, rec('youth', '9', { givenName: 'Baby' }), candidates)
    assert.equal(d.outcome, 'review')
    assert.match(d.reason, /two children/)
  })

  it('never links a possible twin automatically', () => {
    const d = scoreIncoming(model, rec('youth', '9', { givenName: 'George' }), [{ childId: 'C1', record: rec('births', '1', { givenName: 'Oliver' }) }])
    assert.notEqual(d.outcome, 'link')
    assert.equal(d.children[0]?.forbidden, true)
  })

  it('an identifier match links even with a different given name', () => {
    const nhs = makeNhsNumber(77)
    const d = scoreIncoming(model, rec('youth', '9', { givenName: 'Georgie', nhsNumber: nhs }), [{ childId: 'C1', record: rec('births', '1', { givenName: 'Oliver', nhsNumber: nhs }) }])
    assert.equal(d.outcome, 'link')
  })
})

describe('candidate keys', () => {
  it('records that should be compared share a key; keys are stable text', () => {
    const settings = makeSettings({})
    const a = candidateKeys(settings, rec('a', '1', { givenName: 'Oliver' }))
    const b = candidateKeys(settings, rec('b', '2', { givenName: 'Ollie', dateOfBirth: '2014-12-03' }))
    assert.ok(a.some((k) => b.includes(k)), 'a nickname with a transposed date of birth still meets the record')
    assert.deepEqual(a, candidateKeys(settings, rec('a', '1', { givenName: 'Oliver' })))
    assert.ok(a.includes('2|dob=2014-03-12|family-any-metaphone=TRNR'), a.join(' '))
    const stranger = candidateKeys(settings, { source: 'c', recordId: '3', givenName: 'Zainab', familyName: 'Adeyemi', dateOfBirth: '2019-07-01', postcode: 'NT8 8ZZ' })
    assert.ok(!a.some((k) => stranger.includes(k)))
  })
})
