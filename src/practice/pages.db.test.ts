// The practitioner's recording pages over HTTP (injected into the real app on a real store): each
// question page with its prefilled answers, CSRF, the GOV.UK error summary, post/redirect/get back to
// the record with a success banner, the data team's queue, the date of death, phone enquiries and
// the "add a child" question.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import type { Organisation } from '../db/schema.ts'
import { createLogger } from '../observability/logger.ts'
import type { Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, signInAs } from '../testing/people.ts'
import { buildRecordFixture, type RecordFixture } from '../testing/record-fixture.ts'

let handle: TestDatabase
let app: FastifyInstance
let services: Services
let north: Organisation
let fixture: RecordFixture
let shieldedId: string
let teacher: string
let manager: string
let teacherId: string
const clock = new FakeClock('2026-11-24T10:00:00Z')

before(async () => {
  handle = await createTestDatabase()
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database: handle, logger: createLogger('silent'), clock }))
  await app.ready()
  north = await buildAuthority(handle.db, { name: 'Northshire County Council', phone: '01632 960000' })
  const school = await buildOrganisation(handle.db, north, { name: 'Meadow Lane Primary School', phone: '01632 960001' })
  const teacherStaff = await buildStaff(services, school, 'practitioner', north.id, { display_name: 'Hannah Okafor', phone: '01632 960123', email: 'h.okafor@meadow.example' })
  teacherId = teacherStaff.user.id
  const managerStaff = await buildStaff(services, north, 'authority_data_manager', north.id)
  fixture = await buildRecordFixture(handle.db, north, teacherStaff.user.id)
  shieldedId = (await buildRecordFixture(handle.db, north, teacherStaff.user.id, { givenName: 'Ada', familyName: 'Thornbury', shielded: true })).child.contactpoint_id
  teacher = `cp-session=${await signInAs(services, clock, teacherStaff)}`
  manager = `cp-session=${await signInAs(services, clock, managerStaff)}`
})
after(async () => {
  await app.close()
  await handle.close()
})

/** GETs a page with a form and POSTs it back with its CSRF token and the given fields. */
async function submit(session: string, page: string, action: string, fields: Record<string, string | string[]>) {
  const form = await app.inject({ url: page, headers: { cookie: session } })
  assert.equal(form.statusCode, 200, `${page}: ${form.statusCode}`)
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] as string
  const csrf = ([] as string[]).concat(form.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('cp-csrf='))?.split(';')[0]
  const body = new URLSearchParams({ _csrf: token })
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one)
  return app.inject({
    method: 'POST', url: action, headers: { cookie: [session, csrf].filter(Boolean).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(),
  })
}
const openRecord = (session: string, id: string) => submit(session, `/children/${id}/reason`, `/children/${id}/reason`, { reason: 'safeguarding' })
const get = (session: string, url: string) => app.inject({ url, headers: { cookie: session } })

describe('back to the record', () => {
  test('without a recent reason, the record asks for one; with one, it opens again (audited)', async () => {
    const id = fixture.child.contactpoint_id
    const first = await get(teacher, `/children/${id}`)
    assert.equal(first.statusCode, 303)
    assert.equal(first.headers.location, `/children/${id}/reason`)
    const record = await openRecord(teacher, id)
    assert.match(record.body, /Your work with this child/)
    for (const link of ['involvement', 'marker', 'report-error']) assert.match(record.body, new RegExp(`href="/children/${id}/${link}"`))
    assert.doesNotMatch(record.body, /Record a date of death/, 'practitioners do not record deaths')
    assert.doesNotMatch((await get(teacher, `/children/${id}?done=__proto__`)).body, /govuk-notification-banner--success/)
    const again = await get(teacher, `/children/${id}?done=<script>`)
    assert.equal(again.statusCode, 200)
    assert.match(again.body, /Maisie Rose Thornbury/)
    assert.doesNotMatch(again.body, /govuk-notification-banner--success|&lt;script/, 'only known banners, nothing echoed')
  })
})

