// Staff for tests: a signed-in-capable person (password and authenticator) in one call, and the
// two-factor sign-in itself. Codes work once per 30-second step, so signing in moves the fake
// clock on a step first.
import { randomBytes } from 'node:crypto'
import type { AppUserTable, Organisation, Role } from '../db/schema.ts'
import { hashPassword } from '../people/passwords.ts'
import { totpAt } from '../people/totp.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Services } from '../services.ts'
import type { FakeClock } from '../system/clock.ts'

export const STAFF_PASSWORD = 'a long enough test passphrase'
export const TEST_CONTEXT = { clientIp: '192.0.2.10', requestId: 'req-test' }

let passwordHash: Promise<string> | undefined
let counter = 0

export interface Staff {
  readonly user: UserWithRoles
  /** The person's authenticator secret. */
  readonly secret: Buffer
}

/** A person of `organisation` with one role scoped to `authorityId`, vetted, trained and enrolled. */
export async function buildStaff(services: Services, organisation: Organisation, role: Role, authorityId: string | null,
  overrides: Partial<Record<keyof AppUserTable, unknown>> = {}): Promise<Staff> {
  counter += 1
  const user = await services.repositories.users.insert({
    username: `staff.${process.pid}.${counter}`, display_name: `Staff Member ${counter}`, organisation_id: organisation.id, status: 'active',
    password_hash: await (passwordHash ??= hashPassword(STAFF_PASSWORD)), dbs_checked_on: '2025-06-01', training_completed_on: '2025-06-02',
    agreement_signed_on: '2025-06-02', access_channel: 'web', ...overrides,
  } as Parameters<Services['repositories']['users']['insert']>[0], [{ role, authorityId }])
  const secret = randomBytes(20)
  await services.signIn.enrolTotpSecret(user.id, secret)
  return { user, secret }
}

/** Password and code; returns the session token (the cookie's value). */
export async function signInAs(services: Services, clock: FakeClock, staff: Staff): Promise<string> {
  clock.advance(30_000)
  const first = await services.signIn.signInWithPassword(staff.user.username, STAFF_PASSWORD, TEST_CONTEXT)
  if (first.outcome !== 'second_factor') throw new Error(`password step gave ${first.outcome}`)
  const second = await services.signIn.verifyTotp(first.token, totpAt(staff.secret, clock.now()), TEST_CONTEXT)
  if (second !== 'signed_in') throw new Error(`code step gave ${second}`)
  return first.token
}
