// Signing in: password (argon2id), then a second factor every time, then a server-side session with
// an idle and an absolute timeout. Unknown users and wrong passwords get the same answer and cost
// the same time; every attempt and every session change is audited.
import { createHash, randomBytes } from 'node:crypto'
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransport, type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { birthdayAt } from '../children/lifecycle.ts'
import type { AppUser } from '../db/schema.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { HOUR, MINUTE, type Clock } from '../system/clock.ts'
import type { CredentialRepository } from './credential.repository.ts'
import { hashForTiming, hashPassword, verifyPassword } from './passwords.ts'
import { open, seal } from './secret-box.ts'
import type { SessionRepository } from './session.repository.ts'
import { base32Encode, matchTotp, newTotpSecret, otpauthUri } from './totp.ts'
import type { UserRepository, UserWithRoles } from './user.repository.ts'

export const IDLE_TIMEOUT_MS = 30 * MINUTE
export const ABSOLUTE_TIMEOUT_MS = 12 * HOUR
/** Time allowed between the password and the second factor, or to finish enrolling. */
export const PENDING_TIMEOUT_MS = 10 * MINUTE
export const MAX_FAILED_PASSWORDS = 5
export const LOCKOUT_MS = 15 * MINUTE
export const INVITATION_TTL_MS = 7 * 24 * HOUR
/** Enhanced DBS checks are renewed every three years. */
const DBS_VALID_YEARS = 3
const TOUCH_EVERY_MS = MINUTE
export const MIN_PASSWORD_LENGTH = 12

export interface RequestContext {
  readonly clientIp: string
  readonly requestId: string
  /** How the request came: the web (default), a case management system through the API, or a phone enquiry. */
  readonly channel?: 'web' | 'api' | 'phone'
  /** The registered API client acting for the user, when channel is 'api'. */
  readonly apiClientId?: string
}

/** Why an account may not sign in. Shown to the user only after a correct password. */
export type AccountProblem =
  | 'system_account' | 'not_active' | 'no_web_access' | 'no_cms_access' | 'dbs_lapsed' | 'training_missing' | 'agreement_missing'

export function accountProblem(user: AppUser, today: string, channel: 'web' | 'cms' = 'web'): AccountProblem | null {
  if (user.kind !== 'person') return 'system_account'
  if (user.status !== 'active') return 'not_active'
  // The same checks for a user acting through a case management system, against CMS access.
  if (user.access_channel !== channel && user.access_channel !== 'both') return channel === 'web' ? 'no_web_access' : 'no_cms_access'
  if (!user.dbs_checked_on || addYears(user.dbs_checked_on, DBS_VALID_YEARS) <= today) return 'dbs_lapsed'
  if (!user.training_completed_on) return 'training_missing'
  if (!user.agreement_signed_on) return 'agreement_missing'
  return null
}

export type PasswordOutcome =
  | { readonly outcome: 'second_factor'; readonly token: string; readonly factors: { totp: boolean; webauthn: number } }
  | { readonly outcome: 'invalid' }
  | { readonly outcome: 'locked' }
  | { readonly outcome: 'not_allowed'; readonly problem: AccountProblem }
  | { readonly outcome: 'no_factor' }

export type SessionState =
  | { readonly state: 'signed_in'; readonly user: UserWithRoles; readonly sessionId: string }
  | { readonly state: 'second_factor_pending' | 'enrolment_pending'; readonly user: UserWithRoles; readonly sessionId: string }
  | { readonly state: 'ended'; readonly reason: 'idle_timeout' | 'absolute_timeout' | 'account_not_active' }
  | { readonly state: 'none' }

/** The WebAuthn relying party: this service's host name and origin, from PUBLIC_URL. */
export interface RelyingParty {
  readonly id: string
  readonly name: string
  readonly origin: string
}

export interface SignInDependencies {
  readonly relyingParty: RelyingParty
  readonly users: UserRepository
  readonly sessions: SessionRepository
  readonly credentials: CredentialRepository
  readonly audit: AuditRepository
  readonly clock: Clock
  readonly encryptionKey: Buffer
}

export class SignInService {
  readonly #d: SignInDependencies
  #dummyHash: Promise<string> | undefined

  constructor(dependencies: SignInDependencies) {
    this.#d = dependencies
  }

