// The lifecycle job on a real PostgreSQL engine (PGlite by default, the server under `npm run test:pg`):
// each rule at its boundary dates, leap days included; deletion of a record with everything that hangs
// off it; transfers between authorities; idempotency; dry runs; the daily schedule on a fake clock.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { NewChildInput } from '../children/child.repository.ts'
import type { Child, Organisation } from '../db/schema.ts'
import { SourceRepository } from '../feeds/source.repository.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { scheduleLifecycle } from './lifecycle.schedule.ts'
import type { LifecycleReport } from './lifecycle.service.ts'

let handle: TestDatabase
let services: Services
let clock: FakeClock
let authority: Organisation

beforeEach(async () => {
  handle = await createTestDatabase()
  // Far enough ahead that every as-of date below is in the past (a real run may not look ahead).
  clock = new FakeClock('2045-01-01T12:00:00Z')
  services = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock })
  authority = await buildAuthority(handle.db, { code: 'E06000901' })
})
afterEach(async () => handle.close())

const run = (asOf: string, dryRun = false): Promise<LifecycleReport> => services.lifecycle.run({ asOf, dryRun })

async function child(overrides: Partial<NewChildInput> & { extendedTo?: string } = {}): Promise<Child> {
  const { extendedTo, ...input } = overrides
  const created = await buildChild(handle.db, authority, input)
  if (extendedTo) {
    await handle.db.updateTable('child').set({ retention_extended_to: extendedTo, retention_extension_basis: 'care_leaver' }).where('id', '=', created.id).execute()
  }
  return created
}

async function row(id: string): Promise<Child | undefined> {
  return handle.db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirst()
}
const statusOf = async (c: Child): Promise<string | undefined> => (await row(c.id))?.status

/** Everything a run could change, for comparing before and after. */
async function snapshot(): Promise<unknown> {
  const children = await handle.db.selectFrom('child')
    .select(['id', 'status', 'responsible_authority_id', 'archived_at', 'delete_due_on', 'left_england_on', 'version', 'updated_at'])
    .orderBy('id').execute()
  const counts: Record<string, number> = {}
  for (const table of ['child_name', 'child_address', 'carer', 'involvement', 'source_record', 'record_link', 'audit_event'] as const) {
    counts[table] = Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)
  }
  return { children, counts }
}

describe('archiving at 18 and at the extended age', () => {
  test('on the 18th birthday and not a day before; a 29 February child on 28 February in a common year', async () => {
    const leap = await child({ dateOfBirth: '2008-02-29' })
    const march = await child({ dateOfBirth: '2008-03-01' })
    const younger = await child({ dateOfBirth: '2010-02-28' })

    assert.deepEqual((await run('2026-02-27')).archived, { age: 0, extended_age: 0, death: 0, left_england: 0 })
    assert.equal(await statusOf(leap), 'active')

    const report = await run('2026-02-28')
    assert.equal(report.archived.age, 1)
    assert.equal(await statusOf(leap), 'archived')
    assert.equal(await statusOf(march), 'active')
    const archived = await row(leap.id)
    assert.equal(archived?.delete_due_on, '2032-02-28')
    assert.deepEqual(archived?.archived_at, clock.now())

    await run('2026-03-01')
    assert.equal(await statusOf(march), 'archived')
    // 2028 is a leap year: the 18th birthday of a child born on 28 February 2010 is 28 February, not 29.
    await run('2028-02-27')
    assert.equal(await statusOf(younger), 'active')
    await run('2028-02-28')
    assert.equal(await statusOf(younger), 'archived')
  })

  test('with consent to an extended age, on that date instead', async () => {
    const extended = await child({ dateOfBirth: '2008-05-10', extendedTo: '2031-05-09' })
    assert.equal((await run('2026-05-10')).archived.age, 0)
    assert.equal(await statusOf(extended), 'active')
    assert.equal((await run('2031-05-08')).archived.extended_age, 0)
    assert.equal((await run('2031-05-09')).archived.extended_age, 1)
    assert.equal(await statusOf(extended), 'archived')
    assert.equal((await row(extended.id))?.delete_due_on, '2037-05-09')
  })
})

