// The authority team's work on accounts: register a user (vetting, training and agreement dates,
// roles, channel) with a one-time invitation, suspend and reinstate, reset a lost second factor.
// Every action is decided by the access policy and audited; suspension ends sessions at once.
import type { AccessChannel, Role } from '../db/schema.ts'
import { ROLES } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { decide } from '../governance/policy.ts'
import type { Clock } from '../system/clock.ts'
import type { OrganisationRepository } from './organisation.repository.ts'
import type { SessionRepository } from './session.repository.ts'
import type { RequestContext, SignInService } from './sign-in.service.ts'
import type { UserRepository, UserWithRoles } from './user.repository.ts'

/** Roles an authority may give. National and system roles are given by the national team. */
export const ASSIGNABLE_ROLES: readonly Role[] = [
  'practitioner', 'practitioner_shield_override', 'authority_data_manager', 'authority_user_admin', 'authority_privacy_officer',
]

export interface NewUserForm {
  readonly displayName: string
  readonly username: string
  readonly email: string
  readonly jobTitle: string
  readonly organisationId: string
  readonly roles: readonly string[]
  readonly dbsCheckedOn: string
  readonly trainingCompletedOn: string
  readonly agreementSignedOn: string
  readonly accessChannel: string
}

export class UserAdminService {
  readonly #users: UserRepository
  readonly #organisations: OrganisationRepository
  readonly #sessions: SessionRepository
  readonly #signIn: SignInService
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { users: UserRepository; organisations: OrganisationRepository; sessions: SessionRepository; signIn: SignInService; audit: AuditRepository; clock: Clock }) {
    this.#users = d.users
    this.#organisations = d.organisations
    this.#sessions = d.sessions
    this.#signIn = d.signIn
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** The authority an administrator manages users for (their user-admin role's authority). */
  authorityOf(actor: UserWithRoles): string {
    const grant = actor.roles.find((r) => r.role === 'authority_user_admin' && r.authorityId)
    if (!grant?.authorityId) throw new AppError('forbidden', 'You do not manage users for a local authority')
    return grant.authorityId
  }

  async list(actor: UserWithRoles, authorityId: string, context: RequestContext) {
    await this.#authorise(actor, authorityId, 'user.list', null, context)
    return this.#users.listInAuthority(authorityId)
  }

  async organisationsFor(actor: UserWithRoles, authorityId: string, context: RequestContext) {
    await this.#authorise(actor, authorityId, 'user.list_organisations', null, context)
    return (await this.#organisations.listInAuthority(authorityId)).filter((o) => o.accreditation_status === 'accredited')
  }

  /** Registers a user and returns the one-time invitation token for them. */
  async register(actor: UserWithRoles, authorityId: string, form: NewUserForm, context: RequestContext): Promise<{ user: UserWithRoles; invitation: string }> {
    await this.#authorise(actor, authorityId, 'user.register', null, context)
    const problems = await this.#validate(form, authorityId)
    if (problems.length) throw validationFailed(problems)
    const user = await this.#users.insert({
      username: form.username.trim().toLowerCase(), display_name: form.displayName.trim(), email: form.email.trim() || null,
      job_title: form.jobTitle.trim() || null, organisation_id: form.organisationId, status: 'active',
      dbs_checked_on: form.dbsCheckedOn, training_completed_on: form.trainingCompletedOn || null,
      agreement_signed_on: form.agreementSignedOn || null, access_channel: form.accessChannel as AccessChannel, created_by: actor.id,
    }, form.roles.map((role) => ({ role: role as Role, authorityId })), actor.id)
    await this.#record(actor, 'user.register', user.id, context, { roles: form.roles, channel: form.accessChannel })
    const invitation = await this.#signIn.invite(user.id, actor.id, context)
    return { user, invitation }
  }

  async suspend(actor: UserWithRoles, userId: string, reason: string, context: RequestContext): Promise<void> {
    const target = await this.#target(actor, userId, 'user.suspend', context)
    if (!reason.trim()) throw validationFailed([{ field: 'reason', message: 'Enter why the account is suspended' }])
    if (target.id === actor.id) throw validationFailed([{ field: 'reason', message: 'You cannot suspend your own account' }])
    await this.#users.update(target.id, { status: 'suspended', status_reason: reason.trim().slice(0, 500) })
    const ended = await this.#sessions.endAllForUser(target.id, 'account_not_active', this.#clock.now())
    await this.#record(actor, 'user.suspend', target.id, context, { sessionsEnded: ended }, reason.trim())
  }

  async reinstate(actor: UserWithRoles, userId: string, context: RequestContext): Promise<void> {
    const target = await this.#target(actor, userId, 'user.reinstate', context)
    await this.#users.update(target.id, { status: 'active', status_reason: null, failed_sign_ins: 0, locked_until: null })
    await this.#record(actor, 'user.reinstate', target.id, context, {})
  }

  /** A lost phone or key: old factors and sessions end; the user enrols again from a new invitation. */
  async resetSecondFactor(actor: UserWithRoles, userId: string, context: RequestContext): Promise<string> {
    const target = await this.#target(actor, userId, 'user.reset_factor', context)
    await this.#record(actor, 'user.reset_factor', target.id, context, {})
    return this.#signIn.invite(target.id, actor.id, context)
  }

  async #target(actor: UserWithRoles, userId: string, action: string, context: RequestContext): Promise<UserWithRoles> {
    const target = await this.#users.findById(userId)
    const authorityId = target ? await this.#users.authorityOfOrganisation(target.organisation_id) : null
    // A user of another authority is "not found", so identifiers cannot be probed.
    if (!target || !authorityId || !decide(actor, 'user.manage', { authorityId }).allowed) {
      await this.#record(actor, action, userId, context, {}, null, 'denied')
      throw new AppError('not_found', 'That user was not found')
    }
    return target
  }

  async #authorise(actor: UserWithRoles, authorityId: string, action: string, subject: string | null, context: RequestContext): Promise<void> {
    const decision = decide(actor, 'user.manage', { authorityId })
    if (decision.allowed) return
    await this.#record(actor, action, subject, context, { authorityId }, null, 'denied')
    throw new AppError('forbidden', 'You cannot manage users for this local authority')
  }

  async #validate(form: NewUserForm, authorityId: string): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = []
    const today = this.#clock.now().toISOString().slice(0, 10)
    if (!form.displayName.trim()) problems.push({ field: 'displayName', message: 'Enter the user’s full name' })
    const username = form.username.trim().toLowerCase()
    if (!/^[a-z0-9][a-z0-9._@-]{2,99}$/.test(username)) problems.push({ field: 'username', message: 'Enter a username of 3 to 100 letters, numbers, dots, hyphens or @' })
    else if (await this.#users.findByUsername(username)) problems.push({ field: 'username', message: 'That username is already taken' })
    if (form.email.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.trim())) problems.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.org' })
    const organisationAuthority = form.organisationId ? await this.#users.authorityOfOrganisation(form.organisationId) : null
    const organisation = form.organisationId ? await this.#organisations.findById(form.organisationId) : undefined
    if (!organisation || organisationAuthority !== authorityId) problems.push({ field: 'organisationId', message: 'Select the user’s organisation' })
    else if (organisation.accreditation_status !== 'accredited') problems.push({ field: 'organisationId', message: 'The organisation must be accredited before its staff can be users' })
    const roles = form.roles.filter((r) => (ROLES as readonly string[]).includes(r))
    if (roles.length === 0) problems.push({ field: 'roles', message: 'Select at least one role' })
    else if (roles.some((r) => !ASSIGNABLE_ROLES.includes(r as Role))) problems.push({ field: 'roles', message: 'Only the national team can give that role' })
    if (!isDate(form.dbsCheckedOn)) problems.push({ field: 'dbsCheckedOn', message: 'Enter the date of the enhanced DBS check, like 2026-03-27' })
    else if (form.dbsCheckedOn > today) problems.push({ field: 'dbsCheckedOn', message: 'The date of the DBS check must be today or in the past' })
    else if (`${Number(form.dbsCheckedOn.slice(0, 4)) + 3}${form.dbsCheckedOn.slice(4)}` <= today) problems.push({ field: 'dbsCheckedOn', message: 'The DBS check is more than 3 years old: a new check is needed' })
    for (const [field, label] of [['trainingCompletedOn', 'training'], ['agreementSignedOn', 'user agreement']] as const) {
      if (form[field] && (!isDate(form[field]) || form[field] > today)) problems.push({ field, message: `Enter the date of the ${label} as a past date, like 2026-03-27` })
    }
    if (!['web', 'cms', 'both'].includes(form.accessChannel)) problems.push({ field: 'accessChannel', message: 'Select how the user reaches ContactPoint' })
    return problems
  }

  async #record(actor: UserWithRoles, action: string, subjectId: string | null, context: RequestContext, details: Record<string, unknown>, reason: string | null = null, outcome: 'success' | 'denied' = 'success'): Promise<void> {
    await this.#audit.append({
      channel: 'web', action, outcome, actorUserId: actor.id, actorOrganisationId: actor.organisation_id, subjectType: 'user', subjectId,
      reasonText: reason, details, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#clock.now(),
    })
  }
}

const isDate = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
