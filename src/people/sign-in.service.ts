// The first factor of signing in: username and password. Unknown users and wrong passwords take the
// same time and get the same answer, and every attempt is audited. The second factor (WebAuthn or
// TOTP), sessions, lockout and throttling are built on this by the practitioner web service.
import type { AuditRepository } from '../governance/audit.repository.ts'
import { hashForTiming, verifyPassword } from './passwords.ts'
import type { UserRepository, UserWithRoles } from './user.repository.ts'

export type PasswordCheck =
  | { readonly outcome: 'ok'; readonly user: UserWithRoles }
  | { readonly outcome: 'invalid' }
  | { readonly outcome: 'not_active' }

export interface RequestContext {
  readonly clientIp: string
  readonly requestId: string
}

export class SignInService {
  readonly #users: UserRepository
  readonly #audit: AuditRepository
  #dummyHash: Promise<string> | undefined

  constructor(users: UserRepository, audit: AuditRepository) {
    this.#users = users
    this.#audit = audit
  }

  async checkPassword(username: string, password: string, context: RequestContext): Promise<PasswordCheck> {
    const user = await this.#users.findByUsername(username)
    const hash = user?.password_hash ?? await (this.#dummyHash ??= hashForTiming())
    const matches = await verifyPassword(password, hash)
    const result: PasswordCheck = !user || !matches ? { outcome: 'invalid' }
      : user.status !== 'active' || user.kind !== 'person' ? { outcome: 'not_active' }
        : { outcome: 'ok', user }
    await this.#audit.append({
      channel: 'web', action: 'auth.password_check', outcome: result.outcome === 'ok' ? 'success' : 'denied',
      actorUserId: user?.id ?? null, actorOrganisationId: user?.organisation_id ?? null,
      // The typed username is kept only for known accounts: an unknown one may be a mistyped password.
      details: { result: result.outcome, ...(user ? {} : { unknownUser: true }) },
      clientIp: context.clientIp, requestId: context.requestId,
    })
    return result
  }
}
