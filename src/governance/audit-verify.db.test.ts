// Verification against a tampered trail. Each tamper is made the way an attacker with database
// superuser rights would — bypassing the append-only triggers with session_replication_role = replica —
// inside a transaction that is rolled back afterwards, so every test starts from the same intact trail.
// The production triggers are never changed.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { chainHash } from './audit-chain.ts'
import { chainedContentOf, verifyAuditTrail, type AuditProblem, type AuditVerificationReport } from './audit-verify.ts'
import { AuditRepository, type NewAuditEvent, type VerifiableAuditEvent } from './audit.repository.ts'
import { signerFromPrivateKey, type CheckpointSigner } from './checkpoint-signing.ts'
import { CheckpointStore } from './checkpoint-store.ts'
import { CheckpointWriter } from './checkpoint.service.ts'

let handle: TestDatabase
let dir: string
let store: CheckpointStore
let signer: CheckpointSigner
let writer: CheckpointWriter
/** seq numbers left unused by rolled-back transactions: room for an inserted event. */
const gaps: string[] = []
/** seq numbers of the checkpoints written, in order. */
const checkpointSeqs: string[] = []
let headSeq: string

const EVENTS = 3000
const CHECKPOINT_EVERY = 500
const actions = ['child.search', 'child.view', 'user.sign_in', 'child.export', 'shield.override_start']

function event(i: number): NewAuditEvent {
  return {
    channel: i % 7 === 0 ? 'api' : 'web', action: actions[i % actions.length] as string, outcome: i % 11 === 0 ? 'denied' : 'success',
    actorUserId: crypto.randomUUID(), actorOrganisationId: crypto.randomUUID(), onBehalfOf: i % 13 === 0 ? 'phone enquiry' : null,
    subjectType: 'child', subjectId: `CP${String(i).padStart(8, '0')}`, reasonCode: 'safeguarding', reasonText: i % 5 === 0 ? 'Referral follow-up' : null,
    details: { results: i % 4, fields: ['name', 'date_of_birth'], query: { shape: 'name+dob', fuzzy: i % 2 === 0 } },
    clientIp: '192.0.2.10', requestId: `req-${i}`,
  }
}

class Rollback extends Error {}

/** Applies `tamper` with the triggers bypassed, runs `check` on the tampered trail, then rolls everything back. */
async function whenTampered<T>(tamper: (trx: Transaction<Database>) => Promise<unknown>, check: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let result: T | undefined
  try {
    await handle.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx)
      await tamper(trx)
      await sql`SET LOCAL session_replication_role = origin`.execute(trx)
      result = await check(trx)
      throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  return result as T
}

async function verify(db: Kysely<Database>, options: { from?: string; batchSize?: number; checkpoints?: CheckpointStore } = {}): Promise<AuditVerificationReport> {
  const cps = options.checkpoints ?? store
  const files = await cps.files()
  return verifyAuditTrail({
    reader: new AuditRepository(db), checkpoints: cps.entries(files), checkpointFiles: files, verifiers: [signer],
    batchSize: options.batchSize ?? 256, ...(options.from ? { from: options.from } : {}),
  })
}

async function row(db: Kysely<Database>, seq: string | number): Promise<VerifiableAuditEvent> {
  const [found] = await new AuditRepository(db).listForVerification(String(Number(seq) - 1), String(seq), 1)
  assert.ok(found && found.seq === String(seq), `no event at seq ${seq}`)
  return found
}

const nextCheckpoint = (seq: number): string => checkpointSeqs.find((s) => Number(s) >= seq) as string
const kinds = (report: AuditVerificationReport): string[] => report.problems.map((p) => p.kind)
const located = (p: AuditProblem): string => `${p.kind}@${p.seq}${p.throughSeq && p.throughSeq !== p.seq ? `..${p.throughSeq}` : ''}`

