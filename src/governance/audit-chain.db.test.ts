// The canonicalisation round trip: the hash computed when an event is written must equal the hash
// recomputed from the row read back, whatever the event holds — jsonb reorders keys and rewrites
// numbers, and a verifier that hashed anything but the canonical form would cry wolf.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { chainHash } from './audit-chain.ts'
import { chainedContentOf, verifyAuditTrail } from './audit-verify.ts'
import { AuditRepository } from './audit.repository.ts'

let handle: TestDatabase
before(async () => { handle = await createTestDatabase() })
after(async () => handle.close())

// PostgreSQL text and jsonb cannot hold U+0000; everything else (accents, emoji, combining marks,
// line separators, quotes, backslashes) must survive.
const character = fc.oneof(
  fc.constantFrom('a', 'Z', 'é', 'ß', 'İ', '\u0301', '漢', '🙂', '"', '\\', '\n', '\t', ' ', '\u2028', '\u007f'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !c.includes('\u0000')),
)
const text = fc.string({ unit: character, maxLength: 20 })
const details = fc.dictionary(text, fc.jsonValue({ stringUnit: character, maxDepth: 3 }), { maxKeys: 6 })

test('hash at write equals hash recomputed from the row read back (200 random events), and the trail verifies', async () => {
  const audit = new AuditRepository(handle.db)
  await fc.assert(fc.asyncProperty(
    details, fc.option(text), fc.option(text), fc.option(text), fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
    async (eventDetails, reasonText, subjectId, onBehalfOf, occurredAt) => {
      const written = await audit.append({
        channel: 'web', action: 'child.view', outcome: 'success', details: eventDetails as Record<string, unknown>,
        reasonText, subjectId, onBehalfOf, occurredAt, subjectType: 'child',
      })
      const [read] = await audit.listForVerification(String(BigInt(written.seq) - 1n), written.seq, 1)
      assert.ok(read)
      assert.equal(chainHash(read.prev_hash, chainedContentOf(read)), written.hash)
    },
  ), { numRuns: 200 })
  const report = await verifyAuditTrail({ reader: audit, checkpoints: [], verifiers: [] })
  assert.equal(report.ok, true)
  assert.ok(report.events >= 200)
})