describe('your involvement', () => {
  test('the question is prefilled from the profile; errors come back in a summary; success returns to the record with a banner', async () => {
    const id = fixture.child.contactpoint_id
    await openRecord(teacher, id)
    const page = await get(teacher, `/children/${id}/involvement`)
    assert.equal(page.statusCode, 200)
    for (const prefilled of ['value="Hannah Okafor"', 'value="01632 960123"', 'value="h.okafor@meadow.example"', 'value="school" checked', 'value="24"']) assert.ok(page.body.includes(prefilled), prefilled)
    assert.match(page.body, /Meadow Lane Primary School/)
    const noToken = await app.inject({ method: 'POST', url: `/children/${id}/involvement`, headers: { cookie: teacher, 'content-type': 'application/x-www-form-urlencoded' }, body: 'serviceType=school' })
    assert.equal(noToken.statusCode, 403)
    const wrong = await submit(teacher, `/children/${id}/involvement`, `/children/${id}/involvement`, { serviceType: 'school', practitionerName: 'Hannah Okafor', phone: '', email: '', 'start-day': '40', 'start-month': '1', 'start-year': '2026' })
    assert.equal(wrong.statusCode, 400)
    assert.match(wrong.body, /<title>Error: Record your involvement/)
    assert.match(wrong.body, /href="#phone">Enter a phone number or an email address/)
    assert.match(wrong.body, /href="#start-day">The date you started working with the child must be a real date/)
    const ok = await submit(teacher, `/children/${id}/involvement`, `/children/${id}/involvement`, { serviceType: 'school', practitionerName: 'Hannah Okafor', phone: '01632 960123', email: '', 'start-day': '1', 'start-month': '9', 'start-year': '2026' })
    assert.equal(ok.statusCode, 303)
    assert.equal(ok.headers.location, `/children/${id}?done=involvement_recorded`)
    const back = await get(teacher, ok.headers.location as string)
    assert.match(back.body, /govuk-notification-banner--success[\s\S]*Your involvement has been recorded/)
    assert.match(back.body, /Your involvement: School/)
    const involvementId = /\/involvements\/([0-9a-f-]{36})\/end/.exec(back.body)?.[1] as string
    assert.ok(involvementId)

    const cafUrl = `/children/${id}/involvements/${involvementId}/indicators`
    const caf = await submit(teacher, cafUrl, cafUrl, { indicators: ['caf', 'lead'] })
    assert.equal(caf.headers.location, `/children/${id}?done=indicators_saved`)
    const withCaf = await get(teacher, caf.headers.location as string)
    assert.match(withCaf.body, /Lead professional\. Holds a CAF\./)
    assert.match(withCaf.body, /Holds a CAF assessment\s*<\/dt>[\s\S]*?Hannah Okafor, Meadow Lane Primary School/)

    const endUrl = `/children/${id}/involvements/${involvementId}/end`
    const ended = await submit(teacher, endUrl, endUrl, { 'end-day': '24', 'end-month': '11', 'end-year': '2026' })
    assert.equal(ended.headers.location, `/children/${id}?done=involvement_ended`)
    assert.doesNotMatch((await get(teacher, ended.headers.location as string)).body, /Your involvement: School/)
  })

  test('a shielded record offers nothing to record, and the pages refuse', async () => {
    const record = await openRecord(teacher, shieldedId)
    assert.doesNotMatch(record.body, /Your work with this child/)
    for (const page of ['involvement', 'marker', 'report-error']) assert.equal((await get(teacher, `/children/${shieldedId}/${page}`)).statusCode, 403, page)
  })
})

describe('markers and data errors', () => {
  test('a marker is set from the question page and removed from the record', async () => {
    const id = fixture.child.contactpoint_id
    await openRecord(teacher, id)
    const page = await get(teacher, `/children/${id}/marker`)
    assert.match(page.body, /Do not record what the concern is/)
    const set = await submit(teacher, `/children/${id}/marker`, `/children/${id}/marker`, { contactName: 'Hannah Okafor', phone: '01632 960123', email: '' })
    assert.equal(set.headers.location, `/children/${id}?done=marker_set`)
    const record = await get(teacher, set.headers.location as string)
    const action = /action="(\/children\/\d+\/markers\/[0-9a-f-]{36}\/remove)"/.exec(record.body)?.[1] as string
    assert.ok(action)
    const removed = await submit(teacher, `/children/${id}/marker`, action, {})
    assert.equal(removed.headers.location, `/children/${id}?done=marker_removed`)
  })

  test('a report reaches the authority\'s data team, who resolve it with a note', async () => {
    const id = fixture.child.contactpoint_id
    const missing = await submit(teacher, `/children/${id}/report-error`, `/children/${id}/report-error`, { part: 'address' })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /href="#description">Enter what is wrong/)
    const sent = await submit(teacher, `/children/${id}/report-error`, `/children/${id}/report-error`, { part: 'address', description: 'The family moved to 2 Mill Lane in October.' })
    assert.equal(sent.headers.location, `/children/${id}?done=error_reported`)
    assert.equal((await get(teacher, '/data-errors')).statusCode, 403)
    const queue = await get(manager, '/data-errors')
    assert.match(queue.body, /Open reports \(1\)/)
    assert.match(queue.body, /href="\/search"|Reported data errors/)
    const reportUrl = /href="(\/data-errors\/[0-9a-f-]{36})"/.exec(queue.body)?.[1] as string
    const report = await get(manager, reportUrl)
    assert.match(report.body, /The family moved to 2 Mill Lane in October\./)
    assert.match(report.body, /Hannah Okafor, Meadow Lane Primary School, 01632 960123/)
    const noNote = await submit(manager, reportUrl, reportUrl, { note: '' })
    assert.equal(noNote.statusCode, 400)
    const resolved = await submit(manager, reportUrl, reportUrl, { note: 'Address updated by the council tax feed.' })
    assert.equal(resolved.headers.location, `${reportUrl}?resolved=1`)
    assert.match((await get(manager, resolved.headers.location as string)).body, /The report has been marked as resolved/)
    assert.match((await get(manager, '/data-errors')).body, /There are no open reports/)
  })
})