before(async () => {
  handle = await createTestDatabase()
  dir = await mkdtemp(path.join(tmpdir(), 'cp-audit-verify-'))
  store = new CheckpointStore(path.join(dir, 'checkpoints'))
  signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
  writer = new CheckpointWriter(new AuditRepository(handle.db), store, signer)
  const audit = new AuditRepository(handle.db)
  for (let i = 1; i <= EVENTS; i++) {
    if (i % 400 === 0) {
      // A business action that failed after auditing: its seq number is never used.
      await handle.db.transaction().execute(async (trx) => {
        const lost = await audit.append(event(i), trx)
        gaps.push(lost.seq)
        throw new Rollback()
      }).catch((error: unknown) => { if (!(error instanceof Rollback)) throw error })
    }
    await audit.append(event(i))
    if (i % CHECKPOINT_EVERY === 0) {
      const result = await writer.write()
      assert.equal(result.status, 'written')
      checkpointSeqs.push((result.checkpoint as { seq: string }).seq)
    }
  }
  headSeq = (await audit.lastSeq()) as string
})

after(async () => {
  await handle.close()
  await rm(dir, { recursive: true, force: true })
})

describe('an untampered trail', () => {
  test(`${EVENTS} events with rolled-back gaps and ${EVENTS / CHECKPOINT_EVERY} checkpoints verify as intact`, async () => {
    const report = await verify(handle.db)
    assert.deepEqual(report.problems, [])
    assert.equal(report.ok, true)
    assert.equal(report.events, EVENTS)
    assert.equal(report.unusedSeqNumbers, gaps.length)
    assert.ok(gaps.length >= 7)
    assert.equal(report.checkpoints.valid, EVENTS / CHECKPOINT_EVERY)
    assert.equal(report.checkpoints.matched, EVENTS / CHECKPOINT_EVERY)
    assert.equal(report.lastSeq, headSeq)
    assert.deepEqual(report.warnings, [])
  })

  test('the batch size does not change the outcome (batches of 7, 333 and 5,000)', async () => {
    for (const batchSize of [7, 333, 5000]) {
      const report = await verify(handle.db, { batchSize })
      assert.equal(report.ok, true, `batch ${batchSize}`)
      assert.equal(report.events, EVENTS)
    }
  })

  test('a trail with no checkpoints verifies but warns that truncation cannot be seen', async () => {
    const report = await verify(handle.db, { checkpoints: new CheckpointStore(path.join(dir, 'none')) })
    assert.equal(report.ok, true)
    assert.match(report.warnings.join('\n'), /No checkpoints were found/)
  })
})

describe('an altered event is found at its seq', () => {
  const fields: Record<string, (seq: string) => ReturnType<typeof sql>> = {
    actor: (seq) => sql`UPDATE audit_event SET actor_user_id = gen_random_uuid() WHERE seq = ${seq}`,
    subject: (seq) => sql`UPDATE audit_event SET subject_id = 'CP99999999' WHERE seq = ${seq}`,
    time: (seq) => sql`UPDATE audit_event SET occurred_at = occurred_at - interval '1 day' WHERE seq = ${seq}`,
    'time by a microsecond': (seq) => sql`UPDATE audit_event SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = ${seq}`,
    details: (seq) => sql`UPDATE audit_event SET details = jsonb_set(details, '{results}', '0') WHERE seq = ${seq}`,
    'details key order only (not a change)': (seq) => sql`UPDATE audit_event SET details = '{"query":{"fuzzy":false,"shape":"name+dob"},"fields":["name","date_of_birth"],"results":1}'::jsonb WHERE seq = ${seq}`,
    reason: (seq) => sql`UPDATE audit_event SET reason_code = 'other' WHERE seq = ${seq}`,
    action: (seq) => sql`UPDATE audit_event SET action = 'child.search' WHERE seq = ${seq}`,
    outcome: (seq) => sql`UPDATE audit_event SET outcome = 'success' WHERE seq = ${seq}`,
    'on behalf of': (seq) => sql`UPDATE audit_event SET on_behalf_of = NULL WHERE seq = ${seq}`,
    'id': (seq) => sql`UPDATE audit_event SET id = gen_random_uuid() WHERE seq = ${seq}`,
    'prev_hash': (seq) => sql`UPDATE audit_event SET prev_hash = repeat('0', 64) WHERE seq = ${seq}`,
  }
  for (const [field, update] of Object.entries(fields)) {
    test(field, async () => {
      // Event i = 1001 has results 1, fuzzy false, the api channel, a denied outcome and an on-behalf-of.
      const target = await handle.db.selectFrom('audit_event').select('seq').where('request_id', '=', 'req-1001').executeTakeFirstOrThrow()
      const report = await whenTampered((trx) => update(target.seq).execute(trx), (db) => verify(db))
      if (field.endsWith('(not a change)')) {
        assert.equal(report.ok, true, 'reordering jsonb keys must not break the hash')
        return
      }
      assert.deepEqual(report.problems.map(located), [`altered@${target.seq}`])
      assert.match(report.problems[0]?.message ?? '', new RegExp(`seq ${target.seq} \\(event [0-9a-f-]{36}\\) was altered`))
    })
  }

  test('an event changed and re-hashed breaks the link to the next one, reported between the two', async () => {
    const seq = '1500'
    const report = await whenTampered(async (trx) => {
      const original = await row(trx, seq)
      const changed = { ...chainedContentOf(original), subjectId: 'CP00000001' }
      await sql`UPDATE audit_event SET subject_id = ${changed.subjectId}, hash = ${chainHash(original.prev_hash, changed)} WHERE seq = ${seq}`.execute(trx)
    }, (db) => verify(db))
    assert.deepEqual(report.problems.map(located), ['broken_link@1500..1501'])
  })
})

