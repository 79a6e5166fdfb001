// Accreditation of organisations and the lapse of vetting, on a real store with a fake clock.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import type { Organisation } from '../db/schema.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'
import { hashPassword } from './passwords.ts'
import { totpAt } from './totp.ts'
import type { UserWithRoles } from './user.repository.ts'

const PASSWORD = 'a long enough test passphrase'
const context = { clientIp: '192.0.2.2', requestId: 'req-accreditation' }
let handle: TestDatabase
let services: Services
let clock: FakeClock
let north: Organisation
let admin: UserWithRoles
let passwordHash: string
let counter = 0

before(async () => {
  handle = await createTestDatabase()
  clock = new FakeClock('2026-11-24T10:00:00Z')
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  north = await buildAuthority(handle.db)
  passwordHash = await hashPassword(PASSWORD)
  admin = await person(north, 'authority_user_admin', '2025-01-01')
})
after(async () => handle.close())

async function person(organisation: Organisation, role: 'authority_user_admin' | 'practitioner', dbs: string | null, status: 'active' | 'suspended' = 'active'): Promise<UserWithRoles> {
  counter += 1
  const user = await services.repositories.users.insert({
    username: `staff.${counter}`, display_name: `Staff ${counter}`, organisation_id: organisation.id, status, password_hash: passwordHash,
    dbs_checked_on: dbs, training_completed_on: '2024-01-01', agreement_signed_on: '2024-01-01',
  }, [{ role, authorityId: north.id }])
  await services.signIn.enrolTotpSecret(user.id, Buffer.alloc(20, counter))
  return user
}

async function signedIn(user: UserWithRoles): Promise<string> {
  const first = await services.signIn.signInWithPassword(user.username, PASSWORD, context)
  assert.ok(first.outcome === 'second_factor', first.outcome)
  assert.equal(await services.signIn.verifyTotp(first.token, totpAt(Buffer.alloc(20, Number(user.username.split('.')[1])), clock.now()), context), 'signed_in')
  return first.token
}

test('suspending an organisation suspends its users and ends their sessions; accrediting it again reinstates exactly those', async () => {
  const school = await buildOrganisation(handle.db, north)
  const teacher = await person(school, 'practitioner', '2025-06-01')
  const alreadySuspended = await person(school, 'practitioner', '2025-06-01', 'suspended')
  await services.repositories.users.update(alreadySuspended.id, { status_reason: 'conduct investigation' })
  const token = await signedIn(teacher)
  assert.deepEqual(await services.accreditation.setStatus(admin, school.id, 'suspended', context), { usersChanged: 1 })
  assert.equal((await services.signIn.resolve(token)).state, 'none')
  assert.equal((await services.repositories.users.findById(teacher.id))?.status, 'suspended')
  assert.deepEqual(await services.accreditation.setStatus(admin, school.id, 'accredited', context), { usersChanged: 1 })
  assert.equal((await services.repositories.users.findById(teacher.id))?.status, 'active')
  assert.equal((await services.repositories.users.findById(alreadySuspended.id))?.status, 'suspended', 'a suspension for the user\'s own conduct stays')
})

test('another authority\'s organisations cannot be changed, nor the authority itself', async () => {
  const south = await buildAuthority(handle.db)
  const southSchool = await buildOrganisation(handle.db, south)
  await assert.rejects(services.accreditation.setStatus(admin, southSchool.id, 'suspended', context), /not found/)
  await assert.rejects(services.accreditation.setStatus(admin, north.id, 'suspended', context), /not found/)
  await assert.rejects(services.accreditation.listOrganisations(admin, south.id), /cannot manage organisations/)
})

test('a lapsed DBS check suspends the user on the day it lapses; those due within 30 days are listed; a second run changes nothing', async () => {
  const school = await buildOrganisation(handle.db, north)
  const lapsed = await person(school, 'practitioner', '2023-11-24')
  const unrecorded = await person(school, 'practitioner', null)
  const dueSoon = await person(school, 'practitioner', '2023-12-20')
  const leapDay = await person(school, 'practitioner', '2024-02-29')
  const fine = await person(school, 'practitioner', '2024-06-01')
  const token = await signedIn(dueSoon)
  const run = await services.accreditation.applyVettingRules('2026-11-24')
  const suspended = run.suspended.map((u) => u.id)
  assert.ok(suspended.includes(lapsed.id) && suspended.includes(unrecorded.id))
  assert.ok(!suspended.includes(fine.id) && !suspended.includes(dueSoon.id) && !suspended.includes(leapDay.id))
  assert.deepEqual(run.dueSoon.filter((u) => [dueSoon.id, leapDay.id, fine.id].includes(u.id)).map((u) => [u.username, u.lapsesOn]), [[dueSoon.username, '2026-12-20']])
  assert.equal((await services.signIn.resolve(token)).state, 'signed_in', 'a warning does not end anything')
  const again = await services.accreditation.applyVettingRules('2026-11-24')
  assert.equal(again.suspended.filter((u) => [lapsed.id, unrecorded.id].includes(u.id)).length, 0)
  // A check made on 29 February 2024 lapses on 28 February 2027.
  assert.ok(!(await services.accreditation.applyVettingRules('2027-02-27')).suspended.some((u) => u.id === leapDay.id))
  assert.ok((await services.accreditation.applyVettingRules('2027-02-28')).suspended.some((u) => u.id === leapDay.id))
  const audit = await services.repositories.audit.listForSubject('user', lapsed.id)
  assert.ok(audit.some((e) => e.action === 'user.suspend' && e.reason_code === 'dbs_check_lapsed' && e.channel === 'system'))
})
