// Shielding: the authority decides that a child at risk if found (domestic violence, witness
// protection, adoption) is shielded, with a reason and a date to review it. The decision, the flag
// on the record and the audit event are written in one transaction, so a shield is in force from
// the moment the decision is acknowledged; every view, search, export and feed reads that flag.
import type { Kysely } from 'kysely'
import type { ChildRepository } from '../children/child.repository.ts'
import type { Child, Database, ShieldReason } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import type { RequestContext } from '../people/sign-in.service.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { AuditRepository } from './audit.repository.ts'
import { decide, type Action } from './policy.ts'
import type { OpenShield, ShieldRepository } from './shield.repository.ts'
import { publishChange } from '../notifications/notification.repository.ts'

export const SHIELD_REASONS: readonly ShieldReason[] = ['domestic_violence', 'witness_protection', 'adoption', 'other_risk']
/** A shield is reviewed at least yearly. */
const MAX_REVIEW_DAYS = 366

export interface ShieldForm {
  readonly reason: string
  readonly note?: string
  readonly reviewDueOn: string
}

export class ShieldingService {
  readonly #db: Kysely<Database>
  readonly #children: ChildRepository
  readonly #shields: ShieldRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; children: ChildRepository; shields: ShieldRepository; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#children = d.children
    this.#shields = d.shields
    this.#audit = d.audit
    this.#clock = d.clock
  }

  async shield(actor: UserWithRoles, contactPointId: string, form: ShieldForm, context: RequestContext): Promise<OpenShield> {
    const child = await this.#authorised(actor, contactPointId, 'child.shield', context)
    const problems = this.#validate(form)
    if (problems.length) throw validationFailed(problems)
    if (child.shielded) throw new AppError('conflict', 'This child is already shielded: review the existing decision instead')
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      await this.#shields.insertDecisions([{ childId: child.id, reason: form.reason as ShieldReason, note: form.note?.trim() || null, decidedByUserId: actor.id, reviewDueOn: form.reviewDueOn }], trx)
      await this.#shields.setChildShielded(child.id, true, now, trx)
      await this.#audit.append({
        channel: 'web', action: 'child.shield', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'child', subjectId: child.contactpoint_id, reasonCode: form.reason, details: { reviewDueOn: form.reviewDueOn },
        clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
      }, trx)
      await publishChange(trx, { type: 'child.shielded', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: now })
    })
    return await this.#shields.openDecision(child.id) as OpenShield
  }

  async lift(actor: UserWithRoles, contactPointId: string, reason: string, context: RequestContext): Promise<void> {
    const child = await this.#authorised(actor, contactPointId, 'child.unshield', context)
    if (!reason.trim()) throw validationFailed([{ field: 'reason', message: 'Enter why the shield is no longer needed' }])
    const open = await this.#shields.openDecision(child.id)
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      if (open) await this.#shields.lift(open.id, actor.id, now, trx)
      await this.#shields.setChildShielded(child.id, false, now, trx)
      await this.#audit.append({
        channel: 'web', action: 'child.unshield', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'child', subjectId: child.contactpoint_id, reasonText: reason.trim(), clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
      }, trx)
      await publishChange(trx, { type: 'child.unshielded', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: now })
    })
  }

  /** The authority's shields whose review date has come. */
  async reviewsDue(actor: UserWithRoles, authorityId: string, asOf: string): Promise<OpenShield[]> {
    if (!decide(actor, 'child.unshield', { authorityId }).allowed && !decide(actor, 'child.shield', { authorityId }).allowed) {
      throw new AppError('forbidden', 'You cannot see this authority\'s shielding decisions')
    }
    return this.#shields.reviewsDue(authorityId, asOf)
  }

  async #authorised(actor: UserWithRoles, contactPointId: string, action: Action, context: RequestContext): Promise<Child> {
    const child = await this.#children.findByContactPointId(contactPointId)
    const decision = child && decide(actor, action, { child: { responsibleAuthorityId: child.responsible_authority_id, shielded: child.shielded, status: child.status } })
    if (child && decision?.allowed) return child
    await this.#audit.append({
      channel: 'web', action, outcome: 'denied', actorUserId: actor.id, actorOrganisationId: actor.organisation_id, subjectType: 'child',
      subjectId: contactPointId, details: { reason: decision?.reason ?? 'no such child' }, clientIp: context.clientIp, requestId: context.requestId,
      occurredAt: this.#clock.now(),
    })
    // Another authority's child, or none: the same answer, so shielding cannot be used to probe IDs.
    if (!child || /another local authority/.test(decision?.reason ?? '')) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
    throw new AppError('forbidden', `This cannot be done: ${decision?.reason ?? ''}`)
  }

  #validate(form: ShieldForm): FieldProblem[] {
    const problems: FieldProblem[] = []
    if (!SHIELD_REASONS.includes(form.reason as ShieldReason)) problems.push({ field: 'reason', message: 'Select why the child is shielded' })
    const today = this.#clock.now().toISOString().slice(0, 10)
    const latest = new Date(this.#clock.now().getTime() + MAX_REVIEW_DAYS * 86_400_000).toISOString().slice(0, 10)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.reviewDueOn) || Number.isNaN(Date.parse(form.reviewDueOn))) problems.push({ field: 'reviewDueOn', message: 'Enter the date to review the shield' })
    else if (form.reviewDueOn <= today || form.reviewDueOn > latest) problems.push({ field: 'reviewDueOn', message: 'The review date must be after today and within a year' })
    if ((form.note ?? '').length > 500) problems.push({ field: 'note', message: 'The note must be 500 characters or fewer' })
    return problems
  }
}