describe('death and leaving England', () => {
  test('a child who died stays live for a year after the date of death', async () => {
    const died = await child({ dateOfBirth: '2015-01-01', dateOfDeath: '2024-02-29' })
    assert.equal((await run('2025-02-27')).archived.death, 0)
    assert.equal(await statusOf(died), 'active')
    assert.equal((await run('2025-02-28')).archived.death, 1)
    assert.equal(await statusOf(died), 'archived')
  })

  test('left England: the window starts when the job first sees it; 3 years (intending or unknown), 1 year (not intending)', async () => {
    const unknown = await child({ dateOfBirth: '2015-01-01', addressStatus: 'left_england', returnIntent: 'unknown' })
    const intends = await child({ dateOfBirth: '2015-01-01', addressStatus: 'left_england', returnIntent: 'intends_to_return' })
    const forGood = await child({ dateOfBirth: '2015-01-01', addressStatus: 'left_england', returnIntent: 'does_not_intend_to_return' })
    const cameBack = await child({ dateOfBirth: '2015-01-01', addressStatus: 'left_england', returnIntent: 'unknown' })

    assert.equal((await run('2026-01-10')).leftEnglandNoted, 4)
    assert.equal((await row(unknown.id))?.left_england_on, '2026-01-10')
    assert.equal((await run('2026-01-11')).leftEnglandNoted, 0, 'the start date is kept')

    await handle.db.updateTable('child').set({ address_status: 'current', return_intent: null }).where('id', '=', cameBack.id).execute()
    assert.equal((await run('2026-06-01')).returnedToEngland, 1)
    assert.equal((await row(cameBack.id))?.left_england_on, null)

    assert.equal((await run('2027-01-09')).archived.left_england, 0)
    assert.equal((await run('2027-01-10')).archived.left_england, 1)
    assert.equal(await statusOf(forGood), 'archived')
    assert.equal((await run('2029-01-09')).archived.left_england, 0)
    assert.equal((await run('2029-01-10')).archived.left_england, 2)
    assert.equal(await statusOf(unknown), 'archived')
    assert.equal(await statusOf(intends), 'archived')
    assert.equal(await statusOf(cameBack), 'active')
  })
})

describe('deletion six years after archiving', () => {
  test('removes the record, what cascades from it, its links, the records that replaced into it and the source records only it used', async () => {
    const school = await buildOrganisation(handle.db, authority)
    const teacher = await services.repositories.users.insert({ username: 'lifecycle.teacher', display_name: 'Test Teacher', organisation_id: school.id }, [])
    const doomed = await child({
      givenName: 'Ottilie', familyName: 'Vanishing', dateOfBirth: '2008-04-01',
      currentAddress: { lines: ['1 Test Lane'], postcode: 'NT4 2AB' }, formerNames: [{ familyName: 'Formerly' }],
    })
    const kept = await child({ dateOfBirth: '2015-04-01' })
    const merged = await child({ dateOfBirth: '2008-04-01' })
    await handle.db.updateTable('child').set({ status: 'merged', replaced_by_id: doomed.id }).where('id', '=', merged.id).execute()

    await services.repositories.practice.insertCarers([{ child_id: doomed.id, given_name: 'Pat', family_name: 'Vanishing', relationship: 'mother',
      parental_responsibility: true, phone: null, email: null, address_lines: null, town: null, postcode: null, source_record_id: null }])
    await services.repositories.practice.insertInvolvements([{ child_id: doomed.id, service_type: 'school', organisation_id: school.id,
      started_on: '2019-09-01', practitioner_name: null, phone: null, email: null, ended_on: null, source_record_id: null,
      supplier_involvement_id: null, created_by_user_id: null }])
    await services.repositories.practice.setMarker({ childId: doomed.id, organisationId: school.id, setByUserId: teacher.id, contactName: 'T', contactPhone: '01632 960000' })
    await handle.db.transaction().execute((trx) => services.repositories.shields.insertDecisions(
      [{ childId: doomed.id, reason: 'adoption', note: null, decidedByUserId: null, reviewDueOn: '2026-01-01' }], trx))

    const sources = new SourceRepository(handle.db)
    const source = await sources.insertSource({ code: 'test-pds', name: 'Test PDS', scope: 'national', organisationId: school.id, authorityId: null, supplies: ['identity'], precedence: 90 })
    const base = { source_id: source.id, middle_names: null, date_of_death: null, gender: 'female' as const, address_lines: null, town: null, postcode: null,
      address_status: null, return_intent: null, nhs_number: null, upn: null, payload: '{}', content_hash: 'h', deleted_at: null }
    const [onlyDoomed, alsoKept] = await sources.insertRecords([
      { ...base, record_id: 'R1', given_name: 'Ottilie', family_name: 'Vanishing', date_of_birth: '2008-04-01' },
      { ...base, record_id: 'R2', given_name: 'Amelia', family_name: 'Testcase', date_of_birth: '2015-04-01' },
    ])
    assert.ok(onlyDoomed && alsoKept)
    await sources.insertLinks([
      { sourceRecordId: onlyDoomed.id, childId: doomed.id, state: 'linked', decidedBy: 'engine' },
      { sourceRecordId: alsoKept.id, childId: kept.id, state: 'linked', decidedBy: 'engine' },
      { sourceRecordId: alsoKept.id, childId: doomed.id, state: 'rejected', decidedBy: 'engine' },
    ])
    await sources.recordProvenance([{ childId: doomed.id, field: 'given_name', sourceRecordId: onlyDoomed.id, sourceId: source.id }])
    await handle.db.insertInto('child_identifier').values({ child_id: doomed.id, scheme: 'nhs_number', value: '9990000026', issuer_organisation_id: school.id, source_record_id: onlyDoomed.id }).execute()

    await run('2026-04-01')
    assert.equal(await statusOf(doomed), 'archived')
    assert.equal((await row(doomed.id))?.delete_due_on, '2032-04-01')

    assert.equal((await run('2032-03-31')).deleted.records, 0)
    const report = await run('2032-04-01')
    assert.deepEqual(report.deleted, { records: 1, mergedRecords: 1, sourceRecords: 1 })

    assert.equal(await row(doomed.id), undefined)
    assert.equal(await row(merged.id), undefined)
    assert.equal(await statusOf(kept), 'active')
    for (const table of ['child_name', 'child_address', 'carer', 'involvement', 'concern_marker', 'shield_decision', 'child_identifier', 'field_provenance', 'record_link'] as const) {
      const left = await handle.db.selectFrom(table).select('child_id').where('child_id', 'in', [doomed.id, merged.id]).execute()
      assert.equal(left.length, 0, `${table} still holds rows of the deleted record`)
    }
    assert.equal(await sources.findRecord(source.id, 'R1'), undefined, 'the source record that supplied only the deleted child is gone')
    assert.ok(await sources.findRecord(source.id, 'R2'), 'a source record of another child is kept')

    // The audit trail keeps the deletion, with the ContactPoint ID and the rule, and no personal data.
    const events = await services.repositories.audit.listForSubject('child', doomed.contactpoint_id)
    const deletion = events.find((e) => e.action === 'child.delete')
    assert.ok(deletion)
    assert.equal(deletion.reason_code, 'retention_ended')
    const text = JSON.stringify(events)
    for (const personal of ['Ottilie', 'Vanishing', 'Formerly', '2008-04-01', 'NT4', 'Test Lane']) assert.ok(!text.includes(personal), personal)
    assert.ok((await services.repositories.audit.listForSubject('child', merged.contactpoint_id)).some((e) => e.reason_code === 'merged_into_deleted_record'))
  })
})