describe('deleted events are found where they were', () => {
  test('one event in the middle', async () => {
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq = 1234`.execute(trx), (db) => verify(db))
    assert.deepEqual(report.problems.map(located), ['deleted@1234', `count_changed@${nextCheckpoint(1234)}`])
    assert.match(report.problems[0]?.message ?? '', /missing between seq 1233 and seq 1235/)
  })

  test('several events, across a batch boundary', async () => {
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq BETWEEN 250 AND 260`.execute(trx), (db) => verify(db, { batchSize: 255 }))
    assert.deepEqual(report.problems.map(located), ['deleted@250..260', `count_changed@${nextCheckpoint(250)}`])
    assert.match(report.problems[1]?.message ?? '', /11 events deleted at or before seq/)
  })

  test('the first event', async () => {
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq = 1`.execute(trx), (db) => verify(db))
    assert.deepEqual(report.problems.map(located), ['deleted@1', `count_changed@${nextCheckpoint(1)}`])
  })

  test('a checkpointed event: the checkpoint says so too, and its count no longer agrees', async () => {
    const seq = checkpointSeqs[1] as string
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq = ${seq}`.execute(trx), (db) => verify(db))
    assert.deepEqual(report.problems.map(located).sort(), [`checkpoint_event_missing@${seq}`, `count_changed@${seq}`, `deleted@${seq}`].sort())
    assert.match(report.problems.find((p) => p.kind === 'checkpoint_event_missing')?.message ?? '', /checkpoints-\d{4}-\d\d\.jsonl line 2 /)
  })

  test('events deleted and the chain re-linked over the hole: the next checkpoint counts the difference', async () => {
    // The attacker removes 3 events and re-hashes every later event so that every link holds.
    const report = await whenTampered(async (trx) => {
      await sql`DELETE FROM audit_event WHERE seq BETWEEN 2601 AND 2603`.execute(trx)
      await rehashFrom(trx, '2604', (await row(trx, 2600)).hash)
    }, (db) => verify(db))
    const cp = checkpointSeqs.find((s) => Number(s) > 2603) as string
    assert.deepEqual(report.problems.map(located), [`rewritten@${cp}`, `count_changed@${cp}`])
    assert.match(report.problems[1]?.message ?? '', /3 events deleted at or before seq/)
    assert.match(report.problems[0]?.message ?? '', new RegExp(`rewritten at or before seq ${cp} and after seq ${checkpointSeqs.filter((s) => Number(s) < 2601).at(-1)}`))
  })
})