describe('a date of death', () => {
  test('is offered to the authority\'s data manager only', async () => {
    const id = fixture.child.contactpoint_id
    assert.equal((await get(teacher, `/children/${id}/death`)).statusCode, 403)
    const record = await openRecord(manager, id)
    assert.match(record.body, new RegExp(`href="/children/${id}/death">Record a date of death`))
    const wrong = await submit(manager, `/children/${id}/death`, `/children/${id}/death`, { 'death-day': '1', 'death-month': '1', 'death-year': '2030' })
    assert.equal(wrong.statusCode, 400)
    const done = await submit(manager, `/children/${id}/death`, `/children/${id}/death`, { 'death-day': '20', 'death-month': '11', 'death-year': '2026' })
    assert.equal(done.headers.location, `/children/${id}?done=death_recorded`)
    assert.match((await get(manager, done.headers.location as string)).body, /Date of death\s*<\/dt>[\s\S]*?20 November 2026/)
  })
})

describe('phone enquiries', () => {
  test('the caller is recorded; every page says so; searches are audited on the phone channel for the caller', async () => {
    const page = await get(teacher, '/phone-enquiry')
    assert.match(page.body, /How did you check the caller is who they say they are\?/)
    const missing = await submit(teacher, '/phone-enquiry', '/phone-enquiry', { callerName: 'Sam Caller' })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /href="#identityCheck">Select how you checked/)
    const started = await submit(teacher, '/phone-enquiry', '/phone-enquiry', { callerName: 'Sam Caller', callerOrganisation: 'Northtown Youth Club', callerPhone: '01632 960555', identityCheck: 'called_back_known_number' })
    assert.equal(started.headers.location, '/search')
    const search = await get(teacher, '/search')
    assert.match(search.body, /Phone enquiry for Sam Caller, Northtown Youth Club/)
    await submit(teacher, '/search', '/search', { familyName: 'Thornbury', givenName: 'Maisie', gender: 'any' })
    const [event] = await handle.db.selectFrom('audit_event').selectAll().where('action', '=', 'child.search').where('actor_user_id', '=', teacherId).orderBy('seq', 'desc').limit(1).execute()
    assert.deepEqual([event?.channel, event?.on_behalf_of?.startsWith('Sam Caller, Northtown Youth Club (phone enquiry ')], ['phone', true])
    const ended = await submit(teacher, '/phone-enquiry', '/phone-enquiry/end', {})
    assert.equal(ended.headers.location, '/search')
    assert.doesNotMatch((await get(teacher, '/search')).body, /Phone enquiry for/)
  })
})

describe('adding a child', () => {
  test('the question checks the details; with no linkage model yet the service says it cannot add records', async () => {
    const page = await get(teacher, '/children/new')
    assert.match(page.body, /Add a child who is not on ContactPoint/)
    const wrong = await submit(teacher, '/children/new', '/children/new', { givenName: '', familyName: 'Newchild', gender: 'female' })
    assert.equal(wrong.statusCode, 400)
    assert.match(wrong.body, /href="#givenName">Enter the child’s first name/)
    assert.match(wrong.body, /href="#dob-day">Enter the child’s date of birth/)
    const noModel = await submit(teacher, '/children/new', '/children/new', { givenName: 'Nova', familyName: 'Newchild', 'dob-day': '1', 'dob-month': '2', 'dob-year': '2020', gender: 'female' })
    assert.equal(noModel.statusCode, 503)
    const admin = `cp-session=${await signInAs(services, clock, await buildStaff(services, north, 'authority_user_admin', north.id))}`
    assert.equal((await get(admin, '/children/new')).statusCode, 403, 'only roles the policy lets add children')
  })
})