describe('transfer to the authority of the current address', () => {
  test('a child whose current address lies in another authority\'s district moves to it; unmapped districts and other statuses stay', async () => {
    const other = await buildAuthority(handle.db, { code: 'E06000902', name: 'Othershire Council' })
    await services.repositories.lifecycle.upsertDistricts([{ district: 'OT1', authorityId: other.id }, { district: 'NT4', authorityId: authority.id }], clock.now())
    const moved = await child({ currentAddress: { lines: ['2 New Road'], postcode: 'ot1 5zz' } })
    const stays = await child({ currentAddress: { lines: ['3 Old Road'], postcode: 'NT4 2AB' } })
    const unmapped = await child({ currentAddress: { lines: ['4 Far Road'], postcode: 'ZZ9 9ZZ' } })
    const lastKnown = await child({ addressStatus: 'last_known', currentAddress: { lines: ['5 Other Road'], postcode: 'OT1 1AA' } })

    const report = await run('2026-06-01')
    assert.equal(report.transferred, 1)
    assert.equal(report.districtsMapped, 2)
    assert.equal((await row(moved.id))?.responsible_authority_id, other.id)
    for (const c of [stays, unmapped, lastKnown]) assert.equal((await row(c.id))?.responsible_authority_id, authority.id)
    const [event] = (await services.repositories.audit.listForSubject('child', moved.contactpoint_id)).filter((e) => e.action === 'child.transfer')
    assert.deepEqual((event?.details as { from: string; to: string }), { asOf: '2026-06-01', from: 'E06000901', to: 'E06000902' })
    assert.equal((await run('2026-06-02')).transferred, 0)
  })
})

