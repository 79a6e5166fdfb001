// Shielding decisions on a real store: who may shield and lift, validation, the flag on the record,
// reviews coming due, and refusals that reveal nothing about other authorities' children.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import type { Child, Organisation, Role } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT } from '../testing/people.ts'

const context = TEST_CONTEXT
let handle: TestDatabase
let services: Services
let clock: FakeClock
let north: Organisation
let south: Organisation

before(async () => {
  handle = await createTestDatabase()
  clock = new FakeClock('2026-11-24T10:00:00Z')
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  north = await buildAuthority(handle.db)
  south = await buildAuthority(handle.db)
})
after(async () => handle.close())

const staff = async (authority: Organisation, role: Role): Promise<UserWithRoles> => (await buildStaff(services, authority, role, authority.id)).user

const reload = async (child: Child) => services.repositories.children.findById(child.id) as Promise<Child>

test('a privacy officer shields a child of their authority: the record is shielded at once, with an open decision and an audit event', async () => {
  const officer = await staff(north, 'authority_privacy_officer')
  const child = await buildChild(handle.db, north)
  const decision = await services.shielding.shield(officer, child.contactpoint_id, { reason: 'domestic_violence', reviewDueOn: '2027-05-24', note: 'MARAC referral' }, context)
  assert.equal(decision.reason, 'domestic_violence')
  assert.equal(decision.reviewDueOn, '2027-05-24')
  const after = await reload(child)
  assert.equal(after.shielded, true)
  assert.equal(after.version, child.version + 1)
  const events = await services.repositories.audit.listForSubject('child', child.contactpoint_id)
  assert.deepEqual(events.map((e) => [e.action, e.outcome, e.reason_code]), [['child.shield', 'success', 'domestic_violence']])
  await assert.rejects(services.shielding.shield(officer, child.contactpoint_id, { reason: 'adoption', reviewDueOn: '2027-01-01' }, context), /already shielded/)
})

test('each invalid field is named', async () => {
  const officer = await staff(north, 'authority_privacy_officer')
  const child = await buildChild(handle.db, north)
  const fields = async (form: { reason: string; reviewDueOn: string; note?: string }) => {
    try {
      await services.shielding.shield(officer, child.contactpoint_id, form, context)
    } catch (error) {
      assert.ok(error instanceof AppError)
      return error.fields.map((f) => f.field).sort()
    }
    assert.fail('accepted')
  }
  assert.deepEqual(await fields({ reason: 'curiosity', reviewDueOn: '2026-11-24', note: 'x'.repeat(501) }), ['note', 'reason', 'reviewDueOn'])
  assert.deepEqual(await fields({ reason: 'adoption', reviewDueOn: '2028-06-01' }), ['reviewDueOn'])
  assert.equal((await reload(child)).shielded, false, 'nothing changed')
})

test('other authorities and other roles are refused; another authority\'s child looks like no child at all', async () => {
  const child = await buildChild(handle.db, north)
  const southOfficer = await staff(south, 'authority_privacy_officer')
  const practitioner = await staff(north, 'practitioner')
  const form = { reason: 'witness_protection', reviewDueOn: '2027-01-10' }
  await assert.rejects(services.shielding.shield(southOfficer, child.contactpoint_id, form, context), (e: unknown) => e instanceof AppError && e.code === 'not_found')
  await assert.rejects(services.shielding.shield(southOfficer, '123456789012', form, context), (e: unknown) => e instanceof AppError && e.code === 'not_found' && e.message === 'No child with that ContactPoint ID was found')
  await assert.rejects(services.shielding.shield(practitioner, child.contactpoint_id, form, context), (e: unknown) => e instanceof AppError && e.code === 'forbidden')
  const denied = (await services.repositories.audit.listForSubject('child', child.contactpoint_id)).filter((e) => e.outcome === 'denied')
  assert.equal(denied.length, 2)
})

test('only a privacy officer lifts a shield, with a reason; the decision is closed and the record unshielded', async () => {
  const officer = await staff(north, 'authority_privacy_officer')
  const manager = await staff(north, 'authority_data_manager')
  const child = await buildChild(handle.db, north)
  await services.shielding.shield(manager, child.contactpoint_id, { reason: 'adoption', reviewDueOn: '2027-02-01' }, context)
  await assert.rejects(services.shielding.lift(manager, child.contactpoint_id, 'no longer at risk', context), /cannot be done/)
  await assert.rejects(services.shielding.lift(officer, child.contactpoint_id, '  ', context), /Enter why/)
  await services.shielding.lift(officer, child.contactpoint_id, 'Family moved to a refuge out of area; risk assessed as ended', context)
  assert.equal((await reload(child)).shielded, false)
  assert.equal(await services.repositories.shields.openDecision(child.id), undefined)
  await assert.rejects(services.shielding.lift(officer, child.contactpoint_id, 'again', context), /not shielded/)
})

test('reviews come due on their date, for the authority only', async () => {
  const officer = await staff(north, 'authority_privacy_officer')
  const soon = await buildChild(handle.db, north)
  const later = await buildChild(handle.db, north)
  await services.shielding.shield(officer, soon.contactpoint_id, { reason: 'other_risk', reviewDueOn: '2026-12-01' }, context)
  await services.shielding.shield(officer, later.contactpoint_id, { reason: 'other_risk', reviewDueOn: '2027-06-01' }, context)
  const due = (await services.shielding.reviewsDue(officer, north.id, '2026-12-01')).map((d) => d.contactPointId)
  assert.ok(due.includes(soon.contactpoint_id) && !due.includes(later.contactpoint_id))
  await assert.rejects(services.shielding.reviewsDue(officer, south.id, '2026-12-01'), /cannot see/)
})
