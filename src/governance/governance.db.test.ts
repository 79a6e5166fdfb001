// The governance services on a real store: monitoring runs over the audit trail and files alerts in
// the right queue (once), suspends a harvester, and is closed by the privacy officer; override
// investigations; who accessed a child and the subject access report; monthly and workforce reports.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Organisation } from '../db/schema.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT, type Staff } from '../testing/people.ts'
import { renderPdf } from './pdf.ts'
import { monthlyCsv, workforceCsv } from './reports.service.ts'
import { presentSubjectAccess, sarPdfLines } from './governance.presenter.ts'

let handle: TestDatabase
let services: Services
let north: Organisation
let south: Organisation
let school: Organisation
let teacher: Staff
let harvester: Staff
let privacy: Staff
let southPrivacy: Staff
let national: Staff
const clock = new FakeClock('2026-03-10T12:00:00Z')

before(async () => {
  handle = await createTestDatabase()
  services = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock })
  north = await buildAuthority(handle.db, { name: 'Northshire County Council', code: 'NORTH' })
  south = await buildAuthority(handle.db, { name: 'Southshire Council', code: 'SOUTH' })
  school = await buildOrganisation(handle.db, north, { potential_users: 40 })
  const nationalBody = await buildOrganisation(handle.db, north, { kind: 'national_body', authority_id: null, name: 'National team' })
  teacher = await buildStaff(services, school, 'practitioner', north.id, { display_name: 'Joanne Thornbury', home_street: '14 Orchard Way', home_postcode: 'NM3 4EF' })
  harvester = await buildStaff(services, school, 'practitioner', north.id, { display_name: 'Harvey Bulk' })
  privacy = await buildStaff(services, north, 'authority_privacy_officer', north.id)
  southPrivacy = await buildStaff(services, south, 'authority_privacy_officer', south.id)
  national = await buildStaff(services, nationalBody, 'national_admin', null)
})
after(async () => handle.close())

const view = (staff: Staff, contactPointId: string, at: Date, details: Record<string, unknown> = {}) => services.repositories.audit.append({
  channel: 'web', action: 'child.view', outcome: 'success', actorUserId: staff.user.id, actorOrganisationId: staff.user.organisation_id,
  subjectType: 'child', subjectId: contactPointId, reasonCode: 'safeguarding', details: { restricted: false, ...details }, occurredAt: at,
})

