// Signing in, on a real store with a fake clock: both factors every time, single-use codes,
// lockout, account checks, the idle and absolute timeouts, signing out everywhere, invitations.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, beforeEach, describe, test } from 'node:test'
import type { Organisation } from '../db/schema.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock, HOUR, MINUTE } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildStaff, signInAs, STAFF_PASSWORD, TEST_CONTEXT, type Staff } from '../testing/people.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'
import { hashPassword } from './passwords.ts'
import { totpAt } from './totp.ts'

const PASSWORD = STAFF_PASSWORD
const context = TEST_CONTEXT
let handle: TestDatabase
let clock: FakeClock
let services: Services
let authority: Organisation
let school: Organisation

before(async () => {
  handle = await createTestDatabase()
  clock = new FakeClock('2026-11-24T09:00:00Z')
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  authority = await buildAuthority(handle.db)
  school = await buildOrganisation(handle.db, authority)
})
after(async () => handle.close())
beforeEach(() => clock.advance(HOUR))

async function practitioner(overrides: Record<string, unknown> = {}): Promise<Staff> {
  return buildStaff(services, school, 'practitioner', authority.id, overrides)
}

/** Both factors; returns the session token. */
const signIn = (staff: Staff): Promise<string> => signInAs(services, clock, staff)

describe('two factors, every time', () => {
  test('the password alone gives only a pending session; the code completes it', async () => {
    const { user, secret } = await practitioner()
    const first = await services.signIn.signInWithPassword(user.username, PASSWORD, context)
    assert.ok(first.outcome === 'second_factor')
    assert.deepEqual(first.factors, { totp: true, webauthn: 0 })
    assert.equal((await services.signIn.resolve(first.token)).state, 'second_factor_pending')
    assert.equal(await services.signIn.verifyTotp(first.token, totpAt(secret, clock.now()), context), 'signed_in')
    const state = await services.signIn.resolve(first.token)
    assert.equal(state.state, 'signed_in')
  })

  test('a code works once: replaying it, even in a new sign-in, is refused', async () => {
    const { user, secret } = await practitioner()
    const code = totpAt(secret, clock.now())
    const first = await services.signIn.signInWithPassword(user.username, PASSWORD, context)
    assert.ok(first.outcome === 'second_factor')
    assert.equal(await services.signIn.verifyTotp(first.token, code, context), 'signed_in')
    const second = await services.signIn.signInWithPassword(user.username, PASSWORD, context)
    assert.ok(second.outcome === 'second_factor')
    assert.equal(await services.signIn.verifyTotp(second.token, code, context), 'invalid')
    clock.advance(30_000)
    assert.equal(await services.signIn.verifyTotp(second.token, totpAt(secret, clock.now()), context), 'signed_in')
  })

  test('a wrong or stale code is refused, and the pending session lapses after 10 minutes', async () => {
    const { user, secret } = await practitioner()
    const first = await services.signIn.signInWithPassword(user.username, PASSWORD, context)
    assert.ok(first.outcome === 'second_factor')
    assert.equal(await services.signIn.verifyTotp(first.token, totpAt(secret, new Date(clock.now().getTime() - 5 * MINUTE)), context), 'invalid')
    assert.equal(await services.signIn.verifyTotp(first.token, '000000', context), 'invalid')
    clock.advance(10 * MINUTE)
    assert.equal(await services.signIn.verifyTotp(first.token, totpAt(secret, clock.now()), context), 'expired')
  })

  test('unknown users and wrong passwords get the same answer', async () => {
    const { user } = await practitioner()
    assert.deepEqual(await services.signIn.signInWithPassword('nobody.at.all', PASSWORD, context), { outcome: 'invalid' })
    assert.deepEqual(await services.signIn.signInWithPassword(user.username, 'not the password', context), { outcome: 'invalid' })
  })

  test('a user with no second factor is sent to the authority for an invitation', async () => {
    await services.repositories.users.insert({ username: `nofactor.${process.pid}`, display_name: 'No Factor', organisation_id: school.id, status: 'active',
      password_hash: await hashPassword(PASSWORD), dbs_checked_on: '2025-01-10', training_completed_on: '2025-02-01', agreement_signed_on: '2025-02-01' }, [])
    assert.deepEqual(await services.signIn.signInWithPassword(`nofactor.${process.pid}`, PASSWORD, context), { outcome: 'no_factor' })
  })
})

