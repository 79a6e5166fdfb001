// What practitioners record, on a real store: their own involvement (prefilled from their profile,
// sensitive services only with a basis), ending it, CAF and lead professional, cause-for-concern
// markers, data-error reports and the authority's queue, a date of death, phone enquiries, and the
// policy's refusals (shielded records, other authorities, roles) — every change and refusal audited.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Organisation } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { presentRecord } from '../record/record.presenter.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT } from '../testing/people.ts'
import { buildRecordFixture, type RecordFixture } from '../testing/record-fixture.ts'
import type { InvolvementForm } from './practice.service.ts'

let handle: TestDatabase
let services: Services
let north: Organisation
let south: Organisation
let school: Organisation
let teacher: UserWithRoles
let colleague: UserWithRoles
let outsider: UserWithRoles
let manager: UserWithRoles
let southManager: UserWithRoles
let fixture: RecordFixture
let shielded: RecordFixture
const clock = new FakeClock('2026-11-24T10:00:00Z')
const session = { sessionId: 'd'.repeat(64) }

const form = (overrides: Partial<InvolvementForm> = {}): InvolvementForm => ({
  serviceType: 'school', consentBasis: '', practitionerName: 'Hannah Okafor', phone: '01632 960123', email: 'h.okafor@meadow.example',
  startDay: '1', startMonth: '9', startYear: '2026', ...overrides,
})
const fieldsOf = async (promise: Promise<unknown>): Promise<string[]> => {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof AppError && error.code === 'validation_failed', String(error))
    return error.fields.map((f) => f.field)
  }
  return assert.fail('accepted')
}
const rejectsWith = (promise: Promise<unknown>, code: string) => assert.rejects(promise, (e: unknown) => e instanceof AppError && e.code === code)
const eventsFor = (contactPointId: string) => services.repositories.audit.listForSubject('child', contactPointId)

before(async () => {
  handle = await createTestDatabase()
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  north = await buildAuthority(handle.db, { name: 'Northshire County Council', phone: '01632 960000' })
  south = await buildAuthority(handle.db, { name: 'Southshire Council' })
  school = await buildOrganisation(handle.db, north, { name: 'Meadow Lane Primary School', phone: '01632 960001', email: 'office@meadow.example' })
  const southSchool = await buildOrganisation(handle.db, south, { name: 'Southside Academy' })
  teacher = (await buildStaff(services, school, 'practitioner', north.id, { display_name: 'Hannah Okafor', phone: '01632 960123', email: null })).user
  colleague = (await buildStaff(services, school, 'practitioner', north.id)).user
  outsider = (await buildStaff(services, southSchool, 'practitioner', south.id)).user
  manager = (await buildStaff(services, north, 'authority_data_manager', north.id)).user
  southManager = (await buildStaff(services, south, 'authority_data_manager', south.id)).user
  fixture = await buildRecordFixture(handle.db, north, teacher.id)
  shielded = await buildRecordFixture(handle.db, north, teacher.id, { givenName: 'Ada', familyName: 'Shielded', shielded: true })
})
after(async () => handle.close())

