// Accreditation of organisations and the lapse of vetting, on a real store with a fake clock.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import type { Organisation } from '../db/schema.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, signInAs, TEST_CONTEXT, type Staff } from '../testing/people.ts'
import type { UserWithRoles } from './user.repository.ts'

let handle: TestDatabase
let services: Services
let clock: FakeClock
let north: Organisation
let admin: UserWithRoles
const context = TEST_CONTEXT

before(async () => {
  handle = await createTestDatabase()
  clock = new FakeClock('2026-11-24T10:00:00Z')
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  north = await buildAuthority(handle.db)
  admin = (await buildStaff(services, north, 'authority_user_admin', north.id)).user
})
after(async () => handle.close())

/** A practitioner of `organisation` in the north authority. */
async function practitioner(organisation: Organisation, dbs: string | null, status: 'active' | 'suspended' = 'active'): Promise<Staff> {
  return buildStaff(services, organisation, 'practitioner', north.id, { dbs_checked_on: dbs, status })
}

test('suspending an organisation suspends its users and ends their sessions; accrediting it again reinstates exactly those', async () => {
  const school = await buildOrganisation(handle.db, north)
  const teacher = await practitioner(school, '2025-06-01')
  const alreadySuspended = (await practitioner(school, '2025-06-01', 'suspended')).user
  await services.repositories.users.update(alreadySuspended.id, { status_reason: 'conduct investigation' })
  const token = await signInAs(services, clock, teacher)
  assert.deepEqual(await services.accreditation.setStatus(admin, school.id, 'suspended', context), { usersChanged: 1 })
  assert.equal((await services.signIn.resolve(token)).state, 'none')
  assert.equal((await services.repositories.users.findById(teacher.user.id))?.status, 'suspended')
  assert.deepEqual(await services.accreditation.setStatus(admin, school.id, 'accredited', context), { usersChanged: 1 })
  assert.equal((await services.repositories.users.findById(teacher.user.id))?.status, 'active')
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
  const lapsed = (await practitioner(school, '2023-11-24')).user
  const unrecorded = (await practitioner(school, null)).user
  const dueSoonStaff = await practitioner(school, '2023-12-20')
  const dueSoon = dueSoonStaff.user
  const leapDay = (await practitioner(school, '2024-02-29')).user
  const fine = (await practitioner(school, '2024-06-01')).user
  const token = await signInAs(services, clock, dueSoonStaff)
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
