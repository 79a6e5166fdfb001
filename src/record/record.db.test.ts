// Opening a child's record on a real store: the reason, what the record shows and hides, the
// shielded view and the override (session-long, audited, an open alert for the authority),
// merged and archived records, other authorities.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Organisation } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT } from '../testing/people.ts'
import { buildRecordFixture, type RecordFixture } from '../testing/record-fixture.ts'
import { presentRecord } from './record.presenter.ts'

let handle: TestDatabase
let services: Services
let north: Organisation
let south: Organisation
let practitioner: UserWithRoles
let overrider: UserWithRoles
let fixture: RecordFixture
let shielded: RecordFixture
const clock = new FakeClock('2026-11-24T10:00:00Z')
const session = { sessionId: 'a'.repeat(64) }
const reason = { reason: 'safeguarding', detail: '' }

before(async () => {
  handle = await createTestDatabase()
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  north = await buildAuthority(handle.db, { name: 'Northshire County Council', phone: '01632 960000', email: 'contactpoint@northshire.example' })
  south = await buildAuthority(handle.db, { name: 'Southshire Council' })
  practitioner = (await buildStaff(services, north, 'practitioner', north.id)).user
  overrider = (await buildStaff(services, north, 'practitioner', north.id)).user
  await handle.db.insertInto('user_role').values({ user_id: overrider.id, role: 'practitioner_shield_override', authority_id: north.id, granted_by: null }).execute()
  overrider = await services.repositories.users.findById(overrider.id) as UserWithRoles
  fixture = await buildRecordFixture(handle.db, north, practitioner.id)
  shielded = await buildRecordFixture(handle.db, north, practitioner.id, { givenName: 'Ada', familyName: 'Shielded', shielded: true })
})
after(async () => handle.close())

const eventsFor = (contactPointId: string) => services.repositories.audit.listForSubject('child', contactPointId)

describe('the reason', () => {
  test('is required, from the list; another reason needs words; every opening is audited with it', async () => {
    const id = fixture.child.contactpoint_id
    const fields = async (form: { reason: string; detail: string }) => {
      try {
        await services.record.view(practitioner, id, form, session, TEST_CONTEXT)
      } catch (error) {
        assert.ok(error instanceof AppError && error.code === 'validation_failed')
        return error.fields.map((f) => f.field)
      }
      return assert.fail('accepted')
    }
    assert.deepEqual(await fields({ reason: '', detail: '' }), ['reason'])
    assert.deepEqual(await fields({ reason: 'curiosity', detail: '' }), ['reason'])
    assert.deepEqual(await fields({ reason: 'other', detail: '  ' }), ['detail'])
    assert.deepEqual(await fields({ reason: 'referral', detail: 'x'.repeat(501) }), ['detail'])
    assert.equal((await eventsFor(id)).length, 0, 'no reason, no access')
    await services.record.view(practitioner, id, { reason: 'other', detail: 'Transition planning meeting' }, session, TEST_CONTEXT)
    await services.record.view(practitioner, id, reason, session, TEST_CONTEXT)
    const events = await eventsFor(id)
    assert.deepEqual(events.map((e) => [e.action, e.outcome, e.reason_code, e.reason_text, e.actor_user_id]), [
      ['child.view', 'success', 'safeguarding', null, practitioner.id],
      ['child.view', 'success', 'other', 'Transition planning meeting', practitioner.id],
    ])
    assert.deepEqual(events[0]?.details, { restricted: false })
  })
})