describe('guessing and account checks', () => {
  test('five wrong passwords lock the account for 15 minutes, even against the right password', async () => {
    const { user, secret } = await practitioner()
    for (let i = 0; i < 5; i += 1) assert.equal((await services.signIn.signInWithPassword(user.username, `wrong ${i}`, context)).outcome, 'invalid')
    assert.equal((await services.signIn.signInWithPassword(user.username, PASSWORD, context)).outcome, 'locked')
    clock.advance(14 * MINUTE)
    assert.equal((await services.signIn.signInWithPassword(user.username, PASSWORD, context)).outcome, 'locked')
    clock.advance(2 * MINUTE)
    await signIn({ user, secret })
  })

  test('suspended, lapsed-vetting, untrained, unsigned, CMS-only and system accounts cannot sign in on the web', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 'suspended' }, 'not_active'],
      [{ status: 'removed' }, 'not_active'],
      [{ dbs_checked_on: '2023-11-24' }, 'dbs_lapsed'],
      [{ dbs_checked_on: null }, 'dbs_lapsed'],
      [{ training_completed_on: null }, 'training_missing'],
      [{ agreement_signed_on: null }, 'agreement_missing'],
      [{ access_channel: 'cms' }, 'no_web_access'],
      [{ kind: 'system' }, 'system_account'],
    ]
    for (const [overrides, problem] of cases) {
      const { user } = await practitioner(overrides)
      assert.deepEqual(await services.signIn.signInWithPassword(user.username, PASSWORD, context), { outcome: 'not_allowed', problem }, JSON.stringify(overrides))
    }
    // A check from 2023-11-25 is still within three years on 2026-11-24.
    const { user, secret } = await practitioner({ dbs_checked_on: '2023-11-26' })
    await signIn({ user, secret })
  })

  test('suspending an account ends its sessions at their next request', async () => {
    const staff = await practitioner()
    const { user } = staff
    const token = await signIn(staff)
    await services.repositories.users.update(user.id, { status: 'suspended' })
    assert.deepEqual(await services.signIn.resolve(token), { state: 'ended', reason: 'account_not_active' })
    assert.deepEqual(await services.signIn.resolve(token), { state: 'none' })
  })
})

describe('timeouts and signing out', () => {
  test('30 minutes without a request ends the session; activity keeps it alive', async () => {
    const staff = await practitioner()
    const token = await signIn(staff)
    clock.advance(29 * MINUTE)
    assert.equal((await services.signIn.resolve(token)).state, 'signed_in')
    clock.advance(29 * MINUTE)
    assert.equal((await services.signIn.resolve(token)).state, 'signed_in')
    clock.advance(30 * MINUTE)
    assert.deepEqual(await services.signIn.resolve(token), { state: 'ended', reason: 'idle_timeout' })
  })

  test('12 hours after signing in the session ends, however active', async () => {
    const staff = await practitioner()
    const token = await signIn(staff)
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      clock.advance(20 * MINUTE)
      assert.equal((await services.signIn.resolve(token)).state, 'signed_in', `after ${minutes} minutes`)
    }
    clock.advance(20 * MINUTE)
    assert.deepEqual(await services.signIn.resolve(token), { state: 'ended', reason: 'absolute_timeout' })
  })

  test('signing out ends one session; signing out everywhere ends them all', async () => {
    const staff = await practitioner()
    const laptop = await signIn(staff)
    clock.advance(30_000)
    const desktop = await signIn(staff)
    clock.advance(30_000)
    const tablet = await signIn(staff)
    await services.signIn.signOut(laptop, context)
    assert.equal((await services.signIn.resolve(laptop)).state, 'none')
    assert.equal((await services.signIn.resolve(desktop)).state, 'signed_in')
    assert.equal(await services.signIn.signOutEverywhere(desktop, context), 2)
    assert.equal((await services.signIn.resolve(desktop)).state, 'none')
    assert.equal((await services.signIn.resolve(tablet)).state, 'none')
  })
})

