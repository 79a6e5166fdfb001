// Phone enquiries: a caller who cannot use ContactPoint themselves asks an authorised user to search
// for them. The user records who is calling, from where, on what number and how they checked the
// caller is who they say; until the enquiry ends (or the session does), every search and record view
// is audited on the phone channel on the caller's behalf, so the trail shows both people.
import type { Kysely } from 'kysely'
import type { Database, IdentityCheck, PhoneEnquiry } from '../db/schema.ts'
import { IDENTITY_CHECKS } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { decide } from '../governance/policy.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import { optionalText, requiredText } from './forms.ts'
import type { ActionContext } from './practice.service.ts'
import type { PracticeRepository } from './practice.repository.ts'

export const IDENTITY_CHECK_LABELS: Readonly<Record<IdentityCheck, string>> = {
  called_back_known_number: 'I called them back on a number I found independently for their organisation',
  verified_with_organisation: 'I checked with their organisation that they work there',
  known_colleague: 'I know them: we work together',
  other: 'Another way',
}

export interface PhoneEnquiryForm {
  readonly callerName: string
  readonly callerOrganisation: string
  readonly callerPhone: string
  readonly identityCheck: string
  readonly identityCheckDetail: string
}

/** How the audit trail names the caller of an enquiry. */
export function onBehalfOf(enquiry: Pick<PhoneEnquiry, 'id' | 'caller_name' | 'caller_organisation'>): string {
  return `${enquiry.caller_name}, ${enquiry.caller_organisation} (phone enquiry ${enquiry.id})`
}

export class PhoneEnquiryService {
  readonly #db: Kysely<Database>
  readonly #practice: PracticeRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; practice: PracticeRepository; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#practice = d.practice
    this.#audit = d.audit
    this.#clock = d.clock
  }

  mayTakeEnquiries(actor: UserWithRoles): boolean {
    return actor.roles.some((r) => decide(actor, 'child.phone_enquiry', { authorityId: r.authorityId }).allowed)
  }

  async active(sessionId: string): Promise<PhoneEnquiry | undefined> {
    return this.#practice.activePhoneEnquiry(sessionId)
  }

  async start(actor: UserWithRoles, sessionId: string, form: PhoneEnquiryForm, context: ActionContext): Promise<PhoneEnquiry> {
    if (!this.mayTakeEnquiries(actor)) {
      await this.#audit.append({ ...this.#who(actor, context), action: 'phone_enquiry.start', outcome: 'denied', details: { reason: 'no role of the user allows this' } })
      throw new AppError('forbidden', 'Your account cannot take phone enquiries')
    }
    const problems: FieldProblem[] = []
    const callerName = requiredText(form.callerName, 'callerName', 'Enter the caller’s name', 100, problems)
    const callerOrganisation = requiredText(form.callerOrganisation, 'callerOrganisation', 'Enter the caller’s organisation', 200, problems)
    const callerPhone = requiredText(form.callerPhone, 'callerPhone', 'Enter the caller’s phone number', 30, problems)
    if (callerPhone && !/^\+?[0-9 ()-]{6,30}$/.test(callerPhone)) problems.push({ field: 'callerPhone', message: 'Enter a phone number, like 01632 960 001' })
    const identityCheck = IDENTITY_CHECKS.find((c) => c === form.identityCheck)
    if (!identityCheck) problems.push({ field: 'identityCheck', message: 'Select how you checked the caller’s identity' })
    const detail = optionalText(form.identityCheckDetail, 'identityCheckDetail', 'how you checked', 300, problems)
    if (identityCheck === 'other' && !detail) problems.push({ field: 'identityCheckDetail', message: 'Enter how you checked the caller’s identity' })
    if (problems.length) throw validationFailed(problems)
    const now = this.#clock.now()
    return this.#db.transaction().execute(async (trx) => {
      const enquiry = await this.#practice.startPhoneEnquiry({
        userId: actor.id, sessionId, callerName, callerOrganisation, callerPhone, identityCheck: identityCheck as IdentityCheck, identityCheckDetail: detail, startedAt: now,
      }, trx)
      await this.#audit.append({
        ...this.#who(actor, context), channel: 'phone', onBehalfOf: onBehalfOf(enquiry), action: 'phone_enquiry.start', outcome: 'success',
        subjectType: 'phone_enquiry', subjectId: enquiry.id, reasonCode: identityCheck, reasonText: detail, details: { callerPhone },
      }, trx)
      return enquiry
    })
  }

  async end(actor: UserWithRoles, sessionId: string, context: ActionContext): Promise<void> {
    const enquiry = await this.#practice.activePhoneEnquiry(sessionId)
    if (!enquiry || enquiry.user_id !== actor.id) return
    await this.#db.transaction().execute(async (trx) => {
      if (!await this.#practice.endPhoneEnquiry(enquiry.id, this.#clock.now(), trx)) return
      await this.#audit.append({
        ...this.#who(actor, context), channel: 'phone', onBehalfOf: onBehalfOf(enquiry), action: 'phone_enquiry.end', outcome: 'success',
        subjectType: 'phone_enquiry', subjectId: enquiry.id,
      }, trx)
    })
  }

  #who(actor: UserWithRoles, context: ActionContext) {
    return { channel: 'web' as const, actorUserId: actor.id, actorOrganisationId: actor.organisation_id, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#clock.now() }
  }
}