describe('the record', () => {
  test('shows identity with sources, carers, setting, GP, involvements, lead professional, CAF and markers; ended ones apart', async () => {
    const page = presentRecord(await services.record.view(practitioner, fixture.child.contactpoint_id, reason, session, TEST_CONTEXT))
    assert.equal(page.name, 'Maisie Rose Thornbury')
    const identity = Object.fromEntries(page.identity.map((f) => [f.key, f]))
    assert.deepEqual(identity['Former names']?.lines, ['Maisie Rose Kettlewell, until 31 January 2020'])
    assert.deepEqual(identity.Address?.lines, ['14 Orchard Way', 'Northtown', 'NM3 4EF', 'Current address'])
    assert.equal(identity.Address?.source, 'NHS Personal Demographics Service')
    assert.equal(identity['Date of birth']?.source, 'NHS Personal Demographics Service')
    assert.equal(identity['NHS number'], undefined, 'identifiers only for their issuer')
    assert.deepEqual(page.carers.map((c) => [c.name, c.relationship, c.parentalResponsibility, c.phone]), [['Joanne Thornbury', 'Mother', 'Has parental responsibility', '07700 900111']])
    assert.deepEqual(page.education.map((i) => [i.organisation, i.practitioner, i.phone, i.email]), [['Meadow Lane Primary School', 'Ms Priya Shah', '01632 960001', 'office@meadow.example']])
    assert.deepEqual(page.gp.map((i) => i.organisation), ['Riverside Surgery'])
    assert.deepEqual(page.services.map((i) => [i.service, i.practitioner, i.phone, i.email]), [['Children\'s social care', 'Daniel Okoro', '01632 960777', 'd.okoro@northshire.example']])
    assert.deepEqual(page.leadProfessional.map((i) => i.practitioner), ['Daniel Okoro'])
    assert.deepEqual(page.cafHolders.map((i) => i.practitioner), ['Daniel Okoro'])
    assert.deepEqual(page.markers.map((m) => [m.contact, m.organisation, m.phone]), [['Daniel Okoro', 'Northshire Children\'s Services', '01632 960777']])
    assert.deepEqual(page.ended.map((i) => [i.service, i.practitioner, i.ended]), [['Health visitor', 'Beth Marlow', '20 May 2021']])
  })

  test('a parent named by several sources is shown once, with what any of them knows', async () => {
    const fresh = await buildRecordFixture(handle.db, north, practitioner.id, { givenName: 'Ellis', familyName: 'Carrow', dateOfBirth: '2016-02-02' })
    await handle.db.insertInto('carer').values([
      { child_id: fresh.child.id, given_name: 'Joanne', family_name: 'Thornbury', relationship: 'mother', parental_responsibility: false, phone: null, email: null },
      { child_id: fresh.child.id, given_name: 'Sam', family_name: 'Thornbury', relationship: 'father', parental_responsibility: true, phone: null, email: null },
    ]).execute()
    const page = presentRecord(await services.record.view(practitioner, fresh.child.contactpoint_id, reason, session, TEST_CONTEXT))
    assert.deepEqual(page.carers.map((c) => [c.name, c.relationship, c.parentalResponsibility, c.phone, c.email]), [
      ['Joanne Thornbury', 'Mother', 'Has parental responsibility', '07700 900111', 'jo@example.invalid'],
      ['Sam Thornbury', 'Father', 'Has parental responsibility', null, null],
    ])
  })

  test('a sensitive service appears only as "a sensitive service is involved", with the authority\'s ContactPoint team', async () => {
    const page = presentRecord(await services.record.view(practitioner, fixture.child.contactpoint_id, reason, session, TEST_CONTEXT))
    assert.equal(page.sensitiveService, true)
    assert.deepEqual(page.authority, { name: 'Northshire County Council', phone: '01632 960000', email: 'contactpoint@northshire.example' })
    const text = JSON.stringify(page)
    for (const hidden of ['Brook Street', 'Sexual', 'sexual', 'Secret Clinician', '960099']) assert.ok(!text.includes(hidden), hidden)
  })
})

