import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { chainHash, canonicalJson } from './audit-chain.ts'
import { AuditRepository } from './audit.repository.ts'

let handle: TestDatabase
before(async () => { handle = await createTestDatabase() })
after(async () => handle.close())

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}')
})

test('appended events form a hash chain that survives the jsonb round trip', async () => {
  const audit = new AuditRepository(handle.db)
  await Promise.all(Array.from({ length: 20 }, (_, i) => audit.append({
    channel: 'web', action: 'child.view', outcome: 'success', subjectType: 'child', subjectId: `c${i % 3}`,
    reasonCode: 'safeguarding', details: { zeta: i, alpha: { nested: true, list: [3, 1] } }, requestId: `r${i}`,
  })))
  const events = await audit.listFrom(null, 100)
  assert.equal(events.length, 20)
  let prev: string | null = null
  for (const e of events) {
    assert.equal(e.prev_hash, prev)
    const recomputed = chainHash(prev, {
      id: e.id, occurredAt: e.occurred_at, actorUserId: e.actor_user_id, actorOrganisationId: e.actor_organisation_id,
      onBehalfOf: e.on_behalf_of, channel: e.channel, action: e.action, outcome: e.outcome, subjectType: e.subject_type,
      subjectId: e.subject_id, reasonCode: e.reason_code, reasonText: e.reason_text, details: e.details, clientIp: e.client_ip, requestId: e.request_id,
    })
    assert.equal(e.hash, recomputed)
    prev = e.hash
  }
  assert.equal((await audit.listForSubject('child', 'c1')).length, 7)
})

test('the trail is append-only: update, delete and truncate are refused by the database', async () => {
  const audit = new AuditRepository(handle.db)
  const event = await audit.append({ channel: 'cli', action: 'user.create', outcome: 'success' })
  for (const statement of [
    sql`UPDATE audit_event SET action = 'user.remove' WHERE id = ${event.id}`,
    sql`DELETE FROM audit_event WHERE id = ${event.id}`,
    sql`TRUNCATE audit_event`,
  ]) {
    await assert.rejects(statement.execute(handle.db), /append-only/)
  }
  await assert.rejects(audit.append({ channel: 'web', action: 'Not An Action', outcome: 'success' }), /check constraint/)
})
