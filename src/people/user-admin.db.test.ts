// The authority team's user administration, on a real store: scoped to its own authority, every
// action audited, suspension effective at once, and the pages working over HTTP.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import type { Organisation } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import { createLogger } from '../observability/logger.ts'
import { FakeClock } from '../system/clock.ts'
import type { Services } from '../services.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, signInAs, STAFF_PASSWORD, TEST_CONTEXT, type Staff } from '../testing/people.ts'
import type { NewUserForm } from './user-admin.service.ts'
import type { UserWithRoles } from './user.repository.ts'

const PASSWORD = STAFF_PASSWORD
const context = TEST_CONTEXT
let handle: TestDatabase
let app: FastifyInstance
let services: Services
let north: Organisation
let south: Organisation
let northSchool: Organisation
let southSchool: Organisation
let pendingSchool: Organisation
let admin: UserWithRoles
let southAdmin: UserWithRoles
// Codes work once per 30-second step, so each sign-in moves the clock on a step.
const clock = new FakeClock(new Date())
let counter = 0

before(async () => {
  handle = await createTestDatabase()
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://contactpoint.example' }), database: handle, logger: createLogger('silent'), clock }))
  await app.ready()
  north = await buildAuthority(handle.db, { name: 'Northmoor Council' })
  south = await buildAuthority(handle.db, { name: 'Southvale Council' })
  northSchool = await buildOrganisation(handle.db, north, { name: 'North Primary' })
  southSchool = await buildOrganisation(handle.db, south, { name: 'South Primary' })
  pendingSchool = await buildOrganisation(handle.db, north, { name: 'Not Yet Accredited Academy', accreditation_status: 'pending' })
  admin = await person(north, 'authority_user_admin', north)
  southAdmin = await person(south, 'authority_user_admin', south)
})
after(async () => {
  await app.close()
  await handle.close()
})

const staffByUser = new Map<string, Staff>()
async function person(organisation: Organisation, role: 'authority_user_admin' | 'practitioner', authority: Organisation): Promise<UserWithRoles> {
  const staff = await buildStaff(services, organisation, role, authority.id)
  staffByUser.set(staff.user.id, staff)
  return staff.user
}

const sessionCookie = async (user: UserWithRoles): Promise<string> => `cp-session=${await signInAs(services, clock, staffByUser.get(user.id) as Staff)}`

const form = (overrides: Partial<NewUserForm> = {}): NewUserForm => {
  counter += 1
  return {
    displayName: 'Kwame Asante', username: `kwame.asante.${counter}`, email: 'kwame@example.org', jobTitle: 'Youth worker',
    organisationId: northSchool.id, roles: ['practitioner'], dbsCheckedOn: '2025-09-01', trainingCompletedOn: '2025-09-10',
    agreementSignedOn: '2025-09-10', accessChannel: 'web', ...overrides,
  }
}

async function problems(run: () => Promise<unknown>): Promise<Record<string, string>> {
  try {
    await run()
  } catch (error) {
    if (error instanceof AppError) return Object.fromEntries(error.fields.map((f) => [f.field, f.message]))
    throw error
  }
  assert.fail('accepted an invalid form')
}

describe('registering users', () => {
  test('a registered user gets a one-time invitation that starts their enrolment', async () => {
    const { user, invitation } = await services.userAdmin.register(admin, north.id, form(), context)
    assert.equal(user.organisation_id, northSchool.id)
    assert.deepEqual(user.roles, [{ role: 'practitioner', authorityId: north.id }])
    const accepted = await services.signIn.acceptInvitation(invitation, 'my own long passphrase', context)
    assert.ok(accepted.outcome === 'enrol')
    assert.ok(await services.signIn.beginTotpEnrolment(accepted.sessionToken))
    const events = await services.repositories.audit.listForSubject('user', user.id)
    assert.ok(events.some((e) => e.action === 'user.register' && e.actor_user_id === admin.id))
  })

  test('each invalid field is named', async () => {
    const taken = form()
    await services.userAdmin.register(admin, north.id, taken, context)
    const found = await problems(() => services.userAdmin.register(admin, north.id, form({
      displayName: ' ', username: taken.username, email: 'not-an-email', organisationId: southSchool.id, roles: [],
      dbsCheckedOn: '2022-01-01', trainingCompletedOn: '2099-01-01', accessChannel: 'fax',
    }), context))
    assert.deepEqual(Object.keys(found).sort(), ['accessChannel', 'dbsCheckedOn', 'displayName', 'email', 'organisationId', 'roles', 'trainingCompletedOn', 'username'])
    assert.match(found.username ?? '', /already taken/)
    assert.match(found.dbsCheckedOn ?? '', /more than 3 years old/)
    assert.match((await problems(() => services.userAdmin.register(admin, north.id, form({ organisationId: pendingSchool.id }), context))).organisationId ?? '', /must be accredited/)
    assert.match((await problems(() => services.userAdmin.register(admin, north.id, form({ roles: ['national_admin'] }), context))).roles ?? '', /Only the national team/)
    assert.match((await problems(() => services.userAdmin.register(admin, north.id, form({ dbsCheckedOn: '2025-02-30' }), context))).dbsCheckedOn ?? '', /Enter the date/)
  })

  test('an authority cannot manage another authority\'s users, and practitioners cannot manage users at all', async () => {
    const { user } = await services.userAdmin.register(admin, north.id, form(), context)
    await assert.rejects(services.userAdmin.register(southAdmin, north.id, form(), context), /cannot manage users for this local authority/)
    await assert.rejects(services.userAdmin.suspend(southAdmin, user.id, 'probing', context), (e: unknown) => e instanceof AppError && e.code === 'not_found')
    const practitioner = await person(northSchool, 'practitioner', north)
    await assert.rejects(services.userAdmin.list(practitioner, north.id, context), /cannot manage users/)
    const denied = (await services.repositories.audit.listFrom(null, 10_000)).filter((e) => e.outcome === 'denied' && e.action.startsWith('user.'))
    assert.ok(denied.length >= 3, 'refusals are audited')
  })
})