describe('a shielded record', () => {
  test('shows only name, gender, date of birth and ID; nothing else is even read', async () => {
    const access = await services.record.view(practitioner, shielded.child.contactpoint_id, reason, session, TEST_CONTEXT)
    assert.equal(access.restricted, true)
    assert.equal(access.detail, null)
    assert.equal(access.mayOverride, false)
    const page = presentRecord(access)
    assert.deepEqual(page.identity.map((f) => f.key), ['Name', 'Date of birth', 'Gender', 'ContactPoint ID'])
    for (const hidden of ['Orchard', 'NM3', 'Northtown', 'Joanne', 'Meadow', 'Okoro', 'Kettlewell']) assert.ok(!JSON.stringify(page).includes(hidden), hidden)
    assert.deepEqual((await eventsFor(shielded.child.contactpoint_id))[0]?.details, { restricted: true })
  })

  test('a user without the override right cannot override', async () => {
    await assert.rejects(services.record.overrideShield(practitioner, shielded.child.contactpoint_id, { reason: 'immediate_risk', detail: 'Because' }, session, TEST_CONTEXT),
      (e: unknown) => e instanceof AppError && e.code === 'forbidden')
  })

  test('the override needs a reason and details; it opens the whole record for that session only, is audited and alerts the authority', async () => {
    const id = shielded.child.contactpoint_id
    const mine = { sessionId: 'b'.repeat(64) }
    const before = await services.record.view(overrider, id, reason, mine, TEST_CONTEXT)
    assert.equal(before.restricted, true)
    assert.equal(before.mayOverride, true)
    await assert.rejects(services.record.overrideShield(overrider, id, { reason: '', detail: '' }, mine, TEST_CONTEXT),
      (e: unknown) => e instanceof AppError && e.fields.map((f) => f.field).join() === 'reason,detail')
    const opened = await services.record.overrideShield(overrider, id, { reason: 'immediate_risk', detail: 'Hospital admission tonight; need GP and social worker' }, mine, TEST_CONTEXT)
    assert.equal(opened.restricted, false)
    assert.ok(presentRecord(opened).services.some((i) => i.practitioner === 'Daniel Okoro'))
    const alerts = await services.repositories.records.openOverrides(north.id)
    assert.deepEqual(alerts.map((a) => [a.child_id, a.user_id, a.status, a.reason_code, a.session_id]), [[shielded.child.id, overrider.id, 'open', 'immediate_risk', mine.sessionId]])
    const events = await eventsFor(id)
    assert.deepEqual(events.slice(0, 2).map((e) => [e.action, e.reason_code, e.details]), [
      ['child.view', 'immediate_risk', { restricted: false, shieldOverride: alerts[0]?.id }],
      ['child.override_shield', 'immediate_risk', { shieldOverride: alerts[0]?.id, authorityAlerted: north.id }],
    ])
    // The same session sees the whole record again (each time audited with the override)…
    const again = await services.record.view(overrider, id, { reason: 'coordinating', detail: '' }, mine, TEST_CONTEXT)
    assert.equal(again.restricted, false)
    assert.deepEqual((await eventsFor(id))[0]?.details, { restricted: false, shieldOverride: alerts[0]?.id })
    // …another session does not.
    assert.equal((await services.record.view(overrider, id, reason, { sessionId: 'c'.repeat(64) }, TEST_CONTEXT)).restricted, true)
  })

  test('an unshielded record cannot be "overridden"', async () => {
    await assert.rejects(services.record.overridable(overrider, fixture.child.contactpoint_id, TEST_CONTEXT), (e: unknown) => e instanceof AppError && e.code === 'forbidden')
  })
})

describe('record states and authorities', () => {
  test('a merged record opens as the record that replaced it', async () => {
    const old = await buildChild(handle.db, north, { givenName: 'Maisie', familyName: 'Thornbery', dateOfBirth: '2016-05-20' })
    await sql`UPDATE child SET status = 'merged', replaced_by_id = ${fixture.child.id} WHERE id = ${old.id}`.execute(handle.db)
    const access = await services.record.view(practitioner, old.contactpoint_id, reason, session, TEST_CONTEXT)
    assert.equal(access.child.id, fixture.child.id)
    assert.equal(presentRecord(access).mergedFrom?.replaceAll(' ', ''), old.contactpoint_id)
    assert.deepEqual((await eventsFor(fixture.child.contactpoint_id))[0]?.details, { restricted: false, requestedId: old.contactpoint_id })
  })

  test('an archived record is refused to practitioners and readable by the authority\'s data manager for a year', async () => {
    const child = await buildChild(handle.db, north, { givenName: 'Old', familyName: 'Record', dateOfBirth: '2007-01-01' })
    await sql`UPDATE child SET status = 'archived', archived_at = ${new Date('2026-06-01T00:00:00Z')} WHERE id = ${child.id}`.execute(handle.db)
    await assert.rejects(services.record.view(practitioner, child.contactpoint_id, reason, session, TEST_CONTEXT), (e: unknown) => e instanceof AppError && e.code === 'forbidden')
    const manager = (await buildStaff(services, north, 'authority_data_manager', north.id)).user
    const access = await services.record.view(manager, child.contactpoint_id, reason, session, TEST_CONTEXT)
    assert.equal(access.archived, true)
    const events = await eventsFor(child.contactpoint_id)
    assert.deepEqual(events.map((e) => [e.outcome, e.actor_user_id]), [['success', manager.id], ['denied', practitioner.id]])
  })

  test('another authority\'s data manager is told there is no such child, as for an unknown ID', async () => {
    const manager = (await buildStaff(services, south, 'authority_data_manager', south.id)).user
    for (const id of [fixture.child.contactpoint_id, '123456789012']) {
      await assert.rejects(services.record.view(manager, id, reason, session, TEST_CONTEXT),
        (e: unknown) => e instanceof AppError && e.code === 'not_found' && e.message === 'No child with that ContactPoint ID was found')
    }
  })
})