describe('idempotency, dry runs and look-ahead', () => {
  async function mixedPopulation(): Promise<void> {
    const other = await buildAuthority(handle.db, { code: 'E06000903' })
    await services.repositories.lifecycle.upsertDistricts([{ district: 'OT1', authorityId: other.id }], clock.now())
    await child({ dateOfBirth: '2008-02-29' })
    await child({ dateOfBirth: '2015-01-01', dateOfDeath: '2025-01-01' })
    await child({ dateOfBirth: '2015-01-01', addressStatus: 'left_england', returnIntent: 'does_not_intend_to_return' })
    await child({ dateOfBirth: '2015-01-01', currentAddress: { lines: ['2 New Road'], postcode: 'OT1 5ZZ' } })
    await child({ dateOfBirth: '2016-01-01' })
  }

  test('running twice as of the same date changes nothing the second time', async () => {
    await mixedPopulation()
    const first = await run('2026-03-01')
    assert.deepEqual(first.archived, { age: 1, extended_age: 0, death: 1, left_england: 0 })
    assert.equal(first.transferred, 1)
    assert.equal(first.leftEnglandNoted, 1)
    const before = await snapshot() as { counts: Record<string, number> }
    const second = await run('2026-03-01')
    assert.deepEqual({ ...second.archived, ...second.deleted, t: second.transferred, l: second.leftEnglandNoted, r: second.returnedToEngland },
      { age: 0, extended_age: 0, death: 0, left_england: 0, records: 0, mergedRecords: 0, sourceRecords: 0, t: 0, l: 0, r: 0 })
    const after = await snapshot() as { counts: Record<string, number> }
    // The second run is itself recorded (one lifecycle.run event); nothing else differs.
    assert.equal(after.counts.audit_event, (before.counts.audit_event ?? 0) + 1)
    assert.deepEqual({ ...after, counts: { ...after.counts, audit_event: 0 } }, { ...before, counts: { ...before.counts, audit_event: 0 } })
  })

  test('a dry run changes nothing and reports exactly what the real run then does', async () => {
    await mixedPopulation()
    const before = await snapshot()
    const dry = await run('2026-03-01', true)
    assert.equal(dry.dryRun, true)
    assert.deepEqual(await snapshot(), before)
    const real = await run('2026-03-01')
    assert.deepEqual({ ...dry, dryRun: false }, real)
  })

  test('a real run may not look ahead of today; a dry run may', async () => {
    await child({ dateOfBirth: '2027-01-01' })
    await assert.rejects(run('2045-01-02'), /after today/)
    const ahead = await run('2045-01-02', true)
    assert.equal(ahead.archived.age, 1)
    assert.equal((await handle.db.selectFrom('child').select('status').executeTakeFirstOrThrow()).status, 'active')
  })

  test('each run is audited with its counts', async () => {
    await mixedPopulation()
    await run('2026-03-01')
    const [event] = await services.repositories.audit.listForSubject('lifecycle', '2026-03-01')
    assert.equal(event?.action, 'lifecycle.run')
    assert.equal((event?.details as LifecycleReport).archived.death, 1)
  })
})

describe('the daily schedule', () => {
  test('runs once per day in England, skips a day already run, and runs again the next day', async () => {
    clock = new FakeClock('2026-02-27T23:30:00Z')
    services = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock })
    const leap = await child({ dateOfBirth: '2008-02-29' })
    const reports: LifecycleReport[] = []
    const errors: unknown[] = []
    const schedule = scheduleLifecycle(services.lifecycle, { start: false, onReport: (r) => reports.push(r), onError: (e) => errors.push(e) })

    await schedule.tick()
    assert.deepEqual(reports.map((r) => r.asOf), ['2026-02-27'])
    await schedule.tick()
    assert.equal(reports.length, 1, 'the same day is not run twice')
    assert.equal(await statusOf(leap), 'active')

    clock.advance(60 * 60_000)
    await schedule.tick()
    assert.deepEqual(reports.map((r) => r.asOf), ['2026-02-27', '2026-02-28'])
    assert.equal(reports[1]?.archived.age, 1)
    assert.equal(await statusOf(leap), 'archived')
    assert.deepEqual(errors, [])
    await schedule.stop()
  })

  test('two processes waking at once: exactly one runs the day', async () => {
    clock = new FakeClock('2026-06-01T09:00:00Z')
    services = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock })
    const other = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock })
    const results = await Promise.all([services.lifecycle.runDaily(), other.lifecycle.runDaily()])
    assert.equal(results.filter((r) => r !== null).length, 1)
    assert.equal((await services.repositories.audit.listForSubject('lifecycle', '2026-06-01')).length, 1)
  })

  test('a started schedule runs straight away, and stop() waits for it and ends the timer', async () => {
    clock = new FakeClock('2026-06-01T09:00:00Z')
    services = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock })
    const reports: LifecycleReport[] = []
    const schedule = scheduleLifecycle(services.lifecycle, { checkEveryMs: 60_000, onReport: (r) => reports.push(r), onError: (e) => { throw e } })
    await schedule.stop()
    assert.deepEqual(reports.map((r) => r.asOf), ['2026-06-01'])
    assert.deepEqual(await services.lifecycle.lastRun().then((r) => r?.asOf), '2026-06-01')
  })
})
