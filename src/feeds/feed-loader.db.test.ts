// The feed loader on a real store, after an initial (bulk) load of a small synthetic authority:
// record-by-record matching, idempotency, rejections and refusals, deletes, full extracts, two
// loaders on one file, suppliers confined to their own source, and shields never defeated.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { DemoLoader } from '../demo/demo-loader.ts'
import { createServices, type Services } from '../services.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildStaff } from '../testing/people.ts'
import type { LoadRequest } from './feed-loader.service.ts'

let handle: TestDatabase
let services: Services
let dir: string
const KEY = randomBytes(32)
let fileNumber = 0

const LOCAL = 'northmoor-youth-service'
/** Refused before any lookup of the user, so it need not exist. */
const SOME_USER_ID = '00000000-0000-4000-8000-000000000001'

function writeFeed(records: readonly unknown[], ext = 'jsonl'): string {
  fileNumber += 1
  const file = path.join(dir, `feed-${fileNumber}.${ext}`)
  fs.writeFileSync(file, records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n')
  return file
}

const request = (file: string, extra: Partial<LoadRequest> = {}): LoadRequest => ({ sourceCode: LOCAL, path: file, kind: 'incremental', channel: 'cli', actor: null, ...extra })

async function count(table: 'child' | 'source_record' | 'involvement' | 'match_review'): Promise<number> {
  const row = await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** An existing child's identity as a national source holds it, with that child's ID. */
async function someChild(where: 'shielded' | 'plain') {
  const { rows } = await sql<{ child_id: string; given_name: string; family_name: string; date_of_birth: string; gender: 'female' | 'male'; postcode: string | null; lines: string[] | null }>`
    SELECT l.child_id, r.given_name, r.family_name, r.date_of_birth, r.gender, r.postcode, r.address_lines AS lines
    FROM source_record r JOIN data_source s ON s.id = r.source_id AND s.code = 'nhs-pds'
    JOIN record_link l ON l.source_record_id = r.id AND l.state = 'linked' JOIN child c ON c.id = l.child_id
    WHERE c.shielded = ${where === 'shielded'} AND r.address_lines IS NOT NULL AND r.gender <> 'not_specified'
    ORDER BY r.record_id LIMIT 1`.execute(handle.db)
  const row = rows[0]
  assert.ok(row)
  return row
}

const involvement = (id: string, extra: Record<string, unknown> = {}) => ({
  involvement_id: id, service_type: 'youth_service', organisation_code: 'E06000901-YS', started_on: '2025-01-10', practitioner_name: 'Sam Youthworker', phone: '01632 960000', ...extra,
})

before(async () => {
  handle = await createTestDatabase()
  await new DemoLoader(handle, KEY).load({ children: 300, seed: 5 })
  services = createServices(handle, { encryptionKey: KEY })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-feeds-'))
  const org = await handle.db.selectFrom('organisation').select('code').where('kind', '=', 'youth_service').executeTakeFirstOrThrow()
  assert.equal(org.code, 'E06000901-YS', 'the demo youth service code the fixtures use')
})
after(async () => {
  await handle.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('record by record', () => {
  test('a new record that matches a known child joins that child, with its involvement', async () => {
    const known = await someChild('plain')
    const children = await count('child')
    const file = writeFeed([{
      op: 'upsert', record_id: 'YS-1',
      child: { given_name: known.given_name, family_name: known.family_name, date_of_birth: known.date_of_birth, gender: known.gender, address: { lines: known.lines ?? [], postcode: known.postcode, status: 'current' } },
      involvements: [involvement('YS-1-A')],
    }])
    const report = await services.feedLoader.load(request(file))
    assert.equal(report.outcome, 'applied')
    assert.equal(report.method, 'incremental')
    assert.deepEqual([report.counts.linked, report.counts.new_children, report.counts.review], [1, 0, 0])
    assert.equal(await count('child'), children)
    const link = await sql<{ child_id: string }>`SELECT l.child_id FROM record_link l JOIN source_record r ON r.id = l.source_record_id WHERE r.record_id = 'YS-1' AND l.state = 'linked'`.execute(handle.db)
    assert.equal(link.rows[0]?.child_id, known.child_id)
    const inv = await handle.db.selectFrom('involvement').select(['child_id', 'practitioner_name']).where('supplier_involvement_id', '=', 'YS-1-A').executeTakeFirstOrThrow()
    assert.deepEqual(inv, { child_id: known.child_id, practitioner_name: 'Sam Youthworker' })
  })

  test('a child no source knows becomes a new child with a ContactPoint ID and provenance', async () => {
    const file = writeFeed([{ op: 'upsert', record_id: 'YS-2', child: { given_name: 'Zephyrine', family_name: 'Quattlebaum-Okafor', date_of_birth: '2016-07-19', gender: 'female', address: { lines: ['1 Nowhere Lane'], town: 'Northmoor', postcode: 'NM1 1AA', status: 'current' } } }])
    const report = await services.feedLoader.load(request(file))
    assert.equal(report.counts.new_children, 1)
    const child = await handle.db.selectFrom('child').selectAll().where('family_name', '=', 'Quattlebaum-Okafor').executeTakeFirstOrThrow()
    assert.equal(child.date_of_birth, '2016-07-19')
    assert.equal(child.archive_due_on, '2034-07-19')
    const provenance = await handle.db.selectFrom('field_provenance').select('field').where('child_id', '=', child.id).execute()
    assert.ok(provenance.map((p) => p.field).includes('date_of_birth'))
    const address = await handle.db.selectFrom('child_address').select(['postcode', 'is_current']).where('child_id', '=', child.id).execute()
    assert.deepEqual(address, [{ postcode: 'NM1 1AA', is_current: true }])
  })

  test('loading the same file twice is a no-op the second time', async () => {
    const file = writeFeed([{ op: 'upsert', record_id: 'YS-3', child: { given_name: 'Ottoline', family_name: 'Brackenridge', date_of_birth: '2012-03-02', gender: 'female' } }])
    const first = await services.feedLoader.load(request(file))
    const state = [await count('child'), await count('source_record'), await count('involvement')]
    const second = await services.feedLoader.load(request(file))
    assert.equal(first.outcome, 'applied')
    assert.equal(second.outcome, 'already_applied')
    assert.deepEqual(second.counts, first.counts)
    assert.deepEqual([await count('child'), await count('source_record'), await count('involvement')], state)
  })

  test('a changed record updates its child; the same content again is unchanged; a delete ends its involvements', async () => {
    const v1 = writeFeed([{ op: 'upsert', record_id: 'YS-4', child: { given_name: 'Peregrine', family_name: 'Thistlewood', date_of_birth: '2013-05-06', gender: 'male' }, involvements: [involvement('YS-4-A')] }])
    await services.feedLoader.load(request(v1))
    const v2 = writeFeed([{ op: 'upsert', record_id: 'YS-4', child: { given_name: 'Peregrine', family_name: 'Thistlewood', date_of_birth: '2013-05-06', gender: 'male', middle_names: 'Arthur' }, involvements: [involvement('YS-4-A')] }, '', { op: 'upsert', record_id: 'YS-2', child: { given_name: 'Zephyrine', family_name: 'Quattlebaum-Okafor', date_of_birth: '2016-07-19', gender: 'female', address: { lines: ['1 Nowhere Lane'], town: 'Northmoor', postcode: 'NM1 1AA', status: 'current' } } }])
    const report = await services.feedLoader.load(request(v2))
    assert.deepEqual([report.counts.updated, report.counts.unchanged], [1, 1])
    const child = await handle.db.selectFrom('child').select(['id', 'middle_names']).where('family_name', '=', 'Thistlewood').executeTakeFirstOrThrow()
    assert.equal(child.middle_names, 'Arthur')
    const del = await services.feedLoader.load(request(writeFeed([{ op: 'delete', record_id: 'YS-4' }, { op: 'delete', record_id: 'NO-SUCH' }])))
    assert.deepEqual([del.counts.deleted, del.counts.not_found], [1, 1])
    const inv = await handle.db.selectFrom('involvement').select('ended_on').where('supplier_involvement_id', '=', 'YS-4-A').executeTakeFirstOrThrow()
    assert.ok(inv.ended_on)
  })

  test('involvement_ended ends exactly the named involvement', async () => {
    await services.feedLoader.load(request(writeFeed([{ op: 'upsert', record_id: 'YS-5', child: { given_name: 'Ismay', family_name: 'Farquharson', date_of_birth: '2011-01-01', gender: 'female' }, involvements: [involvement('YS-5-A'), involvement('YS-5-B')] }])))
    const r = await services.feedLoader.load(request(writeFeed([{ op: 'involvement_ended', record_id: 'YS-5', involvements: [{ involvement_id: 'YS-5-A', ended_on: '2026-06-30' }] }])))
    assert.equal(r.counts.involvements_ended, 1)
    const rows = await handle.db.selectFrom('involvement').select(['supplier_involvement_id', 'ended_on']).where('supplier_involvement_id', 'in', ['YS-5-A', 'YS-5-B']).orderBy('supplier_involvement_id').execute()
    assert.deepEqual(rows, [{ supplier_involvement_id: 'YS-5-A', ended_on: '2026-06-30' }, { supplier_involvement_id: 'YS-5-B', ended_on: null }])
  })

  test('a full extract ends the records it no longer carries', async () => {
    const a = { op: 'upsert' as const, record_id: 'FX-1', child: { given_name: 'Wilhelmina', family_name: 'Crabtree', date_of_birth: '2014-02-02', gender: 'female' as const }, involvements: [involvement('FX-1-A')] }
    const b = { op: 'upsert' as const, record_id: 'FX-2', child: { given_name: 'Barnaby', family_name: 'Crabtree', date_of_birth: '2010-10-10', gender: 'male' as const }, involvements: [involvement('FX-2-A')] }
    const source = 'northmoor-voluntary'
    await services.feedLoader.load(request(writeFeed([a, b]), { sourceCode: source }))
    const others = await sql<{ n: string }>`SELECT count(*) AS n FROM source_record r JOIN data_source s ON s.id = r.source_id WHERE s.code = ${source} AND r.status = 'active'`.execute(handle.db)
    const full = await services.feedLoader.load(request(writeFeed([a]), { sourceCode: source, kind: 'full' }))
    assert.equal(full.counts.ended_by_extract, Number(others.rows[0]?.n) - 1, 'every record the full extract lacks, FX-2 among them')
    const rows = await handle.db.selectFrom('source_record').select(['record_id', 'status']).where('record_id', 'in', ['FX-1', 'FX-2']).orderBy('record_id').execute()
    assert.deepEqual(rows, [{ record_id: 'FX-1', status: 'active' }, { record_id: 'FX-2', status: 'deleted' }])
    const inv = await handle.db.selectFrom('involvement').select('ended_on').where('supplier_involvement_id', '=', 'FX-2-A').executeTakeFirstOrThrow()
    assert.ok(inv.ended_on, 'the ended record\'s involvement has ended')
  })
})

describe('bad input', () => {
  test('rejected rows are reported with line and reason; the rest load', async () => {
    const good = Array.from({ length: 29 }, (_, i) => ({ op: 'upsert' as const, record_id: `BR-${i}`, child: { given_name: `Name${String.fromCharCode(97 + i)}`, family_name: 'Ravensworth', date_of_birth: `2015-01-${String(i + 1).padStart(2, '0')}`, gender: 'male' as const } }))
    const file = writeFeed([...good.slice(0, 10), '{"op":"upsert","record_id":"BR-X","child":{"given_name":"A","family_name":"B","date_of_birth":"2019-02-30"}}', ...good.slice(10)])
    const report = await services.feedLoader.load(request(file))
    assert.equal(report.outcome, 'applied')
    assert.deepEqual([report.rowsRead, report.accepted, report.rejected], [30, 29, 1])
    assert.deepEqual(report.rejections, [{ line: 11, recordId: 'BR-X', reason: "child.date_of_birth '2019-02-30' is not a real date" }])
    assert.equal(report.counts.new_children + report.counts.linked + report.counts.review, 29)
  })

  test('a file over the rejection limit is refused whole: nothing is applied, and loading it again says so', async () => {
    const before = [await count('child'), await count('source_record')]
    const file = writeFeed([
      { op: 'upsert', record_id: 'RF-1', child: { given_name: 'Good', family_name: 'Row', date_of_birth: '2015-01-01' } },
      '{not json',
      { op: 'upsert', record_id: 'RF-3', child: { given_name: 'No', family_name: 'Birthday' } },
    ])
    const report = await services.feedLoader.load(request(file))
    assert.equal(report.outcome, 'refused')
    assert.match(report.refusal ?? '', /2 of 3 rows \(66\.7%\) were rejected, more than the 5\.0% allowed/)
    assert.equal(report.rejections[0]?.line, 2)
    assert.match(report.rejections[0]?.reason ?? '', /^not valid JSON/)
    assert.equal(report.rejections[1]?.reason, 'child.date_of_birth is required')
    assert.deepEqual([await count('child'), await count('source_record')], before)
    assert.equal((await services.feedLoader.load(request(file))).outcome, 'refused')
  })

  test('a CSV file with an unknown column is refused before anything is read', async () => {
    const file = path.join(dir, 'identity.csv')
    fs.writeFileSync(file, 'record_id,given_name,family_name,date_of_birth,shoe_size\nC1,Ada,Lovelace,2015-12-10,3\n')
    const report = await services.feedLoader.load(request(file))
    assert.equal(report.outcome, 'refused')
    assert.match(report.refusal ?? '', /unknown column 'shoe_size'/)
  })

  test('an identity CSV loads like JSON Lines', async () => {
    const file = path.join(dir, 'identity-ok.csv')
    const others = ['Aldous', 'Bathsheba', 'Cornelius', 'Drusilla', 'Ebenezer', 'Fenella', 'Gideon', 'Henrietta', 'Ignatius', 'Jemima', 'Kenelm', 'Lavinia', 'Mordecai', 'Nerys', 'Octavius', 'Philippa', 'Quentin', 'Rosamund', 'Septimus', 'Tabitha', 'Ulric']
      .map((name, i) => `${LOCAL},CSV-${i + 10},${name},Surname${String.fromCharCode(65 + i)}ington,20${10 + (i % 8)}-0${1 + (i % 9)}-1${i % 9},M,`)
    fs.writeFileSync(file, [
      'source,record_id,given_name,family_name,date_of_birth,gender,postcode',
      `${LOCAL},CSV-1,Hildegard,Pennyfeather,2014-04-04,F,nm1 1ab`,
      'other-source,CSV-2,X,Y,2014-04-04,F,',
      ...others, '',
    ].join('\n'))
    const report = await services.feedLoader.load(request(file, { fileName: 'identity-ok.csv' }))
    assert.equal(report.outcome, 'applied', report.refusal ?? '')
    assert.deepEqual(report.rejections, [{ line: 3, recordId: null, reason: `the row is for source 'other-source', not '${LOCAL}'` }])
    const child = await handle.db.selectFrom('child').select(['gender']).where('family_name', '=', 'Pennyfeather').executeTakeFirstOrThrow()
    assert.equal(child.gender, 'female')
  })
})

describe('safety', () => {
  test('two loaders on the same file at once: the file is applied exactly once', async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ op: 'upsert' as const, record_id: `TW-${i}`, child: { given_name: `Twofold${String.fromCharCode(97 + (i % 26))}${i}`, family_name: 'Loaderson', date_of_birth: `2012-02-${String((i % 28) + 1).padStart(2, '0')}`, gender: 'female' as const }, involvements: [involvement(`TW-${i}-A`)] }))
    const file = writeFeed(records)
    const other = createServices(handle, { encryptionKey: KEY })
    const small = { ...request(file) }
    const results = await Promise.allSettled([services.feedLoader.load(small), other.feedLoader.load(small)])
    for (const r of results) if (r.status === 'rejected') assert.match(String(r.reason), /unfinished load/)
    assert.ok(results.some((r) => r.status === 'fulfilled'))
    // every record once; each record that joined a child brought its one involvement exactly once
    // (records held for review bring theirs when a person decides)
    const { rows } = await sql<{ records: string; distinct_ids: string; joined: string; involvements: string }>`
      SELECT (SELECT count(*) FROM source_record WHERE record_id LIKE 'TW-%') AS records,
             (SELECT count(DISTINCT record_id) FROM source_record WHERE record_id LIKE 'TW-%') AS distinct_ids,
             (SELECT count(*) FROM source_record WHERE record_id LIKE 'TW-%' AND NOT held) AS joined,
             (SELECT count(*) FROM involvement WHERE supplier_involvement_id LIKE 'TW-%') AS involvements`.execute(handle.db)
    const r = rows[0]
    assert.ok(r)
    assert.deepEqual([r.records, r.distinct_ids], ['40', '40'])
    assert.equal(r.involvements, r.joined)
    assert.equal((await services.feedLoader.load(small)).outcome, 'already_applied')
  })

  test('a supplier loads only into its own organisation\'s source', async () => {
    const source = await services.repositories.sources.findSourceByCode(LOCAL)
    const stranger = await handle.db.selectFrom('organisation').select('id').where('id', '!=', source?.organisation_id as string).executeTakeFirstOrThrow()
    const file = writeFeed([{ op: 'upsert', record_id: 'AU-1', child: { given_name: 'Ann', family_name: 'Other', date_of_birth: '2015-01-01' } }])
    await assert.rejects(services.feedLoader.load(request(file, { actor: { userId: SOME_USER_ID, organisationId: stranger.id, roles: ['data_supplier'] }, channel: 'api' })), /only into your own organisation's sources/)
  })

  test('a record that might be a shielded child never becomes a new, unshielded child', async () => {
    const shielded = await someChild('shielded')
    const children = await count('child')
    const file = writeFeed([{ op: 'upsert', record_id: 'SH-1', child: { given_name: shielded.given_name, family_name: shielded.family_name, date_of_birth: shielded.date_of_birth, gender: shielded.gender } }])
    const report = await services.feedLoader.load(request(file))
    assert.equal(report.counts.new_children, 0)
    assert.equal(await count('child'), children)
    const { rows } = await sql<{ held: boolean; child_id: string | null }>`
      SELECT r.held, l.child_id FROM source_record r LEFT JOIN record_link l ON l.source_record_id = r.id AND l.state = 'linked' WHERE r.record_id = 'SH-1'`.execute(handle.db)
    const row = rows[0]
    assert.ok(row)
    assert.ok(row.held ? row.child_id === null : row.child_id === shielded.child_id, JSON.stringify(row))
  })
})

describe('the data-quality queue', () => {
  async function twoNewChildren(tag: string) {
    const file = writeFeed([
      { op: 'upsert', record_id: `${tag}-A`, child: { given_name: 'Clementine', family_name: `Marchbanks${tag}`, date_of_birth: '2013-08-08', gender: 'female' }, involvements: [involvement(`${tag}-A-1`)] },
      { op: 'upsert', record_id: `${tag}-B`, child: { given_name: 'Tobias', family_name: `Underhill${tag}`, date_of_birth: '2009-09-09', gender: 'male' }, involvements: [involvement(`${tag}-B-1`)] },
    ])
    await services.feedLoader.load(request(file))
    const rows = await sql<{ id: string; contactpoint_id: string; responsible_authority_id: string }>`
      SELECT c.id, c.contactpoint_id, c.responsible_authority_id FROM child c
      WHERE c.family_name IN (${`Marchbanks${tag}`}, ${`Underhill${tag}`}) ORDER BY c.family_name`.execute(handle.db)
    assert.equal(rows.rows.length, 2)
    return rows.rows as [typeof rows.rows[number], typeof rows.rows[number]]
  }

  async function manager() {
    const authority = await handle.db.selectFrom('organisation').selectAll().where('kind', '=', 'local_authority').executeTakeFirstOrThrow()
    return (await buildStaff(services, authority, 'authority_data_manager', authority.id)).user
  }

  test('merging two children needs a second person; the merged record points at the survivor; a split restores it', async () => {
    const [a, b] = await twoNewChildren('MG')
    const [first, second] = [await manager(), await manager()]
    const [reviewId] = await handle.db.transaction().execute(async (trx) => {
      await services.repositories.feeds.insertReviews([{ kind: 'children', authorityId: a.responsible_authority_id, sourceRecordId: null, childId: a.id, otherChildId: b.id, probability: 0.8, reason: 'test' }], trx)
      return (await trx.selectFrom('match_review').select('id').where('child_id', '=', a.id).execute()).map((r) => r.id)
    })
    const ctx = { channel: 'cli' as const }
    assert.equal(await services.review.decide(first, reviewId as string, 'same', ctx), 'awaiting_approval')
    await assert.rejects(services.review.decide(second, reviewId as string, 'same', ctx), /already been decided/)
    await assert.rejects(services.review.approveMerge(first, reviewId as string, ctx), /needs a second person/)
    const merge = await services.review.approveMerge(second, reviewId as string, ctx)
    const merged = await handle.db.selectFrom('child').select(['status', 'replaced_by_id']).where('id', '=', merge.mergedId).executeTakeFirstOrThrow()
    assert.deepEqual(merged, { status: 'merged', replaced_by_id: merge.survivorId })
    const moved = await handle.db.selectFrom('involvement').select('child_id').where('supplier_involvement_id', 'in', ['MG-A-1', 'MG-B-1']).execute()
    assert.deepEqual(moved.map((m) => m.child_id), [merge.survivorId, merge.survivorId])

    const mergedCpId = merge.mergedId === a.id ? a.contactpoint_id : b.contactpoint_id
    await services.review.split(first, mergedCpId, ctx)
    const restored = await handle.db.selectFrom('child').select(['status', 'replaced_by_id']).where('id', '=', merge.mergedId).executeTakeFirstOrThrow()
    assert.deepEqual(restored, { status: 'active', replaced_by_id: null })
    const back = await handle.db.selectFrom('involvement').select(['supplier_involvement_id', 'child_id']).where('supplier_involvement_id', 'in', ['MG-A-1', 'MG-B-1']).orderBy('supplier_involvement_id').execute()
    assert.deepEqual(back, [{ supplier_involvement_id: 'MG-A-1', child_id: a.id }, { supplier_involvement_id: 'MG-B-1', child_id: b.id }])
    await assert.rejects(services.review.split(first, mergedCpId, ctx), /No merged record/)
  })

  test('a held record: "different" from the only proposal makes it a new child; the decision is kept', async () => {
    const [a] = await twoNewChildren('HD')
    const user = await manager()
    const file = writeFeed([{ op: 'upsert', record_id: 'HD-HELD', child: { given_name: 'Clem', family_name: 'Marchbanks-Held', date_of_birth: '2013-08-08', gender: 'female' }, involvements: [involvement('HD-HELD-1')] }])
    await services.feedLoader.load(request(file))
    const record = await handle.db.selectFrom('source_record').select('id').where('record_id', '=', 'HD-HELD').executeTakeFirstOrThrow()
    // make it a held record proposed against child a, as the engine does for an uncertain match
    const reviewId = await handle.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('involvement').where('source_record_id', '=', record.id).execute()
      await trx.deleteFrom('record_link').where('source_record_id', '=', record.id).execute()
      await trx.updateTable('source_record').set({ held: true }).where('id', '=', record.id).execute()
      await services.repositories.feeds.insertReviews([{ kind: 'record', authorityId: a.responsible_authority_id, sourceRecordId: record.id, childId: a.id, otherChildId: null, probability: 0.7, reason: 'test' }], trx)
      return (await trx.selectFrom('match_review').select('id').where('source_record_id', '=', record.id).executeTakeFirstOrThrow()).id
    })
    assert.equal(await services.review.decide(user, reviewId, 'different', { channel: 'cli' }), 'different')
    const now = await sql<{ held: boolean; child_id: string | null; rejected: string }>`
      SELECT r.held, l.child_id, (SELECT count(*) FROM record_link x WHERE x.source_record_id = r.id AND x.state = 'rejected' AND x.child_id = ${a.id}) AS rejected
      FROM source_record r LEFT JOIN record_link l ON l.source_record_id = r.id AND l.state = 'linked' WHERE r.id = ${record.id}`.execute(handle.db)
    const row = now.rows[0]
    assert.ok(row && !row.held && row.child_id && row.child_id !== a.id, JSON.stringify(row))
    assert.equal(row.rejected, '1')
    const inv = await handle.db.selectFrom('involvement').select('child_id').where('supplier_involvement_id', '=', 'HD-HELD-1').executeTakeFirstOrThrow()
    assert.equal(inv.child_id, row.child_id, 'its involvement arrived with it')
  })

  test('only the authority\'s data managers decide', async () => {
    const authority = await handle.db.selectFrom('organisation').selectAll().where('kind', '=', 'local_authority').executeTakeFirstOrThrow()
    const practitioner = (await buildStaff(services, authority, 'practitioner', authority.id)).user
    await assert.rejects(services.review.queue(practitioner, authority.id), /no role of the user allows this/)
  })
})
