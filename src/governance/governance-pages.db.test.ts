// The governance pages over HTTP, injected into the real app on a real store: sign-in required,
// the policy on every page (a practitioner and another authority are refused), CSRF on every form,
// GOV.UK error summaries, and each journey: shield and lift, close an alert, close an override
// investigation, who accessed a child, the subject access report (page and PDF), reports and CSV.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import type { Child, Organisation } from '../db/schema.ts'
import { createLogger } from '../observability/logger.ts'
import type { Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, signInAs, type Staff } from '../testing/people.ts'

let handle: TestDatabase
let app: FastifyInstance
let services: Services
let north: Organisation
let child: Child
let teacherStaff: Staff
let privacy: string
let southPrivacy: string
let teacher: string
let national: string
const clock = new FakeClock('2026-03-10T12:00:00Z')

before(async () => {
  handle = await createTestDatabase()
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database: handle, logger: createLogger('silent'), clock }))
  await app.ready()
  north = await buildAuthority(handle.db, { name: 'Northshire County Council', code: 'NORTH' })
  const south = await buildAuthority(handle.db, { name: 'Southshire Council', code: 'SOUTH' })
  const school = await buildOrganisation(handle.db, north, { potential_users: 12 })
  const nationalBody = await buildOrganisation(handle.db, north, { kind: 'national_body', authority_id: null, name: 'National team' })
  teacherStaff = await buildStaff(services, school, 'practitioner', north.id, { display_name: 'Terry Teacher' })
  child = await buildChild(handle.db, north, { givenName: 'Maisie', familyName: 'Thornbury', currentAddress: { lines: ['14 Orchard Way'], town: 'Northtown', postcode: 'NM3 4EF' } })
  teacher = `cp-session=${await signInAs(services, clock, teacherStaff)}`
  privacy = `cp-session=${await signInAs(services, clock, await buildStaff(services, north, 'authority_privacy_officer', north.id))}`
  southPrivacy = `cp-session=${await signInAs(services, clock, await buildStaff(services, south, 'authority_privacy_officer', south.id))}`
  national = `cp-session=${await signInAs(services, clock, await buildStaff(services, nationalBody, 'national_admin', null))}`
  // The teacher opens a child of another authority: an out-of-area alert once monitoring runs.
  const elsewhere = await buildChild(handle.db, south, { familyName: 'Elsewhere' })
  await services.repositories.audit.append({ channel: 'web', action: 'child.view', outcome: 'success', actorUserId: teacherStaff.user.id, actorOrganisationId: school.id,
    subjectType: 'child', subjectId: elsewhere.contactpoint_id, details: { restricted: false }, occurredAt: new Date('2026-03-10T09:00:00Z') })
  await services.repositories.audit.append({ channel: 'web', action: 'child.view', outcome: 'success', actorUserId: teacherStaff.user.id, actorOrganisationId: school.id,
    subjectType: 'child', subjectId: child.contactpoint_id, reasonCode: 'safeguarding', details: { restricted: false }, occurredAt: new Date('2026-03-10T09:05:00Z') })
  await services.monitoring.run('2026-03-10')
})
after(async () => {
  await app.close()
  await handle.close()
})

async function submit(session: string, page: string, action: string, fields: Record<string, string>) {
  const form = await app.inject({ url: page, headers: { cookie: session } })
  assert.equal(form.statusCode, 200, `${page}: ${form.statusCode}`)
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] as string
  const csrf = ([] as string[]).concat(form.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('cp-csrf='))?.split(';')[0]
  return app.inject({
    method: 'POST', url: action, headers: { cookie: [session, csrf].filter(Boolean).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  })
}
const get = (session: string, url: string) => app.inject({ url, headers: { cookie: session } })