  /** Step one. On success, a pending session that only a second factor can complete. */
  async signInWithPassword(username: string, password: string, context: RequestContext): Promise<PasswordOutcome> {
    const { users, credentials, clock } = this.#d
    const now = clock.now()
    const user = await users.findByUsername(username)
    const matches = await verifyPassword(password, user?.password_hash ?? await (this.#dummyHash ??= hashForTiming()))
    const audit = (outcome: 'success' | 'denied', result: string) => this.#audit(context, 'auth.password', outcome, user, { result, ...(user ? {} : { unknownUser: true }) })

    if (user?.locked_until && user.locked_until > now) {
      await audit('denied', 'locked')
      return { outcome: 'locked' }
    }
    if (!user || !matches) {
      if (user) {
        const failures = user.failed_sign_ins + 1
        await users.update(user.id, {
          failed_sign_ins: failures >= MAX_FAILED_PASSWORDS ? 0 : failures,
          locked_until: failures >= MAX_FAILED_PASSWORDS ? new Date(now.getTime() + LOCKOUT_MS) : user.locked_until,
        })
        if (failures >= MAX_FAILED_PASSWORDS) await audit('denied', 'locked_now')
      }
      await audit('denied', 'invalid')
      return { outcome: 'invalid' }
    }
    const problem = accountProblem(user, isoDay(now))
    if (problem) {
      await audit('denied', problem)
      return { outcome: 'not_allowed', problem }
    }
    await users.update(user.id, { failed_sign_ins: 0, locked_until: null })
    const factors = await credentials.factorsOf(user.id)
    if (!factors.totp && factors.webauthn === 0) {
      await audit('denied', 'no_second_factor')
      return { outcome: 'no_factor' }
    }
    const token = await this.#openSession(user.id, 'sign_in', now, context)
    await audit('success', 'second_factor_required')
    return { outcome: 'second_factor', token, factors }
  }

  /** Step two with an authenticator app. Each code works once. */
  async verifyTotp(token: string, code: string, context: RequestContext): Promise<'signed_in' | 'invalid' | 'expired'> {
    const state = await this.resolve(token)
    if (state.state !== 'second_factor_pending' && state.state !== 'enrolment_pending') return 'expired'
    const ok = await this.#useTotp(state.user.id, code.replace(/\s/g, ''))
    await this.#audit(context, state.state === 'enrolment_pending' ? 'auth.enrol_totp' : 'auth.second_factor', ok ? 'success' : 'denied', state.user, { factor: 'totp' })
    if (!ok) return 'invalid'
    await this.#complete(state, 'totp', context)
    return 'signed_in'
  }

  /** The session behind a cookie token, after applying the timeouts and re-checking the account. */
  async resolve(token: string | undefined): Promise<SessionState> {
    if (!token) return { state: 'none' }
    const { sessions, users, clock } = this.#d
    const now = clock.now()
    const id = sessionId(token)
    const session = await sessions.findOpen(id)
    if (!session) return { state: 'none' }
    if (now >= session.expires_at) {
      await sessions.end(id, 'absolute_timeout', now)
      return { state: 'ended', reason: 'absolute_timeout' }
    }
    if (now.getTime() - session.last_seen_at.getTime() >= IDLE_TIMEOUT_MS) {
      await sessions.end(id, 'idle_timeout', now)
      return { state: 'ended', reason: 'idle_timeout' }
    }
    const user = await users.findById(session.user_id)
    if (!user || (session.second_factor && accountProblem(user, isoDay(now)))) {
      await sessions.end(id, 'account_not_active', now)
      return { state: 'ended', reason: 'account_not_active' }
    }
    if (now.getTime() - session.last_seen_at.getTime() >= TOUCH_EVERY_MS) await sessions.touch(id, now)
    if (session.second_factor) return { state: 'signed_in', user, sessionId: id }
    return { state: session.purpose === 'enrolment' ? 'enrolment_pending' : 'second_factor_pending', user, sessionId: id }
  }

  async signOut(token: string, context: RequestContext): Promise<void> {
    const state = await this.resolve(token)
    if (state.state === 'none' || state.state === 'ended') return
    await this.#d.sessions.end(state.sessionId, 'signed_out', this.#d.clock.now())
    await this.#audit(context, 'auth.sign_out', 'success', state.user, {})
  }

  /** Ends every session of the user, on every device. */
  async signOutEverywhere(token: string, context: RequestContext): Promise<number> {
    const state = await this.resolve(token)
    if (state.state !== 'signed_in') return 0
    const ended = await this.#d.sessions.endAllForUser(state.user.id, 'signed_out_everywhere', this.#d.clock.now())
    await this.#audit(context, 'auth.sign_out_everywhere', 'success', state.user, { sessions: ended })
    return ended
  }

  /**
   * An authority's one-time invitation to set a password and enrol a second factor. Any existing
   * factors and sessions end, so an invitation also serves as a reset. Returns the secret token.
   */
  async invite(userId: string, createdBy: string | null, context: RequestContext): Promise<string> {
    const { credentials, sessions, clock } = this.#d
    const now = clock.now()
    const token = randomBytes(32).toString('base64url')
    await credentials.removeAllFactors(userId)
    await sessions.endAllForUser(userId, 'factor_reset', now)
    await credentials.createInvitation(sha256(token), userId, createdBy, new Date(now.getTime() + INVITATION_TTL_MS))
    const user = await this.#d.users.findById(userId)
    await this.#audit(context, 'auth.invite', 'success', user, { createdBy }, createdBy)
    return token
  }

  async invitationIsValid(token: string): Promise<boolean> {
    return (await this.#d.credentials.findInvitation(sha256(token), this.#d.clock.now())) !== undefined
  }

  /** Accepting an invitation: choose a password, then enrol a factor within the pending session. */
  async acceptInvitation(token: string, password: string, context: RequestContext): Promise<{ outcome: 'enrol'; sessionToken: string } | { outcome: 'invalid_invitation' } | { outcome: 'weak_password'; reason: string }> {
    const weakness = passwordWeakness(password)
    if (weakness) return { outcome: 'weak_password', reason: weakness }
    const { credentials, users, clock } = this.#d
    const now = clock.now()
    const userId = await credentials.consumeInvitation(sha256(token), now)
    if (!userId) return { outcome: 'invalid_invitation' }
    await users.update(userId, { password_hash: await hashPassword(password), failed_sign_ins: 0, locked_until: null })
    const sessionToken = await this.#openSession(userId, 'enrolment', now, context)
    await this.#audit(context, 'auth.accept_invitation', 'success', await users.findById(userId), {})
    return { outcome: 'enrol', sessionToken }
  }

  /** A new authenticator secret for an enrolling user: shown once, confirmed by a first code. */
  async beginTotpEnrolment(token: string): Promise<{ secret: string; uri: string } | undefined> {
    const state = await this.resolve(token)
    if (state.state !== 'enrolment_pending') return undefined
    // Reloading the page shows the same unconfirmed secret, so an app already set up keeps working.
    const existing = await this.#d.credentials.findTotp(state.user.id)
    const secret = existing && !existing.confirmed ? open(existing.secretCiphertext, this.#d.encryptionKey) : newTotpSecret()
    if (!existing || existing.confirmed) await this.#d.credentials.saveTotp(state.user.id, seal(secret, this.#d.encryptionKey))
    return { secret: base32Encode(secret).replace(/(.{4})/g, '$1 ').trim(), uri: otpauthUri(secret, state.user.username) }
  }

  /** Enrols a known TOTP secret directly (the demo's users, and tests). */
  async enrolTotpSecret(userId: string, secret: Buffer): Promise<void> {
    await this.#d.credentials.saveTotp(userId, seal(secret, this.#d.encryptionKey), this.#d.clock.now())
  }

  /** Options for the browser to create a new security key or passkey (while enrolling, or signed in). */
  async securityKeyRegistrationOptions(token: string): Promise<PublicKeyCredentialCreationOptionsJSON | undefined> {
    const state = await this.resolve(token)
    if (state.state !== 'enrolment_pending' && state.state !== 'signed_in') return undefined
    const existing = await this.#d.credentials.listWebauthn(state.user.id)
    const options = await generateRegistrationOptions({
      rpName: this.#d.relyingParty.name, rpID: this.#d.relyingParty.id, userName: state.user.username,
      userDisplayName: state.user.display_name, attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransport[] })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    })
    await this.#d.sessions.setChallenge(state.sessionId, options.challenge)
    return options
  }

  async registerSecurityKey(token: string, response: RegistrationResponseJSON, context: RequestContext): Promise<'registered' | 'signed_in' | 'invalid' | 'expired'> {
    const state = await this.resolve(token)
    if (state.state !== 'enrolment_pending' && state.state !== 'signed_in') return 'expired'
    const challenge = (await this.#d.sessions.findOpen(state.sessionId))?.challenge
    await this.#d.sessions.setChallenge(state.sessionId, null)
    const verification = challenge ? await verifyRegistrationResponse({
      response, expectedChallenge: challenge, expectedOrigin: this.#d.relyingParty.origin, expectedRPID: this.#d.relyingParty.id,
      requireUserVerification: false,
    }).catch(() => undefined) : undefined
    if (!verification?.verified) {
      await this.#audit(context, 'auth.enrol_security_key', 'denied', state.user, {})
      return 'invalid'
    }
    const { credential } = verification.registrationInfo
    await this.#d.credentials.addWebauthn(state.user.id, {
      id: credential.id, publicKey: credential.publicKey, signCount: credential.counter, transports: credential.transports ?? [],
    }, null)
    await this.#audit(context, 'auth.enrol_security_key', 'success', state.user, {})
    if (state.state === 'signed_in') return 'registered'
    await this.#complete(state, 'webauthn', context)
    return 'signed_in'
  }

  /** Options for the browser to sign with one of the user's security keys. */
  async securityKeyOptions(token: string): Promise<PublicKeyCredentialRequestOptionsJSON | undefined> {
    const state = await this.resolve(token)
    if (state.state !== 'second_factor_pending') return undefined
    const keys = await this.#d.credentials.listWebauthn(state.user.id)
    if (keys.length === 0) return undefined
    const options = await generateAuthenticationOptions({
      rpID: this.#d.relyingParty.id, userVerification: 'preferred',
      allowCredentials: keys.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransport[] })),
    })
    await this.#d.sessions.setChallenge(state.sessionId, options.challenge)
    return options
  }

  /** Step two with a security key or passkey: phishing-resistant, bound to this service's origin. */
  async verifySecurityKey(token: string, response: AuthenticationResponseJSON, context: RequestContext): Promise<'signed_in' | 'invalid' | 'expired'> {
    const state = await this.resolve(token)
    if (state.state !== 'second_factor_pending') return 'expired'
    const challenge = (await this.#d.sessions.findOpen(state.sessionId))?.challenge
    await this.#d.sessions.setChallenge(state.sessionId, null)
    const key = (await this.#d.credentials.listWebauthn(state.user.id)).find((c) => c.id === response.id)
    const verification = challenge && key ? await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: this.#d.relyingParty.origin, expectedRPID: this.#d.relyingParty.id,
      credential: { id: key.id, publicKey: key.publicKey as Uint8Array<ArrayBuffer>, counter: key.signCount, transports: [...key.transports] as AuthenticatorTransport[] },
      requireUserVerification: false,
    }).catch(() => undefined) : undefined
    await this.#audit(context, 'auth.second_factor', verification?.verified ? 'success' : 'denied', state.user, { factor: 'webauthn' })
    if (!verification?.verified || !key) return 'invalid'
    await this.#d.credentials.recordWebauthnUse(key.id, verification.authenticationInfo.newCounter, this.#d.clock.now())
    await this.#complete(state, 'webauthn', context)
    return 'signed_in'
  }

  async #useTotp(userId: string, code: string): Promise<boolean> {
    const stored = await this.#d.credentials.findTotp(userId)
    if (!stored) return false
    const now = this.#d.clock.now()
    const step = matchTotp(open(stored.secretCiphertext, this.#d.encryptionKey), code, now)
    return step !== null && await this.#d.credentials.useTotpStep(userId, step, now)
  }

  async #complete(state: Extract<SessionState, { user: UserWithRoles }>, factor: 'totp' | 'webauthn', context: RequestContext): Promise<void> {
    const now = this.#d.clock.now()
    // The absolute timeout runs from the moment the user is fully signed in.
    await this.#d.sessions.completeSecondFactor(state.sessionId, factor, now, new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS))
    await this.#d.users.update(state.user.id, { last_sign_in_at: now })
    await this.#audit(context, 'auth.sign_in', 'success', state.user, { factor })
  }

  async #openSession(userId: string, purpose: 'sign_in' | 'enrolment', now: Date, context: RequestContext): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    await this.#d.sessions.create({ id: sessionId(token), userId, purpose, now, expiresAt: new Date(now.getTime() + PENDING_TIMEOUT_MS), clientIp: context.clientIp })
    return token
  }

  async #audit(context: RequestContext, action: string, outcome: 'success' | 'denied', user: AppUser | undefined, details: Record<string, unknown>, actor?: string | null): Promise<void> {
    await this.#d.audit.append({
      channel: 'web', action, outcome, actorUserId: actor ?? user?.id ?? null, actorOrganisationId: user?.organisation_id ?? null,
      subjectType: user ? 'user' : null, subjectId: user?.id ?? null, details, clientIp: context.clientIp, requestId: context.requestId,
      occurredAt: this.#d.clock.now(),
    })
  }
}

/** The stored id of a session: the SHA-256 of the cookie's token, so a database read cannot replay it. */
export const sessionId = (token: string): string => sha256(token)
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const isoDay = (date: Date): string => date.toISOString().slice(0, 10)

const addYears = birthdayAt

/** NCSC guidance: length over composition rules; refuse the obviously guessable. */
export function passwordWeakness(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Your password must be at least ${MIN_PASSWORD_LENGTH} characters`
  if (password.length > 256) return 'Your password must be 256 characters or fewer'
  if (/^(.)\1+$/.test(password) || /^(?:0123456789|password|contactpoint|qwerty)/i.test(password)) return 'Choose a password that is harder to guess'
  return null
}