describe('suspending and resetting', () => {
  test('suspension ends the user\'s sessions at once and stops sign-in; reinstating restores it', async () => {
    const practitioner = await person(northSchool, 'practitioner', north)
    const cookie = await sessionCookie(practitioner)
    const token = cookie.split('=')[1] as string
    assert.equal((await services.signIn.resolve(token)).state, 'signed_in')
    await assert.rejects(services.userAdmin.suspend(admin, practitioner.id, '  ', context), /Enter why/)
    await services.userAdmin.suspend(admin, practitioner.id, 'Investigation of unusual searches', context)
    assert.equal((await services.signIn.resolve(token)).state, 'none', 'the session ended when suspended')
    assert.deepEqual(await services.signIn.signInWithPassword(practitioner.username, PASSWORD, context), { outcome: 'not_allowed', problem: 'not_active' })
    await services.userAdmin.reinstate(admin, practitioner.id, context)
    assert.equal((await services.signIn.signInWithPassword(practitioner.username, PASSWORD, context)).outcome, 'second_factor')
    const suspended = (await services.repositories.audit.listForSubject('user', practitioner.id)).find((e) => e.action === 'user.suspend')
    assert.equal(suspended?.reason_text, 'Investigation of unusual searches')
  })

  test('administrators cannot suspend themselves', async () => {
    await assert.rejects(services.userAdmin.suspend(admin, admin.id, 'oops', context), /cannot suspend your own account/)
  })

  test('resetting a second factor ends the old one and gives a new invitation', async () => {
    const practitioner = await person(northSchool, 'practitioner', north)
    const invitation = await services.userAdmin.resetSecondFactor(admin, practitioner.id, context)
    assert.equal(await services.signIn.invitationIsValid(invitation), true)
    assert.deepEqual(await services.repositories.credentials.factorsOf(practitioner.id), { totp: false, webauthn: 0 })
  })
})

describe('the pages', () => {
  test('an administrator lists users, registers one and is shown the invitation link built from PUBLIC_URL', async () => {
    const cookie = await sessionCookie(admin)
    const list = await app.inject({ url: '/admin/users', headers: { cookie } })
    assert.equal(list.statusCode, 200)
    assert.match(list.body, new RegExp(admin.display_name))
    assert.doesNotMatch(list.body, new RegExp(`>${southAdmin.display_name}<`), 'only the own authority\'s users')
    const page = await app.inject({ url: '/admin/users/new', headers: { cookie } })
    assert.match(page.body, /North Primary/)
    assert.doesNotMatch(page.body, /South Primary|Not Yet Accredited Academy/)
    const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('cp-csrf='))?.split(';')[0]
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
    const post = (fields: Record<string, string>) => app.inject({
      method: 'POST', url: '/admin/users/new', headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded', host: 'evil.example' },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    })
    const invalid = await post({ displayName: 'Ola Nordmann', username: 'ola.nordmann', organisationId: northSchool.id, accessChannel: 'web' })
    assert.equal(invalid.statusCode, 400)
    assert.match(invalid.body, /href="#roles">Select at least one role/)
    assert.match(invalid.body, /value="Ola Nordmann"/, 'what was typed is kept')
    const created = await post({
      displayName: 'Ola Nordmann', username: 'ola.nordmann', organisationId: northSchool.id, roles: 'practitioner', accessChannel: 'web',
      'dbsCheckedOn-day': '1', 'dbsCheckedOn-month': '9', 'dbsCheckedOn-year': '2025',
    })
    assert.equal(created.statusCode, 200, created.body.slice(0, 500))
    assert.match(created.body, /https:\/\/contactpoint\.example\/enrol\/[A-Za-z0-9_-]{43}/)
    assert.doesNotMatch(created.body, /evil\.example/, 'the Host header never shapes the link')
  })

  test('a user\'s page offers suspension to their own authority and is not found by another', async () => {
    const practitioner = await person(northSchool, 'practitioner', north)
    const own = await app.inject({ url: `/admin/users/${practitioner.id}`, headers: { cookie: await sessionCookie(admin) } })
    assert.equal(own.statusCode, 200)
    assert.match(own.body, /Suspend account/)
    const other = await app.inject({ url: `/admin/users/${practitioner.id}`, headers: { cookie: await sessionCookie(southAdmin) } })
    assert.equal(other.statusCode, 404)
  })

  test('the organisations page lists the authority\'s organisations and accredits one', async () => {
    const cookie = await sessionCookie(admin)
    const page = await app.inject({ url: '/admin/organisations', headers: { cookie } })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Not Yet Accredited Academy/)
    assert.doesNotMatch(page.body, /South Primary/)
    const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('cp-csrf='))?.split(';')[0]
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
    const res = await app.inject({ method: 'POST', url: `/admin/organisations/${pendingSchool.id}/status`,
      headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, status: 'accredited' }).toString() })
    assert.equal(res.headers.location, '/admin/organisations')
    assert.equal((await services.repositories.organisations.findById(pendingSchool.id))?.accreditation_status, 'accredited')
  })

  test('a practitioner is refused the administration pages', async () => {
    const practitioner = await person(northSchool, 'practitioner', north)
    const res = await app.inject({ url: '/admin/users', headers: { cookie: await sessionCookie(practitioner) } })
    assert.equal(res.statusCode, 403)
  })
})