describe('access to the governance pages', () => {
  test('signed out: back to sign-in; a practitioner: refused; the hub is linked from the account page', async () => {
    assert.equal((await app.inject({ url: '/governance' })).statusCode, 303)
    assert.equal((await get(teacher, '/governance')).statusCode, 403)
    assert.equal((await get(teacher, '/governance/alerts')).statusCode, 403)
    assert.equal((await get(teacher, `/governance/children/${child.contactpoint_id}/access`)).statusCode, 404)
    assert.match((await get(privacy, '/home')).body, /href="\/governance"/)
    const hub = await get(privacy, '/governance')
    assert.equal(hub.statusCode, 200)
    assert.match(hub.body, /Monitoring alerts<\/a>: 1 open/)
  })

  test('another authority\'s privacy officer sees none of this authority\'s children', async () => {
    assert.equal((await get(southPrivacy, `/governance/children/${child.contactpoint_id}`)).statusCode, 404)
    assert.equal((await get(southPrivacy, `/governance/children/${child.contactpoint_id}/subject-access.pdf`)).statusCode, 404)
  })

  test('a form without its CSRF token is refused', async () => {
    const res = await app.inject({ method: 'POST', url: `/governance/children/${child.contactpoint_id}/shield`, headers: { cookie: privacy, 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=adoption' })
    assert.equal(res.statusCode, 403)
  })
})

describe('shielding', () => {
  test('shield with a reason and review date (errors summarised), then lift with a reason', async () => {
    const page = `/governance/children/${child.contactpoint_id}/shield`
    const bad = await submit(privacy, page, page, { reason: '' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /govuk-error-summary/)
    assert.match(bad.body, /Select why the child is shielded/)
    const ok = await submit(privacy, page, page, { reason: 'domestic_violence', note: '', 'reviewDueOn-day': '1', 'reviewDueOn-month': '3', 'reviewDueOn-year': '2027' })
    assert.equal(ok.statusCode, 303)
    assert.equal((await services.repositories.children.findById(child.id))?.shielded, true)
    const summary = await get(privacy, `/governance/children/${child.contactpoint_id}`)
    assert.match(summary.body, /Domestic violence or abuse/)
    assert.match(summary.body, /Lift the shield/)
    const lift = `/governance/children/${child.contactpoint_id}/unshield`
    assert.equal((await submit(privacy, lift, lift, { reason: '' })).statusCode, 400)
    assert.equal((await submit(privacy, lift, lift, { reason: 'The risk has passed: court order ended.' })).statusCode, 303)
    assert.equal((await services.repositories.children.findById(child.id))?.shielded, false)
  })

  test('reviews due are listed', async () => {
    const page = await get(privacy, '/governance/shielding')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Shield reviews due/)
  })
})

describe('alerts and investigations', () => {
  test('the privacy officer opens an alert, suspends the account and closes the alert with an outcome', async () => {
    const list = await get(privacy, '/governance/alerts')
    const id = /href="\/governance\/alerts\/([0-9a-f-]{36})"/.exec(list.body)?.[1] as string
    assert.ok(id)
    assert.match(list.body, /Out-of-area access/)
    const page = `/governance/alerts/${id}`
    assert.equal((await submit(privacy, page, `${page}/suspend`, {})).statusCode, 303)
    assert.equal((await services.repositories.users.findById(teacherStaff.user.id))?.status, 'suspended')
    const bad = await submit(privacy, page, `${page}/close`, { outcome: 'legitimate', note: '' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Enter what the investigation found/)
    assert.equal((await submit(privacy, page, `${page}/close`, { outcome: 'training_needed', note: 'Reminded of the rules on out-of-area access.' })).statusCode, 303)
    assert.match((await get(privacy, '/governance/alerts?status=closed')).body, /Closed: Training needed/)
    assert.equal((await get(southPrivacy, page)).statusCode, 404)
  })

  test('an override investigation is closed with an outcome', async () => {
    const shielded = await buildChild(handle.db, north, { shielded: true, familyName: 'Hidden' })
    const { id } = await handle.db.insertInto('shield_override').values({
      child_id: shielded.id, authority_id: north.id, user_id: teacherStaff.user.id, session_id: 's', reason_code: 'immediate_risk', reason_text: 'Police request',
      created_at: clock.now(), closed_at: null, closed_by_user_id: null, outcome: null,
    }).returning('id').executeTakeFirstOrThrow()
    assert.match((await get(privacy, '/governance/investigations')).body, new RegExp(id))
    const page = `/governance/investigations/${id}`
    assert.match((await get(privacy, page)).body, /Police request/)
    assert.equal((await submit(privacy, page, `${page}/close`, { outcome: 'justified', note: 'Confirmed with the police.' })).statusCode, 303)
    assert.equal((await services.repositories.investigations.find(id))?.outcome_code, 'justified')
  })
})

describe('audit pages', () => {
  test('who accessed a child, then what that user did', async () => {
    const access = await get(privacy, `/governance/children/${child.contactpoint_id}/access`)
    assert.equal(access.statusCode, 200)
    assert.match(access.body, /Terry Teacher/)
    assert.match(access.body, /Opened the record/)
    const activity = await get(privacy, `/governance/users/${teacherStaff.user.id}/activity`)
    assert.equal(activity.statusCode, 200)
    assert.match(activity.body, /What Terry Teacher did/)
    assert.equal((await get(southPrivacy, `/governance/users/${teacherStaff.user.id}/activity`)).statusCode, 404)
  })

  test('the subject access report as a printable page and as a PDF', async () => {
    const page = await get(privacy, `/governance/children/${child.contactpoint_id}/subject-access`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Subject access report/)
    assert.match(page.body, /14 Orchard Way/)
    assert.match(page.body, /Who accessed the record/)
    const pdf = await get(privacy, `/governance/children/${child.contactpoint_id}/subject-access.pdf`)
    assert.equal(pdf.statusCode, 200)
    assert.equal(pdf.headers['content-type'], 'application/pdf')
    assert.equal(pdf.headers['cache-control'], 'no-store')
    assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-')
  })
})

describe('reports', () => {
  test('the monthly report with charts and a CSV; national for the national team only', async () => {
    const page = await get(privacy, '/reports/monthly?month=2026-03')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<svg[^>]*aria-hidden="true"/)
    assert.match(page.body, /Northshire County Council: 2026-03/)
    const csv = await get(privacy, '/reports/monthly.csv?month=2026-03')
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
    assert.match(csv.body, /usage,views,2/)
    assert.equal((await get(privacy, '/reports/monthly?authority=national')).statusCode, 403)
    assert.match((await get(national, '/reports/monthly?authority=national&month=2026-03')).body, /England \(all authorities\)/)
  })

  test('the workforce readiness report with charts and a CSV', async () => {
    const page = await get(national, `/reports/workforce?authority=${north.id}`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Workforce readiness/)
    const csv = await get(national, `/reports/workforce.csv?authority=${north.id}`)
    assert.match(csv.body, /^authority,agency,organisations,potential_users/)
    assert.match(csv.body, /Northshire County Council,school,1,12,1/)
  })
})

describe('limits against bulk harvesting', () => {
  test('the search that crosses a user\'s hourly limit gets 429 and is audited', async () => {
    const { HARVESTING_LIMITS, SlidingWindowCounter } = await import('./harvesting.ts')
    const counter = new SlidingWindowCounter()
    const limit = HARVESTING_LIMITS['POST /search']?.perHour as number
    let last = 0
    for (let i = 0; i < limit; i++) last = counter.hit('u', 1_000_000 + i)
    assert.equal(last, limit)
    assert.equal(counter.hit('u', 1_000_000 + limit), limit + 1)
    assert.equal(counter.hit('u', 1_000_000 + 3_600_000 + limit), 1, 'an hour later the window has moved on')
    // Through the app: the 301st search of the hour by one user.
    const searcher = await buildStaff(services, await buildOrganisation(handle.db, north), 'practitioner', north.id)
    const session = `cp-session=${await signInAs(services, clock, searcher)}`
    const form = await get(session, '/search')
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] as string
    const csrf = ([] as string[]).concat(form.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('cp-csrf='))?.split(';')[0]
    let status = 0
    for (let i = 0; i <= limit && status !== 429; i++) {
      const res = await app.inject({ method: 'POST', url: '/search', remoteAddress: `198.51.100.${i % 250}`,
        headers: { cookie: [session, csrf].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, familyName: 'Nobody', givenName: 'Atall' }).toString() })
      status = res.statusCode
      if (status === 429) assert.equal(i, limit, 'exactly the request over the limit')
    }
    assert.equal(status, 429)
    const audited = await handle.db.selectFrom('audit_event').select('details').where('action', '=', 'user.rate_limited').where('actor_user_id', '=', searcher.user.id).execute()
    assert.equal(audited.length, 1)
  })
})