describe('inserted events are found', () => {
  test('a forged event slipped into an unused seq number, with a correct hash of its own', async () => {
    const gap = gaps[3] as string
    const report = await whenTampered(async (trx) => {
      const before = await trx.selectFrom('audit_event').select('hash').where('seq', '<', gap).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()
      await insertForged(trx, gap, before.hash)
    }, (db) => verify(db))
    assert.deepEqual(report.problems.map(located), [`inserted@${gap}`, `count_changed@${nextCheckpoint(Number(gap))}`])
    assert.match(report.problems[0]?.message ?? '', new RegExp(`seq ${gap} is not part of the chain`))
  })

  test('a forged event with a made-up hash is reported as altered and not part of the chain', async () => {
    const gap = gaps[4] as string
    const report = await whenTampered(async (trx) => {
      await insertForged(trx, gap, (await row(trx, Number(gap) - 1)).hash, 'f'.repeat(64))
    }, (db) => verify(db))
    assert.deepEqual(report.problems.map(located), [`altered@${gap}`, `inserted@${gap}`, `count_changed@${nextCheckpoint(Number(gap))}`])
  })

  test('two events swapped: reported at the swapped seq numbers', async () => {
    const report = await whenTampered(async (trx) => {
      const a = await row(trx, 1700)
      const b = await row(trx, 1701)
      await sql`UPDATE audit_event SET id = gen_random_uuid() WHERE seq IN (1700, 1701)`.execute(trx)
      for (const [seq, from] of [['1700', b], ['1701', a]] as const) {
        await sql`UPDATE audit_event SET id = ${from.id}, occurred_at = ${from.occurred_at}, subject_id = ${from.subject_id}, action = ${from.action},
          outcome = ${from.outcome}, channel = ${from.channel}, actor_user_id = ${from.actor_user_id}, actor_organisation_id = ${from.actor_organisation_id},
          on_behalf_of = ${from.on_behalf_of}, reason_text = ${from.reason_text}, request_id = ${from.request_id}, details = ${from.details_text}::jsonb,
          prev_hash = ${from.prev_hash}, hash = ${from.hash} WHERE seq = ${seq}`.execute(trx)
      }
    }, (db) => verify(db))
    assert.equal(report.ok, false)
    for (const p of report.problems) assert.ok(Number(p.seq) >= 1699 && Number(p.throughSeq ?? p.seq) <= 1702, located(p))
  })
})