describe('misuse monitoring', () => {
  test('a child of another authority on the user\'s own street: alerts in the user\'s authority queue, once however often it runs', async () => {
    const neighbour = await buildChild(handle.db, south, { familyName: 'Amberley', currentAddress: { lines: ['22 Orchard Way'], town: 'Southtown', postcode: 'SS1 1AA' } })
    await view(teacher, neighbour.contactpoint_id, new Date('2026-03-10T09:00:00Z'))
    const first = await services.monitoring.run('2026-03-10')
    assert.deepEqual(first.byRule, { own_street: 1, out_of_area: 1 })
    assert.equal((await services.monitoring.run('2026-03-10')).raised, 0, 'a re-run adds nothing')
    const { alerts } = await services.monitoring.queue(privacy.user, 'open', TEST_CONTEXT)
    assert.deepEqual(alerts.filter((a) => a.user_id === teacher.user.id).map((a) => a.rule).sort(), ['out_of_area', 'own_street'])
    assert.equal((await services.monitoring.queue(southPrivacy.user, 'open', TEST_CONTEXT)).alerts.length, 0, 'not in the child\'s authority queue')
    const alert = alerts.find((a) => a.rule === 'own_street')
    assert.ok(alert)
    assert.doesNotMatch(JSON.stringify(alert.evidence), /Orchard|Amberley/)
  })

  test('bulk harvesting suspends the account at once, pending investigation, and ends its sessions', async () => {
    const children = []
    for (let i = 0; i < 130; i++) children.push(await buildChild(handle.db, north, { familyName: `Harvest${String.fromCharCode(65 + (i % 26))}` }))
    let at = new Date('2026-03-10T10:00:00Z').getTime()
    for (const child of children) await view(harvester, child.contactpoint_id, new Date(at += 20_000))
    const report = await services.monitoring.run('2026-03-10')
    assert.equal(report.suspended, 1)
    assert.equal((await services.repositories.users.findById(harvester.user.id))?.status, 'suspended')
    const alert = (await services.monitoring.queue(privacy.user, 'open', TEST_CONTEXT)).alerts.find((a) => a.user_id === harvester.user.id && a.rule === 'volume')
    assert.ok(alert?.user_suspended_at)
  })

  test('the privacy officer closes an alert with an outcome; another authority\'s officer cannot see it; nobody sees alerts about themselves', async () => {
    const alert = (await services.monitoring.queue(privacy.user, 'open', TEST_CONTEXT)).alerts.find((a) => a.rule === 'own_street')
    assert.ok(alert)
    await assert.rejects(services.monitoring.alert(southPrivacy.user, alert.id, TEST_CONTEXT), { code: 'not_found' })
    await assert.rejects(services.monitoring.close(privacy.user, alert.id, { outcome: 'nonsense', note: '' }, TEST_CONTEXT), { code: 'validation_failed' })
    await services.monitoring.close(privacy.user, alert.id, { outcome: 'legitimate', note: 'Works with the family through the school.' }, TEST_CONTEXT)
    assert.equal((await services.monitoring.alert(privacy.user, alert.id, TEST_CONTEXT)).status, 'closed')
    await assert.rejects(services.monitoring.close(privacy.user, alert.id, { outcome: 'legitimate', note: 'again' }, TEST_CONTEXT), { code: 'conflict' })
    // An alert about the privacy officer themselves.
    const child = await buildChild(handle.db, south)
    await view(privacy, child.contactpoint_id, new Date('2026-03-10T11:00:00Z'))
    await services.monitoring.run('2026-03-10')
    const own = await handle.db.selectFrom('monitoring_alert').select('id').where('user_id', '=', privacy.user.id).executeTakeFirstOrThrow()
    assert.ok(!(await services.monitoring.queue(privacy.user, 'all', TEST_CONTEXT)).alerts.some((a) => a.id === own.id))
    await assert.rejects(services.monitoring.alert(privacy.user, own.id, TEST_CONTEXT), { code: 'not_found' })
  })

  test('searches for the user\'s own surname are flagged in the audit trail without the name; a second one alerts', async () => {
    await buildChild(handle.db, north, { familyName: 'Thornbury', givenName: 'Ava', dateOfBirth: '2016-02-02' })
    await services.search.search(teacher.user, { familyName: 'Thornbury', givenName: 'Ava' }, TEST_CONTEXT)
    const event = await handle.db.selectFrom('audit_event').select('details').where('action', '=', 'child.search').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    assert.equal((event.details as { ownSurname?: boolean }).ownSurname, true)
    assert.doesNotMatch(JSON.stringify(event.details), /Thornbury/i)
    assert.equal((await services.monitoring.run('2026-03-10')).byRule.own_surname, undefined, 'one search for a common name is a coincidence')
    await services.search.search(teacher.user, { familyName: 'Thornbury', givenName: 'Eve' }, TEST_CONTEXT)
    const report = await services.monitoring.run('2026-03-10')
    assert.equal(report.byRule.own_surname, 1)
  })
})

describe('shield override investigations', () => {
  test('an override is a case for the child\'s authority; the privacy officer closes it with an outcome', async () => {
    const child = await buildChild(handle.db, north, { shielded: true })
    const override = await handle.db.insertInto('shield_override').values({
      child_id: child.id, authority_id: north.id, user_id: teacher.user.id, session_id: 's1', reason_code: 'immediate_risk', reason_text: 'Police at the door',
      created_at: new Date('2026-03-10T09:30:00Z'), closed_at: null, closed_by_user_id: null, outcome: null,
    }).returning('id').executeTakeFirstOrThrow()
    await view(teacher, child.contactpoint_id, new Date('2026-03-10T09:30:01Z'), { shieldOverride: override.id })
    const open = await services.investigations.list(privacy.user, 'open', TEST_CONTEXT)
    assert.ok(open.some((c) => c.id === override.id))
    assert.equal((await services.investigations.list(southPrivacy.user, 'open', TEST_CONTEXT)).length, 0)
    const { views } = await services.investigations.case(privacy.user, override.id, TEST_CONTEXT)
    assert.equal(views.length, 1)
    await services.investigations.close(privacy.user, override.id, { outcome: 'justified', note: 'Confirmed with the police.' }, TEST_CONTEXT)
    const closed = await services.repositories.investigations.find(override.id)
    assert.equal(closed?.status, 'closed')
    assert.equal(closed?.outcome_code, 'justified')
    const audit = await handle.db.selectFrom('audit_event').select(['action', 'reason_code']).where('action', '=', 'investigation.close').executeTakeFirstOrThrow()
    assert.equal(audit.reason_code, 'justified')
  })
})