describe('your own involvement', () => {
  test('the form starts from the practitioner\'s profile and organisation, and today', async () => {
    const { organisation, values } = await services.practice.involvementDefaults(teacher)
    assert.equal(organisation.name, 'Meadow Lane Primary School')
    assert.deepEqual(values, {
      serviceType: 'school', consentBasis: '', practitionerName: 'Hannah Okafor', phone: '01632 960123', email: 'office@meadow.example',
      startDay: '24', startMonth: '11', startYear: '2026',
    })
  })

  test('is checked: a service, a name, a way to be contacted, a real start date not in the future', async () => {
    const id = fixture.child.contactpoint_id
    assert.deepEqual(await fieldsOf(services.practice.recordInvolvement(teacher, id, form({ serviceType: 'astrology' }), TEST_CONTEXT)), ['serviceType'])
    assert.deepEqual(await fieldsOf(services.practice.recordInvolvement(teacher, id, form({ practitionerName: ' ', phone: '', email: '' }), TEST_CONTEXT)), ['practitionerName', 'phone'])
    assert.deepEqual(await fieldsOf(services.practice.recordInvolvement(teacher, id, form({ email: 'not-an-email' }), TEST_CONTEXT)), ['email'])
    assert.deepEqual(await fieldsOf(services.practice.recordInvolvement(teacher, id, form({ startDay: '31', startMonth: '2' }), TEST_CONTEXT)), ['start-day'])
    assert.deepEqual(await fieldsOf(services.practice.recordInvolvement(teacher, id, form({ startYear: '2027' }), TEST_CONTEXT)), ['start-day'])
    assert.deepEqual(await fieldsOf(services.practice.recordInvolvement(teacher, id, form({ serviceType: 'mental_health' }), TEST_CONTEXT)), ['consentBasis'])
    assert.equal((await services.repositories.practice.ownInvolvements(fixture.child.id, teacher.id)).length, 0)
  })

  test('is recorded with the practitioner, shown on the record, and audited without personal details', async () => {
    const id = fixture.child.contactpoint_id
    await services.practice.recordInvolvement(teacher, id, form(), TEST_CONTEXT)
    const [own] = await services.repositories.practice.ownInvolvements(fixture.child.id, teacher.id)
    assert.ok(own)
    assert.deepEqual([own.service_type, own.organisation_id, own.practitioner_name, own.phone, own.started_on, own.source_record_id], ['school', school.id, 'Hannah Okafor', '01632 960123', '2026-09-01', null])
    const page = presentRecord(await services.record.view(colleague, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    assert.ok(page.education.some((i) => i.practitioner === 'Hannah Okafor' && i.source === 'Recorded in ContactPoint'))
    const event = (await eventsFor(id)).find((e) => e.action === 'child.record_involvement')
    assert.deepEqual([event?.outcome, event?.actor_user_id, event?.details], ['success', teacher.id, { involvement: own.id, service: 'school', sensitive: false }])
    assert.ok(!JSON.stringify(event).includes('Okafor'), 'no names in the audit details')
  })

  test('a sensitive service is recorded with its basis and shown to others only as "a sensitive service is involved"', async () => {
    const child = await buildChild(handle.db, north, { givenName: 'Rowan', familyName: 'Quiet' })
    await services.practice.recordInvolvement(teacher, child.contactpoint_id, form({ serviceType: 'mental_health', consentBasis: 'consent' }), TEST_CONTEXT)
    const page = presentRecord(await services.record.view(colleague, child.contactpoint_id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    assert.equal(page.sensitiveService, true)
    assert.ok(!JSON.stringify(page).includes('Hannah Okafor'))
  })

  test('CAF and lead professional are set and cleared on one\'s own involvement only', async () => {
    const id = fixture.child.contactpoint_id
    const [own] = await services.repositories.practice.ownInvolvements(fixture.child.id, teacher.id)
    assert.ok(own)
    await services.practice.setIndicators(teacher, id, own.id, { holdsCaf: true, leadProfessional: true }, TEST_CONTEXT)
    let page = presentRecord(await services.record.view(colleague, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    assert.deepEqual(page.leadProfessional.map((i) => i.practitioner).sort(), ['Daniel Okoro', 'Hannah Okafor'])
    assert.ok(page.cafHolders.some((i) => i.practitioner === 'Hannah Okafor'))
    await services.practice.setIndicators(teacher, id, own.id, { holdsCaf: true, leadProfessional: false }, TEST_CONTEXT)
    page = presentRecord(await services.record.view(colleague, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    assert.deepEqual(page.leadProfessional.map((i) => i.practitioner), ['Daniel Okoro'])
    await rejectsWith(services.practice.setIndicators(colleague, id, own.id, { holdsCaf: false, leadProfessional: false }, TEST_CONTEXT), 'not_found')
    const events = (await eventsFor(id)).filter((e) => e.action === 'child.set_indicator')
    assert.deepEqual(events.map((e) => e.details), [
      { involvement: own.id, holdsCaf: true, leadProfessional: false, was: { holdsCaf: true, leadProfessional: true } },
      { involvement: own.id, holdsCaf: true, leadProfessional: true, was: { holdsCaf: false, leadProfessional: false } },
    ])
  })

  test('is ended by its practitioner, not before it started; then it is among the ended involvements', async () => {
    const id = fixture.child.contactpoint_id
    const [own] = await services.repositories.practice.ownInvolvements(fixture.child.id, teacher.id)
    assert.ok(own)
    await rejectsWith(services.practice.endInvolvement(colleague, id, own.id, { day: '24', month: '11', year: '2026' }, TEST_CONTEXT), 'not_found')
    assert.deepEqual(await fieldsOf(services.practice.endInvolvement(teacher, id, own.id, { day: '1', month: '1', year: '2026' }, TEST_CONTEXT)), ['end-day'])
    await services.practice.endInvolvement(teacher, id, own.id, { day: '24', month: '11', year: '2026' }, TEST_CONTEXT)
    assert.equal((await services.repositories.practice.ownInvolvements(fixture.child.id, teacher.id)).length, 0)
    const page = presentRecord(await services.record.view(colleague, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    assert.ok(page.ended.some((i) => i.practitioner === 'Hannah Okafor' && i.ended === '24 November 2026'))
    await rejectsWith(services.practice.endInvolvement(teacher, id, own.id, { day: '24', month: '11', year: '2026' }, TEST_CONTEXT), 'not_found')
  })
})

describe('cause-for-concern markers', () => {
  test('say only whom to contact; need a name and a phone or email; removed by the setter\'s organisation', async () => {
    const child = await buildChild(handle.db, north, { givenName: 'Kai', familyName: 'Marker' })
    const id = child.contactpoint_id
    assert.deepEqual(services.practice.markerDefaults(teacher), { contactName: 'Hannah Okafor', phone: '01632 960123', email: '' })
    assert.deepEqual(await fieldsOf(services.practice.setMarker(teacher, id, { contactName: '', phone: '', email: '' }, TEST_CONTEXT)), ['contactName', 'phone'])
    await services.practice.setMarker(teacher, id, { contactName: 'Hannah Okafor', phone: '01632 960123', email: '' }, TEST_CONTEXT)
    const page = presentRecord(await services.record.view(outsider, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    assert.deepEqual(page.markers.map((m) => [m.contact, m.organisation, m.phone]), [['Hannah Okafor', 'Meadow Lane Primary School', '01632 960123']])
    const [marker] = await services.repositories.practice.organisationMarkers(child.id, school.id)
    assert.ok(marker)
    await rejectsWith(services.practice.removeMarker(outsider, id, marker.id, TEST_CONTEXT), 'not_found')
    await services.practice.removeMarker(colleague, id, marker.id, TEST_CONTEXT)
    assert.equal(presentRecord(await services.record.view(outsider, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT)).markers.length, 0)
    assert.deepEqual((await eventsFor(id)).filter((e) => e.action.endsWith('_marker')).map((e) => [e.action, e.actor_user_id, e.details]), [
      ['child.remove_marker', colleague.id, { marker: marker.id }],
      ['child.set_marker', teacher.id, { marker: marker.id }],
    ])
  })
})

describe('the policy decides, and refusals are audited', () => {
  test('nothing can be recorded on a shielded record; the refusal names the authority team', async () => {
    const id = shielded.child.contactpoint_id
    await rejectsWith(services.practice.recordInvolvement(teacher, id, form(), TEST_CONTEXT), 'forbidden')
    await rejectsWith(services.practice.setMarker(teacher, id, { contactName: 'A', phone: '01632 960000', email: '' }, TEST_CONTEXT), 'forbidden')
    await rejectsWith(services.practice.reportError(teacher, id, { part: 'name', description: 'x' }, TEST_CONTEXT), 'forbidden')
    const denied = (await eventsFor(id)).filter((e) => e.outcome === 'denied')
    assert.deepEqual(denied.map((e) => e.action).sort(), ['child.record_involvement', 'child.report_error', 'child.set_marker'])
    assert.match(String((denied[0]?.details as { reason: string }).reason), /shielded/)
  })

  test('a practitioner of another authority may record involvement (children move); an unknown ID is not found', async () => {
    const child = await buildChild(handle.db, north, { givenName: 'Moved', familyName: 'Across' })
    await services.practice.recordInvolvement(outsider, child.contactpoint_id, form({ serviceType: 'school' }), TEST_CONTEXT)
    await rejectsWith(services.practice.recordInvolvement(outsider, '123456789012', form(), TEST_CONTEXT), 'not_found')
  })

  test('a date of death only by the authority\'s data manager', async () => {
    await rejectsWith(services.practice.recordDeath(teacher, fixture.child.contactpoint_id, { day: '1', month: '11', year: '2026' }, TEST_CONTEXT), 'forbidden')
    await rejectsWith(services.practice.recordDeath(southManager, fixture.child.contactpoint_id, { day: '1', month: '11', year: '2026' }, TEST_CONTEXT), 'not_found')
  })
})

describe('a date of death', () => {
  test('is checked, recorded with its source, kept through survivorship, and audited', async () => {
    const child = await buildChild(handle.db, north, { givenName: 'Lost', familyName: 'Sadly', dateOfBirth: '2015-03-14' })
    const id = child.contactpoint_id
    assert.deepEqual(await fieldsOf(services.practice.recordDeath(manager, id, { day: '1', month: '1', year: '2027' }, TEST_CONTEXT)), ['death-day'])
    assert.deepEqual(await fieldsOf(services.practice.recordDeath(manager, id, { day: '1', month: '1', year: '2010' }, TEST_CONTEXT)), ['death-day'])
    await services.practice.recordDeath(manager, id, { day: '2', month: '11', year: '2026' }, TEST_CONTEXT)
    assert.equal((await services.repositories.children.findById(child.id))?.date_of_death, '2026-11-02')
    // survivorship over the child's records keeps it: the death is a record of the authority's own source
    await handle.db.transaction().execute((trx) => services.feedLoader.resurvive([child.id], trx))
    const after = await services.repositories.children.findById(child.id)
    assert.deepEqual([after?.date_of_death, after?.given_name, after?.family_name], ['2026-11-02', 'Lost', 'Sadly'])
    const page = presentRecord(await services.record.view(manager, id, { reason: 'coordinating', detail: '' }, session, TEST_CONTEXT))
    const died = page.identity.find((f) => f.key === 'Date of death')
    assert.deepEqual([died?.lines, died?.source], [['2 November 2026'], 'Recorded in ContactPoint by a practitioner'])
    await rejectsWith(services.practice.recordDeath(manager, id, { day: '2', month: '11', year: '2026' }, TEST_CONTEXT), 'conflict')
    assert.equal((await eventsFor(id)).filter((e) => e.action === 'child.record_death' && e.outcome === 'success').length, 1)
  })
})

describe('data-error reports', () => {
  test('go to the child\'s authority\'s queue, are resolved there with a note, and are audited', async () => {
    const id = fixture.child.contactpoint_id
    assert.deepEqual(await fieldsOf(services.practice.reportError(outsider, id, { part: '', description: '' }, TEST_CONTEXT)), ['part', 'description'])
    await services.practice.reportError(outsider, id, { part: 'date_of_birth', description: 'The date of birth should be 21 May 2016.' }, TEST_CONTEXT)
    await rejectsWith(services.practice.errorQueue(teacher), 'forbidden')
    assert.equal((await services.practice.errorQueue(southManager)).open.length, 0, 'the reporter\'s authority does not see it')
    const { open } = await services.practice.errorQueue(manager)
    assert.deepEqual(open.map((r) => [r.contactpoint_id, r.part, r.description, r.reporter_organisation, r.status]),
      [[id, 'date_of_birth', 'The date of birth should be 21 May 2016.', 'Southside Academy', 'open']])
    const report = open[0]
    assert.ok(report)
    await rejectsWith(services.practice.errorReport(southManager, report.id, TEST_CONTEXT), 'not_found')
    assert.deepEqual(await fieldsOf(services.practice.resolveError(manager, report.id, ' ', TEST_CONTEXT)), ['note'])
    await services.practice.resolveError(manager, report.id, 'Checked with the GP: corrected at source.', TEST_CONTEXT)
    const queue = await services.practice.errorQueue(manager)
    assert.deepEqual([queue.open.length, queue.resolved.map((r) => [r.resolution_note, r.resolver_name])], [0, [['Checked with the GP: corrected at source.', manager.display_name]]])
    await rejectsWith(services.practice.resolveError(manager, report.id, 'again', TEST_CONTEXT), 'conflict')
    const trail = await services.repositories.audit.listForSubject('data_error_report', report.id)
    assert.deepEqual(trail.map((e) => [e.action, e.outcome, e.actor_user_id]).sort(), [
      ['data_error.resolve', 'denied', southManager.id], ['data_error.resolve', 'success', manager.id],
    ].sort())
    assert.ok((await eventsFor(id)).some((e) => e.action === 'child.report_error' && e.actor_user_id === outsider.id))
  })
})

describe('phone enquiries', () => {
  test('record the caller and how they were checked; searches and views meanwhile are the caller\'s on the phone channel', async () => {
    const mine = { sessionId: 'e'.repeat(64) }
    const caller = { callerName: 'Sam Caller', callerOrganisation: 'Northtown Youth Club', callerPhone: '01632 960555', identityCheck: 'other', identityCheckDetail: '' }
    assert.deepEqual(await fieldsOf(services.phoneEnquiries.start(teacher, mine.sessionId, { ...caller, callerName: '', identityCheck: '' }, TEST_CONTEXT)), ['callerName', 'identityCheck'])
    assert.deepEqual(await fieldsOf(services.phoneEnquiries.start(teacher, mine.sessionId, caller, TEST_CONTEXT)), ['identityCheckDetail'])
    const enquiry = await services.phoneEnquiries.start(teacher, mine.sessionId, { ...caller, identityCheck: 'called_back_known_number' }, TEST_CONTEXT)
    assert.equal((await services.phoneEnquiries.active(mine.sessionId))?.id, enquiry.id)
    const onBehalf = { ...TEST_CONTEXT, channel: 'phone' as const, onBehalfOf: `Sam Caller, Northtown Youth Club (phone enquiry ${enquiry.id})` }
    await services.record.view(teacher, fixture.child.contactpoint_id, { reason: 'referral', detail: '' }, mine, onBehalf)
    const [view] = await eventsFor(fixture.child.contactpoint_id)
    assert.deepEqual([view?.channel, view?.actor_user_id, view?.on_behalf_of], ['phone', teacher.id, onBehalf.onBehalfOf])
    await services.phoneEnquiries.end(teacher, mine.sessionId, TEST_CONTEXT)
    assert.equal(await services.phoneEnquiries.active(mine.sessionId), undefined)
    const trail = await services.repositories.audit.listForSubject('phone_enquiry', enquiry.id)
    assert.deepEqual(trail.map((e) => [e.action, e.channel, e.reason_code, e.on_behalf_of]), [
      ['phone_enquiry.end', 'phone', null, onBehalf.onBehalfOf],
      ['phone_enquiry.start', 'phone', 'called_back_known_number', onBehalf.onBehalfOf],
    ])
  })
})

describe('back to the record', () => {
  test('reuses the reason given within the idle timeout, as a new audited view; otherwise asks again', async () => {
    const id = fixture.child.contactpoint_id
    const me = (await buildStaff(services, school, 'practitioner', north.id)).user
    const since = () => new Date(clock.now().getTime() - 30 * 60_000)
    assert.equal(await services.record.continueView(me, id, session, TEST_CONTEXT, since()), null)
    await services.record.view(me, id, { reason: 'other', detail: 'Transition meeting' }, session, TEST_CONTEXT)
    const again = await services.record.continueView(me, id, session, TEST_CONTEXT, since())
    assert.equal(again?.child.id, fixture.child.id)
    const mine = (await eventsFor(id)).filter((e) => e.actor_user_id === me.id)
    assert.deepEqual(mine.map((e) => [e.action, e.reason_code, e.reason_text]), [['child.view', 'other', 'Transition meeting'], ['child.view', 'other', 'Transition meeting']])
    clock.advance(31 * 60_000)
    assert.equal(await services.record.continueView(me, id, session, TEST_CONTEXT, since()), null)
  })
})
