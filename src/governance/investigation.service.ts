// Shield override investigations. Every override of a shield opens a case for the child's
// authority (the shield_override row, written with the override itself); the privacy officer reads
// it — who, when, why, and what they viewed under it — and closes it with an outcome and a finding.
// Every step is audited; a case about the officer themselves is not theirs to close.
import type { Kysely } from 'kysely'
import type { AuditEvent, Database, OverrideOutcome } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { AuditRepository } from './audit.repository.ts'
import { governedAuthority, mayActOn, type GovernanceContext } from './governance-access.ts'
import type { InvestigationRepository, OverrideCase } from './investigation.repository.ts'

export const OVERRIDE_OUTCOMES: readonly { code: OverrideOutcome; text: string }[] = [
  { code: 'justified', text: 'Justified: the override was needed to protect the child' },
  { code: 'not_justified', text: 'Not justified: the user has been told and the matter recorded' },
  { code: 'referred', text: 'Referred for disciplinary action, to the data protection officer or the police' },
]

export class InvestigationService {
  readonly #db: Kysely<Database>
  readonly #repository: InvestigationRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; repository: InvestigationRepository; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#repository = d.repository
    this.#audit = d.audit
    this.#clock = d.clock
  }

  async list(actor: UserWithRoles, status: 'open' | 'closed' | 'all', context: GovernanceContext): Promise<OverrideCase[]> {
    const authorityId = governedAuthority(actor, 'alert.investigate')
    await this.#record(actor, 'investigation.list', null, context, { status })
    return (await this.#repository.list(authorityId, status)).filter((c) => c.user_id !== actor.id)
  }

  /** One case and the views made under the override (audit events that name it). */
  async case(actor: UserWithRoles, id: string, context: GovernanceContext): Promise<{ override: OverrideCase; views: AuditEvent[] }> {
    const override = await this.#authorised(actor, id, 'investigation.view', context)
    const events = await this.#audit.listForSubject('child', override.contactpoint_id, 500)
    const views = events.filter((e) => (e.details as { shieldOverride?: string } | null)?.shieldOverride === override.id)
    await this.#record(actor, 'investigation.view', id, context, {})
    return { override, views }
  }

  async close(actor: UserWithRoles, id: string, form: { outcome: string; note: string }, context: GovernanceContext): Promise<void> {
    const override = await this.#authorised(actor, id, 'investigation.close', context)
    const problems: FieldProblem[] = []
    if (!OVERRIDE_OUTCOMES.some((o) => o.code === form.outcome)) problems.push({ field: 'outcome', message: 'Select the outcome of the investigation' })
    if (!form.note.trim()) problems.push({ field: 'note', message: 'Enter what the investigation found' })
    else if (form.note.trim().length > 2000) problems.push({ field: 'note', message: 'The finding must be 2,000 characters or fewer' })
    if (problems.length) throw validationFailed(problems)
    if (override.status === 'closed') throw new AppError('conflict', 'This investigation is already closed')
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      await this.#repository.close(override.id, actor.id, form.outcome as OverrideOutcome, form.note.trim(), now, trx)
      await this.#audit.append({
        channel: context.channel ?? 'web', action: 'investigation.close', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'shield_override', subjectId: override.id, reasonCode: form.outcome, reasonText: form.note.trim(),
        details: { child: override.contactpoint_id, user: override.user_id }, clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
      }, trx)
    })
  }

  async #authorised(actor: UserWithRoles, id: string, action: string, context: GovernanceContext): Promise<OverrideCase> {
    const found = /^[0-9a-f-]{36}$/.test(id) ? await this.#repository.find(id) : undefined
    if (!found || found.user_id === actor.id || !mayActOn(actor, 'alert.investigate', found.authority_id)) {
      await this.#record(actor, action, id, context, {}, 'denied')
      throw new AppError('not_found', 'That investigation was not found')
    }
    return found
  }

  async #record(actor: UserWithRoles, action: string, id: string | null, context: GovernanceContext, details: Record<string, unknown>, outcome: 'success' | 'denied' = 'success'): Promise<void> {
    await this.#audit.append({
      channel: context.channel ?? 'web', action, outcome, actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
      subjectType: 'shield_override', subjectId: id, details, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#clock.now(),
    })
  }
}