describe('truncation of the end of the trail', () => {
  test('is found against the last checkpoint, saying where the trail now ends', async () => {
    const last = checkpointSeqs.at(-1) as string
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq > ${Number(last) - 10}`.execute(trx), (db) => verify(db))
    assert.deepEqual(report.problems.map(located), [`truncated@${Number(last) - 9}..${last}`])
    assert.match(report.problems[0]?.message ?? '', new RegExp(`trail ends at seq ${Number(last) - 10} .*records events up to seq ${last} .*the end of the trail, seq ${Number(last) - 9} to ${last}, was cut off; the trail holds 10 events fewer`))
  })

  test('is invisible to the chain alone (why the checkpoints exist)', async () => {
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq > ${Number(headSeq) - 10}`.execute(trx),
      (db) => verify(db, { checkpoints: new CheckpointStore(path.join(dir, 'none')) }))
    assert.equal(report.ok, true)
  })

  test('of the whole trail', async () => {
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event`.execute(trx), (db) => verify(db))
    assert.deepEqual(kinds(report), ['truncated'])
    assert.match(report.problems[0]?.message ?? '', /the trail is empty/)
  })
})

describe('a consistent rewrite of the chain', () => {
  test('passes the chain checks but not the checkpoints, which bound where it happened', async () => {
    const report = await whenTampered(async (trx) => {
      await sql`UPDATE audit_event SET subject_id = 'CP00000002' WHERE seq = 2222`.execute(trx)
      await rehashFrom(trx, '2222', (await row(trx, 2221)).hash)
    }, (db) => verify(db))
    const next = checkpointSeqs.find((s) => Number(s) >= 2222) as string
    const previous = checkpointSeqs.filter((s) => Number(s) < 2222).at(-1) as string
    assert.deepEqual(report.problems.map(located), [`rewritten@${next}`])
    assert.match(report.problems[0]?.message ?? '', new RegExp(`at or before seq ${next} and after seq ${previous}`))
  })
})

describe('checkpoints', () => {
  async function withFile(edit: (lines: string[]) => string[]): Promise<CheckpointStore> {
    const copy = new CheckpointStore(await mkdtemp(path.join(dir, 'copy-')))
    for (const name of await store.files()) {
      const lines = (await readFile(path.join(store.dir, name), 'utf8')).trimEnd().split('\n')
      await writeFile(path.join(copy.dir, name), `${edit(lines).join('\n')}\n`)
    }
    return copy
  }

  test('a forged checkpoint (edited after signing) is found at its file and line', async () => {
    const forged = await withFile((lines) => lines.map((line, i) => (i === 2 ? line.replace(/"count":\d+/, '"count":1') : line)))
    const report = await verify(handle.db, { checkpoints: forged })
    assert.deepEqual(report.problems.map(located), [`checkpoint_forged@${checkpointSeqs[2]}`])
    assert.deepEqual(report.problems[0]?.checkpoint?.line, 3)
  })

  test('a checkpoint claiming a seq beyond the end is not believed without a valid signature', async () => {
    const forged = await withFile((lines) => [...lines, (lines.at(-1) as string).replace(/"seq":"\d+"/, '"seq":"999999"')])
    const report = await verify(handle.db, { checkpoints: forged })
    assert.deepEqual(kinds(report), ['checkpoint_forged'])
  })

  test('a checkpoint signed with another key, and a malformed line, are reported', async () => {
    const other = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
    const stranger = other.sign({ seq: headSeq, hash: 'a'.repeat(64), count: 1, at: new Date().toISOString(), headAt: new Date().toISOString() })
    const forged = await withFile((lines) => [...lines, JSON.stringify(stranger), '{"v":1,"seq":"12"'])
    const report = await verify(handle.db, { checkpoints: forged })
    assert.deepEqual(kinds(report), ['checkpoint_unknown_key', 'checkpoint_unreadable'])
    assert.equal(report.checkpoints.valid, EVENTS / CHECKPOINT_EVERY)
  })

  test('a checkpoint made after an unnoticed deletion counts on from the last one: the deletion is reported once', async () => {
    const copy = await withFile((lines) => lines)
    const report = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq = 2100`.execute(trx), async (trx) => {
      const audit = new AuditRepository(trx)
      await audit.append(event(1), trx)
      const result = await new CheckpointWriter(audit, copy, signer).write()
      assert.equal(result.status, 'written')
      assert.equal(result.checkpoint?.count, EVENTS + 1, 'the count carries on from the last checkpoint')
      return verify(trx, { checkpoints: copy })
    })
    assert.deepEqual(report.problems.map(located), ['deleted@2100', `count_changed@${nextCheckpoint(2100)}`])
  })

  test('the writer refuses to sign a trail that no longer agrees with its last checkpoint', async () => {
    for (const tamper of [
      sql`DELETE FROM audit_event WHERE seq > ${Number(checkpointSeqs.at(-1)) - 1}`,
      sql`UPDATE audit_event SET hash = repeat('1', 64) WHERE seq = ${checkpointSeqs.at(-1)}`,
    ]) {
      await whenTampered((trx) => tamper.execute(trx), async (db) => {
        await new AuditRepository(db).append(event(1), db)
        await assert.rejects(new CheckpointWriter(new AuditRepository(db), store, signer).write(), /no longer matches the last checkpoint|ends before the last checkpoint/)
      })
    }
    assert.equal((await writer.write()).status, 'unchanged')
  })
})