describe('security keys', () => {
  test('options are given only at the right step, and a forged response is refused and audited', async () => {
    const { user, secret } = await practitioner()
    assert.equal(await services.signIn.securityKeyOptions('no-such-session'), undefined)
    const first = await services.signIn.signInWithPassword(user.username, PASSWORD, context)
    assert.ok(first.outcome === 'second_factor')
    assert.equal(await services.signIn.securityKeyOptions(first.token), undefined, 'no key registered yet')
    assert.equal(await services.signIn.securityKeyRegistrationOptions(first.token), undefined, 'keys are added only when enrolling or signed in')
    assert.equal(await services.signIn.verifyTotp(first.token, totpAt(secret, clock.now()), context), 'signed_in')
    const options = await services.signIn.securityKeyRegistrationOptions(first.token)
    assert.ok(options)
    assert.equal(options.rp.id, 'localhost')
    assert.equal(options.user.name, user.username)
    const forged = {
      id: 'AAAA', rawId: 'AAAA', type: 'public-key' as const, clientExtensionResults: {},
      response: { clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: 'https://evil.example' })).toString('base64url'), attestationObject: 'AAAA' },
    }
    assert.equal(await services.signIn.registerSecurityKey(first.token, forged, context), 'invalid')
    assert.deepEqual(await services.repositories.credentials.factorsOf(user.id), { totp: true, webauthn: 0 })
    const denied = (await services.repositories.audit.listForSubject('user', user.id)).filter((e) => e.action === 'auth.enrol_security_key')
    assert.deepEqual(denied.map((e) => e.outcome), ['denied'])
  })
})

describe('invitations', () => {
  test('an invitation sets a password and enrols an authenticator, once; it also resets lost factors', async () => {
    const { user, secret: oldSecret } = await practitioner()
    const oldSession = await signIn({ user, secret: oldSecret })
    const invitation = await services.signIn.invite(user.id, null, context)
    assert.equal((await services.signIn.resolve(oldSession)).state, 'none', 'an invitation ends existing sessions')
    assert.equal(await services.signIn.invitationIsValid(invitation), true)
    assert.deepEqual(await services.signIn.acceptInvitation(invitation, 'short', context), { outcome: 'weak_password', reason: 'Your password must be at least 12 characters' })
    const accepted = await services.signIn.acceptInvitation(invitation, 'a brand new passphrase', context)
    assert.ok(accepted.outcome === 'enrol')
    assert.deepEqual(await services.signIn.acceptInvitation(invitation, 'a brand new passphrase', context), { outcome: 'invalid_invitation' })
    assert.equal((await services.signIn.resolve(accepted.sessionToken)).state, 'enrolment_pending')
    const shown = await services.signIn.beginTotpEnrolment(accepted.sessionToken)
    assert.ok(shown)
    assert.deepEqual(await services.signIn.beginTotpEnrolment(accepted.sessionToken), shown, 'a reload shows the same key')
    const { base32Decode } = await import('./totp.ts')
    const secret = base32Decode(shown.secret)
    assert.equal(await services.signIn.verifyTotp(accepted.sessionToken, totpAt(oldSecret, clock.now()), context), 'invalid', 'the old authenticator no longer works')
    assert.equal(await services.signIn.verifyTotp(accepted.sessionToken, totpAt(secret, clock.now()), context), 'signed_in')
    assert.equal((await services.signIn.signInWithPassword(user.username, PASSWORD, context)).outcome, 'invalid', 'the old password no longer works')
    clock.advance(30_000)
    const fresh = await services.signIn.signInWithPassword(user.username, 'a brand new passphrase', context)
    assert.ok(fresh.outcome === 'second_factor')
    assert.equal(await services.signIn.verifyTotp(fresh.token, totpAt(secret, clock.now()), context), 'signed_in')
  })

  test('an invitation expires after 7 days', async () => {
    const { user } = await practitioner()
    const invitation = await services.signIn.invite(user.id, null, context)
    clock.advance(7 * 24 * HOUR)
    assert.equal(await services.signIn.invitationIsValid(invitation), false)
    assert.deepEqual(await services.signIn.acceptInvitation(invitation, 'a brand new passphrase', context), { outcome: 'invalid_invitation' })
  })
})

test('every step is audited, and no password, code or token reaches the audit trail', async () => {
  const staff = await practitioner()
  const { user } = staff
  const token = await signIn(staff)
  await services.signIn.signOut(token, context)
  const events = await services.repositories.audit.listForSubject('user', user.id)
  assert.deepEqual(events.map((e) => e.action).reverse(), ['auth.password', 'auth.second_factor', 'auth.sign_in', 'auth.sign_out'])
  const all = JSON.stringify(await services.repositories.audit.listFrom(null, 10_000))
  assert.ok(!all.includes(PASSWORD) && !all.includes(token) && !all.includes('a brand new passphrase'))
})
