// Verification's fast serialisation of an event must be byte-for-byte the canonical JSON that
// chainHash hashes; otherwise every event would look altered (or, worse, some alterations would not).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { canonicalJson, chainHash, type ChainedContent } from './audit-chain.ts'
import { contentJson, eventHash } from './audit-verify.ts'

const nullable = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<string | null> => fc.option(arbitrary, { nil: null })
const content: fc.Arbitrary<ChainedContent> = fc.record({
  id: fc.uuid(), occurredAt: fc.date({ noInvalidDate: true }), actorUserId: nullable(fc.uuid()), actorOrganisationId: nullable(fc.uuid()),
  onBehalfOf: nullable(fc.string()), channel: fc.constantFrom('web', 'api', 'phone', 'cli', 'system', 'feed'), action: fc.string(),
  outcome: fc.constantFrom('success', 'denied', 'failure'), subjectType: nullable(fc.string()), subjectId: nullable(fc.string({ unit: 'grapheme' })),
  reasonCode: nullable(fc.string()), reasonText: nullable(fc.string({ unit: 'binary' })), details: fc.jsonValue(),
  clientIp: nullable(fc.string()), requestId: nullable(fc.string()),
})

test('the fast serialisation equals canonicalJson, and the hash equals chainHash, for any event', () => {
  fc.assert(fc.property(content, nullable(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })), (event, prevHash) => {
    assert.equal(contentJson(event), canonicalJson(event))
    assert.equal(eventHash(prevHash, event), chainHash(prevHash, event))
  }), { numRuns: 2000 })
})

test('a field left undefined is dropped, as canonicalJson drops it', () => {
  const event = { id: 'x', occurredAt: new Date(0), channel: 'web', action: 'a.b', outcome: 'success', details: {} } as unknown as ChainedContent
  assert.equal(contentJson(event), canonicalJson(event))
})