describe('verification from a seq', () => {
  test('checks only the events from there, anchored at the newest checkpoint before it', async () => {
    const from = '2001'
    const intact = await verify(handle.db, { from })
    assert.equal(intact.ok, true)
    assert.equal(intact.firstSeq, from)
    assert.ok(intact.events < EVENTS / 2)
    assert.equal(intact.checkpoints.signatureOnly, checkpointSeqs.filter((s) => Number(s) < 2001).length - 1)

    const later = await whenTampered((trx) => sql`DELETE FROM audit_event WHERE seq = 2500`.execute(trx), (db) => verify(db, { from }))
    assert.ok(later.problems.some((p) => p.kind === 'deleted' && p.seq === '2500'))
    const earlier = await whenTampered((trx) => sql`UPDATE audit_event SET action = 'child.view' WHERE seq = 1000`.execute(trx), (db) => verify(db, { from }))
    assert.equal(earlier.ok, true, 'events before --from are taken as verified')
  })
})

describe('concurrent writers', () => {
  test('appends from 8 concurrent writers, with checkpoints written meanwhile and some rolled back, form one chain that verifies', async () => {
    const local = await createTestDatabase()
    try {
      const audit = new AuditRepository(local.db)
      const cps = new CheckpointStore(await mkdtemp(path.join(dir, 'concurrent-')))
      const localWriter = new CheckpointWriter(audit, cps, signer)
      let rolledBack = 0
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 60; i++) {
          if (i % 20 === 19) {
            await local.db.transaction().execute(async (trx) => {
              await audit.append(event(w * 1000 + i), trx)
              throw new Rollback()
            }).catch((error: unknown) => { if (error instanceof Rollback) rolledBack++; else throw error })
          } else {
            await audit.append(event(w * 1000 + i))
          }
          if (i % 15 === 0) await localWriter.write()
        }
      })
      await Promise.all(writers)
      await localWriter.write()
      const files = await cps.files()
      const report = await verifyAuditTrail({ reader: audit, checkpoints: cps.entries(files), checkpointFiles: files, verifiers: [signer], batchSize: 100 })
      assert.deepEqual(report.problems, [])
      assert.equal(report.events, 8 * 60 - rolledBack)
      assert.ok(report.checkpoints.valid >= 2)
      assert.equal(report.checkpoints.matched, report.checkpoints.valid)
      const forks = await sql<{ n: string }>`SELECT count(*) AS n FROM (SELECT prev_hash FROM audit_event GROUP BY prev_hash HAVING count(*) > 1) f`.execute(local.db)
      assert.equal(Number(forks.rows[0]?.n), 0)
    } finally {
      await local.close()
    }
  })
})

/** Re-hashes every event from `fromSeq` on, as an attacker covering their tracks would. */
async function rehashFrom(trx: Transaction<Database>, fromSeq: string, prevHash: string): Promise<void> {
  let prev = prevHash
  const rows = await new AuditRepository(trx).listForVerification(String(Number(fromSeq) - 1), '999999999', 100_000)
  for (const r of rows) {
    const hash = chainHash(prev, chainedContentOf(r))
    await sql`UPDATE audit_event SET prev_hash = ${prev}, hash = ${hash} WHERE seq = ${r.seq}`.execute(trx)
    prev = hash
  }
}

async function insertForged(trx: Transaction<Database>, seq: string, prevHash: string, hash?: string): Promise<void> {
  const content = { ...chainedContentOf(await row(trx, Number(seq) - 1)), id: crypto.randomUUID(), subjectId: 'CP00000003', requestId: 'forged' }
  await sql`INSERT INTO audit_event (seq, id, occurred_at, actor_user_id, actor_organisation_id, on_behalf_of, channel, action, outcome,
      subject_type, subject_id, reason_code, reason_text, details, client_ip, request_id, prev_hash, hash)
    OVERRIDING SYSTEM VALUE VALUES (${seq}, ${content.id}, ${content.occurredAt}, ${content.actorUserId}, ${content.actorOrganisationId},
      ${content.onBehalfOf}, ${content.channel}, ${content.action}, ${content.outcome}, ${content.subjectType}, ${content.subjectId},
      ${content.reasonCode}, ${content.reasonText}, ${JSON.stringify(content.details)}::jsonb, ${content.clientIp}, ${content.requestId},
      ${prevHash}, ${hash ?? chainHash(prevHash, content)})`.execute(trx)
}
