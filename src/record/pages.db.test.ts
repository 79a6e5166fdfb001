// The "find a child" and record pages over HTTP (injected into the real app on a real store):
// sign-in required, CSRF, error summaries, results, the reason question, the record, the shielded
// view and the override pages.
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
import { buildAuthority, buildChild } from '../testing/factories.ts'
import { buildStaff, signInAs } from '../testing/people.ts'
import { buildRecordFixture, type RecordFixture } from '../testing/record-fixture.ts'

let handle: TestDatabase
let app: FastifyInstance
let services: Services
let north: Organisation
let fixture: RecordFixture
let shieldedId: string
let teacher: string
let socialWorker: string
const clock = new FakeClock('2026-11-24T10:00:00Z')

before(async () => {
  handle = await createTestDatabase()
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database: handle, logger: createLogger('silent'), clock }))
  await app.ready()
  north = await buildAuthority(handle.db, { name: 'Northshire County Council', phone: '01632 960000' })
  const teacherStaff = await buildStaff(services, north, 'practitioner', north.id)
  const worker = await buildStaff(services, north, 'practitioner', north.id)
  await handle.db.insertInto('user_role').values({ user_id: worker.user.id, role: 'practitioner_shield_override', authority_id: north.id, granted_by: null }).execute()
  fixture = await buildRecordFixture(handle.db, north, teacherStaff.user.id)
  shieldedId = (await buildRecordFixture(handle.db, north, teacherStaff.user.id, { givenName: 'Ada', familyName: 'Thornbury', dateOfBirth: '2014-01-09', shielded: true })).child.contactpoint_id
  for (let i = 0; i < 60; i += 1) await buildChild(handle.db, north, { givenName: 'Kit', familyName: 'Amberley', dateOfBirth: `2015-01-${String((i % 28) + 1).padStart(2, '0')}` })
  teacher = `cp-session=${await signInAs(services, clock, teacherStaff)}`
  socialWorker = `cp-session=${await signInAs(services, clock, worker)}`
})
after(async () => {
  await app.close()
  await handle.close()
})

/** GETs a page with a form and POSTs it back with its CSRF token and the given fields. */
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

describe('find a child', () => {
  test('needs a signed-in user; the page is offered from the start page and in the navigation', async () => {
    const anonymous = await app.inject({ url: '/search' })
    assert.equal(anonymous.statusCode, 303)
    assert.equal(anonymous.headers.location, '/sign-in')
    const home = await app.inject({ url: '/home', headers: { cookie: teacher } })
    assert.match(home.body, /href="\/search"[^>]*>\s*Find a child/)
    const page = await app.inject({ url: '/search', headers: { cookie: teacher } })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<h1 class="govuk-heading-l">Find a child<\/h1>/)
    assert.match(page.body, /govuk-service-navigation__item--active|Find a child/)
  })

  test('a search without its CSRF token is refused', async () => {
    const res = await app.inject({ method: 'POST', url: '/search', headers: { cookie: teacher, 'content-type': 'application/x-www-form-urlencoded' }, body: 'familyName=Thornbury&givenName=Maisie' })
    assert.equal(res.statusCode, 403)
  })

  test('too few details: the GOV.UK error summary names the field', async () => {
    const res = await submit(teacher, '/search', '/search', { familyName: 'Thornbury', gender: 'any' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /<title>Error: Find a child/)
    assert.match(res.body, /href="#givenName">Enter at least one more detail/)
    assert.match(res.body, /value="Thornbury"/, 'what was typed is kept')
  })

  test('results show name, date of birth, gender, town and why; a shielded child shows no place; each links to the reason', async () => {
    const res = await submit(teacher, '/search', '/search', { familyName: 'Thornbury', 'dob-year': '2014', gender: 'any' })
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /1 child found/)
    assert.match(res.body, new RegExp(`href="/children/${shieldedId}/reason">Ada Rose Thornbury`))
    assert.match(res.body, /govuk-tag--grey">\s*Shielded/)
    assert.doesNotMatch(res.body.slice(res.body.indexOf('id="results"')), /Northtown|NM3/)
    const maisie = await submit(teacher, '/search', '/search', { familyName: 'Thornberry', givenName: 'Maisy', gender: 'any' })
    assert.match(maisie.body, new RegExp(`href="/children/${fixture.child.contactpoint_id}/reason">Maisie Rose Thornbury`))
    assert.match(maisie.body.slice(maisie.body.indexOf('id="results"')), /Northtown/)
    assert.match(maisie.body, /Family name sounds like Thornberry|Family name spelt like Thornberry/)
    assert.match(maisie.body, /Possible matches/)
  })

  test('more than 50 matches: "too many results — add a date of birth" and no list', async () => {
    const res = await submit(teacher, '/search', '/search', { familyName: 'Amberley', givenName: 'Kit', gender: 'any' })
    assert.match(res.body, /Too many results — add a date of birth/)
    assert.doesNotMatch(res.body, /data-qa="results"/)
  })
})