describe('audit pages and subject access', () => {
  test('who accessed a child: only the child\'s authority privacy officer; every look is audited', async () => {
    const child = await buildChild(handle.db, north, { familyName: 'Looked' })
    await view(teacher, child.contactpoint_id, new Date('2026-03-10T08:00:00Z'))
    const log = await services.accessLog.childAccess(privacy.user, child.contactpoint_id, TEST_CONTEXT)
    assert.equal(log.entries.filter((e) => e.action === 'child.view').length, 1)
    await assert.rejects(services.accessLog.childAccess(southPrivacy.user, child.contactpoint_id, TEST_CONTEXT), { code: 'not_found' })
    await assert.rejects(services.accessLog.childAccess(teacher.user, child.contactpoint_id, TEST_CONTEXT), { code: 'not_found' })
    const again = await services.accessLog.childAccess(privacy.user, child.contactpoint_id, TEST_CONTEXT)
    assert.equal(again.entries[0]?.action, 'child.view_access_log', 'the look itself is in the trail')
  })

  test('the subject access report holds what is held and who accessed it, by organisation and role; the PDF is a PDF', async () => {
    const child = await buildChild(handle.db, north, { givenName: 'Sara', familyName: 'Subject', currentAddress: { lines: ['1 High Street'], town: 'Northtown', postcode: 'NM1 1AA' } })
    await view(teacher, child.contactpoint_id, new Date('2026-03-10T08:00:00Z'))
    const sar = await services.accessLog.subjectAccess(privacy.user, child.contactpoint_id, 'pdf', TEST_CONTEXT)
    const doc = presentSubjectAccess(sar)
    const text = JSON.stringify(doc)
    assert.match(text, /Sara Subject/)
    assert.match(text, /1 High Street/)
    assert.match(text, /Opened the record/)
    assert.doesNotMatch(text, /Joanne Thornbury/, 'staff are shown by organisation and role, not by name')
    const pdf = renderPdf(sarPdfLines(doc), 'ContactPoint subject access report')
    assert.equal(pdf.subarray(0, 8).toString('latin1'), '%PDF-1.4')
    assert.match(pdf.toString('latin1'), /Sara Subject/)
    assert.match(pdf.toString('latin1'), /%%EOF\n$/)
  })

  test('what a user did: their authority\'s privacy officer and the national team; not another authority', async () => {
    const { entries } = await services.accessLog.userActivity(privacy.user, teacher.user.id, TEST_CONTEXT)
    assert.ok(entries.some((e) => e.action === 'child.view'))
    await services.accessLog.userActivity(national.user, teacher.user.id, TEST_CONTEXT)
    await assert.rejects(services.accessLog.userActivity(southPrivacy.user, teacher.user.id, TEST_CONTEXT), { code: 'not_found' })
  })
})

describe('reports', () => {
  test('monthly management information per authority and nationally, as CSV', async () => {
    const report = await services.reports.monthly({ user: privacy.user, context: TEST_CONTEXT }, north.id, '2026-03')
    assert.ok(report.usage.views >= 130)
    assert.ok(report.alerts.some((a) => a.rule === 'volume'))
    assert.equal(report.overrides.made, 1)
    assert.ok(report.usage.daily.some((d) => d.day === '2026-03-10'))
    await assert.rejects(services.reports.monthly({ user: southPrivacy.user, context: TEST_CONTEXT }, north.id, '2026-03'), { code: 'forbidden' })
    await assert.rejects(services.reports.monthly({ user: privacy.user, context: TEST_CONTEXT }, null, '2026-03'), { code: 'forbidden' })
    const all = await services.reports.monthly({ user: national.user, context: TEST_CONTEXT }, null, '2026-03')
    assert.ok(all.usage.views >= report.usage.views)
    const csv = monthlyCsv(report)
    assert.match(csv, /^section,measure,value\r\n/)
    assert.match(csv, /usage,views,\d+/)
  })

  test('workforce readiness per authority and agency: potential and registered users, DBS, training, channel', async () => {
    const report = await services.reports.workforce({ operator: true }, 'NORTH')
    const schools = report.rows.find((r) => r.kind === 'school')
    assert.equal(schools?.potential, 40)
    assert.equal(schools?.registered, 2)
    assert.equal(schools?.suspended, 1)
    assert.equal(schools?.web, 2)
    assert.equal(schools?.dbs_valid, 2)
    assert.match(workforceCsv(report), /Northshire County Council,school,1,40,2,1,1,2,0,0,2,2,2,0,0/)
  })
})