describe('a record', () => {
  test('asks why first; no reason, an error summary', async () => {
    const page = await app.inject({ url: `/children/${fixture.child.contactpoint_id}/reason`, headers: { cookie: teacher } })
    assert.match(page.body, /Why do you need to see this record\?/)
    assert.doesNotMatch(page.body, /Maisie/, 'nothing of the record before the reason')
    const res = await submit(teacher, `/children/${fixture.child.contactpoint_id}/reason`, `/children/${fixture.child.contactpoint_id}/reason`, {})
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#reason">Select why you need to see this record/)
    assert.equal((await app.inject({ url: '/children/12345/reason', headers: { cookie: teacher } })).statusCode, 404)
  })

  test('shows who is working with the child, a sensitive service only as a line, ended involvements collapsed; never cached', async () => {
    const res = await submit(teacher, `/children/${fixture.child.contactpoint_id}/reason`, `/children/${fixture.child.contactpoint_id}/reason`, { reason: 'safeguarding' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['cache-control'], 'no-store')
    for (const text of ['Maisie Rose Thornbury', 'Who is working with the child', 'Meadow Lane Primary School', 'Riverside Surgery', 'Daniel Okoro',
      'Lead professional', 'Holds a CAF', 'A practitioner has a concern about this child', 'Joanne Thornbury', 'Source: NHS Personal Demographics Service']) {
      assert.ok(res.body.includes(text.replace("'", '&#39;')), text)
    }
    assert.match(res.body, /<strong>A sensitive service is involved<\/strong> — contact the ContactPoint team at Northshire County Council on 01632 960000/)
    assert.doesNotMatch(res.body, /Brook Street|Secret Clinician|Sexual health/i)
    assert.match(res.body, /<details class="govuk-details"[^>]*>\s*<summary[^>]*>\s*<span[^>]*>\s*Ended involvements \(1\)/)
  })

  test('a shielded record: the notice and four fields; the override offered only to those with the right', async () => {
    const url = `/children/${shieldedId}/reason`
    const plain = await submit(teacher, url, url, { reason: 'safeguarding' })
    assert.match(plain.body, /This child's record is shielded/)
    assert.doesNotMatch(plain.body, /Orchard Way|Meadow Lane|Daniel Okoro/)
    assert.doesNotMatch(plain.body, /Override the shield/)
    assert.equal((await app.inject({ url: `/children/${shieldedId}/override`, headers: { cookie: teacher } })).statusCode, 403)

    const offered = await submit(socialWorker, url, url, { reason: 'safeguarding' })
    assert.match(offered.body, new RegExp(`href="/children/${shieldedId}/override"[^>]*>\\s*Override the shield`))
    const warning = await app.inject({ url: `/children/${shieldedId}/override`, headers: { cookie: socialWorker } })
    assert.match(warning.body, /alerts the child&#39;s local authority, which investigates every override/)
    const missing = await submit(socialWorker, `/children/${shieldedId}/override`, `/children/${shieldedId}/override`, { reason: 'immediate_risk' })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /href="#detail">Enter the details/)
    const opened = await submit(socialWorker, `/children/${shieldedId}/override`, `/children/${shieldedId}/override`, { reason: 'immediate_risk', detail: 'Emergency admission' })
    assert.equal(opened.statusCode, 200)
    assert.match(opened.body, /Shield overridden/)
    assert.match(opened.body, /Orchard Way/)
    assert.equal((await services.repositories.records.openOverrides(north.id)).length, 1)
  })
})
