// Opening a child's record. The user says why first; the policy decides what they see (the whole
// record, or for a shielded child only name, gender, date of birth and ContactPoint ID); the view
// and its reason go into the audit trail. A user with the override right may open a shielded
// record with a reason: the override lasts for that session, is audited, and is recorded as an
// open alert for the child's authority to investigate.
import type { Kysely } from 'kysely'
import type { ChildDetail, ChildRepository } from '../children/child.repository.ts'
import { londonDate } from '../children/lifecycle.ts'
import type { Child, Database, Organisation, ShieldOverride } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import { originOf, type AuditRepository } from '../governance/audit.repository.ts'
import { decide, type Action, type ChildFacts, type Decision } from '../governance/policy.ts'
import type { ActionContext as RequestContext } from '../practice/practice.service.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { RecordRepository } from './record.repository.ts'

/** Why a user opens a record: a short list, with free text (required for "another reason"). */
export const VIEW_REASONS = [
  { code: 'safeguarding', text: 'A concern about the child\'s safety or welfare' },
  { code: 'starting_work', text: 'I am starting to work with the child or their family' },
  { code: 'assessment', text: 'I am carrying out an assessment, such as a Common Assessment Framework (CAF) assessment' },
  { code: 'coordinating', text: 'I am coordinating support with other practitioners' },
  { code: 'referral', text: 'I am making or answering a referral' },
  { code: 'other', text: 'Another reason' },
] as const

/** Why a user overrides a shield: the risk to the child must outweigh the risk of finding them. */
export const OVERRIDE_REASONS = [
  { code: 'immediate_risk', text: 'The child may be at immediate risk of significant harm' },
  { code: 'court_or_police', text: 'A court order or police request needs the child\'s details' },
  { code: 'other', text: 'Another reason' },
] as const

const MAX_DETAIL = 500

export interface ReasonForm {
  readonly reason: string
  readonly detail: string
}

export interface SessionRef {
  readonly sessionId: string
}

export interface RecordAccess {
  readonly child: Child
  /** The ID the user asked for, when it was a record since merged into this one. */
  readonly mergedFrom: string | null
  /** Everything held (null for a restricted, shielded view: it is never read). */
  readonly detail: ChildDetail | null
  readonly restricted: boolean
  /** The override in force for this session, when a shielded record is seen whole. */
  readonly override: ShieldOverride | null
  /** May this user override the shield (offered on a restricted view)? */
  readonly mayOverride: boolean
  readonly archived: boolean
  readonly authority: Organisation | null
  readonly sourceNames: ReadonlyMap<string, string>
  readonly organisationEmails: ReadonlyMap<string, string | null>
  readonly viewer: { readonly organisationId: string }
}

export class RecordService {
  readonly #db: Kysely<Database>
  readonly #records: RecordRepository
  readonly #children: ChildRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; records: RecordRepository; children: ChildRepository; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#records = d.records
    this.#children = d.children
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** Opens a record for a stated reason. Every call is one audited view. */
  async view(actor: UserWithRoles, contactPointId: string, form: ReasonForm, session: SessionRef, context: RequestContext): Promise<RecordAccess> {
    const reason = checkReason(form, VIEW_REASONS, 'Select why you need to see this record')
    const { child, mergedFrom } = await this.#find(actor, contactPointId, 'child.view', context)
    const decision = viewDecision(actor, child, this.#clock.now())
    if (!decision.allowed) await this.#refuse(actor, contactPointId, 'child.view', decision.reason, context)
    const override = decision.restricted ? await this.#records.overrideInSession(session.sessionId, child.id) ?? null : null
    const restricted = decision.restricted === true && override === null
    await this.#audit.append({
      ...this.#who(actor, context), action: 'child.view', outcome: 'success', subjectType: 'child', subjectId: child.contactpoint_id,
      reasonCode: reason.code, reasonText: reason.text,
      details: { restricted, ...(override ? { shieldOverride: override.id } : {}), ...(mergedFrom ? { requestedId: mergedFrom } : {}), ...(child.status === 'archived' ? { archived: true } : {}) },
    })
    return this.#access(actor, child, mergedFrom, restricted, override)
  }

  /**
   * Back to a record the user has just opened (after recording something on it): the reason they
   * gave within the idle timeout is reused, and the showing is audited as a view of its own. Null
   * when there is no such recent view: the user is asked for a reason again.
   */
  async continueView(actor: UserWithRoles, contactPointId: string, session: SessionRef, context: RequestContext, since: Date): Promise<RecordAccess | null> {
    const recent = /^\d{12}$/.test(contactPointId) ? await this.#records.recentView(actor.id, contactPointId, since) : undefined
    if (!recent?.reason_code || !VIEW_REASONS.some((r) => r.code === recent.reason_code)) return null
    return this.view(actor, contactPointId, { reason: recent.reason_code, detail: recent.reason_text ?? '' }, session, context)
  }

  /** Before the override page is shown: the record must be shielded and the user hold the override right. */
  async overridable(actor: UserWithRoles, contactPointId: string, context: RequestContext): Promise<Child> {
    const { child } = await this.#find(actor, contactPointId, 'child.override_shield', context)
    const decision = decide(actor, 'child.override_shield', { child: factsOf(child, this.#clock.now()) })
    if (!decision.allowed) await this.#refuse(actor, contactPointId, 'child.override_shield', decision.reason, context)
    return child
  }

  /**
   * Opens a shielded record whole. The override, its audit event and the view are written in one
   * transaction: there is no override without its alert, and no alert without the record of it.
   */
  async overrideShield(actor: UserWithRoles, contactPointId: string, form: ReasonForm, session: SessionRef, context: RequestContext): Promise<RecordAccess> {
    const child = await this.overridable(actor, contactPointId, context)
    const problems: FieldProblem[] = []
    if (!OVERRIDE_REASONS.some((r) => r.code === form.reason)) problems.push({ field: 'reason', message: 'Select why you need to override the shield' })
    if (!form.detail.trim()) problems.push({ field: 'detail', message: 'Enter the details of why you need to override the shield' })
    else if (form.detail.trim().length > MAX_DETAIL) problems.push({ field: 'detail', message: `Details must be ${MAX_DETAIL} characters or fewer` })
    if (problems.length) throw validationFailed(problems)
    const now = this.#clock.now()
    const override = await this.#db.transaction().execute(async (trx) => {
      const created = await this.#records.insertOverride({
        childId: child.id, authorityId: child.responsible_authority_id, userId: actor.id, sessionId: session.sessionId,
        reasonCode: form.reason, reasonText: form.detail.trim(), createdAt: now,
      }, trx)
      await this.#audit.append({
        ...this.#who(actor, context), action: 'child.override_shield', outcome: 'success', subjectType: 'child', subjectId: child.contactpoint_id,
        reasonCode: form.reason, reasonText: form.detail.trim(), details: { shieldOverride: created.id, authorityAlerted: child.responsible_authority_id }, occurredAt: now,
      }, trx)
      await this.#audit.append({
        ...this.#who(actor, context), action: 'child.view', outcome: 'success', subjectType: 'child', subjectId: child.contactpoint_id,
        reasonCode: form.reason, reasonText: form.detail.trim(), details: { restricted: false, shieldOverride: created.id }, occurredAt: now,
      }, trx)
      return created
    })
    return this.#access(actor, child, null, false, override)
  }

  async #access(actor: UserWithRoles, child: Child, mergedFrom: string | null, restricted: boolean, override: ShieldOverride | null): Promise<RecordAccess> {
    const [detail, authority, sourceNames] = await Promise.all([
      restricted ? Promise.resolve(null) : this.#children.detail(child.id).then((d) => d ?? null),
      this.#records.organisation(child.responsible_authority_id),
      restricted ? Promise.resolve(new Map<string, string>()) : this.#records.sourceNames(),
    ])
    const organisationEmails = detail ? await this.#records.organisationEmails([...new Set(detail.involvements.map((i) => i.organisation_id))]) : new Map()
    return {
      child, mergedFrom, detail, restricted, override, archived: child.status === 'archived',
      mayOverride: restricted && decide(actor, 'child.override_shield', { child: factsOf(child, this.#clock.now()) }).allowed,
      authority: authority ?? null, sourceNames, organisationEmails, viewer: { organisationId: actor.organisation_id },
    }
  }

  async #find(actor: UserWithRoles, contactPointId: string, action: Action, context: RequestContext): Promise<{ child: Child; mergedFrom: string | null }> {
    const found = /^\d{12}$/.test(contactPointId) ? await this.#records.resolve(contactPointId) : undefined
    if (!found) {
      await this.#refuse(actor, contactPointId, action, 'no such child', context)
      throw new Error('unreachable')
    }
    return found
  }

  /** Records the refusal, then throws. Another authority's child looks like no child at all. */
  async #refuse(actor: UserWithRoles, contactPointId: string, action: Action, reason: string, context: RequestContext): Promise<never> {
    await this.#audit.append({
      ...this.#who(actor, context), action, outcome: 'denied', subjectType: 'child', subjectId: contactPointId, details: { reason },
    })
    if (reason === 'no such child' || /another local authority/.test(reason)) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
    throw new AppError('forbidden', `You cannot see this record: ${reason}.`)
  }

  #who(actor: UserWithRoles, context: RequestContext) {
    // a phone enquiry's searches and views are the caller's: audited on the phone channel on their behalf
    return { ...originOf(context), onBehalfOf: context.onBehalfOf ?? null, actorUserId: actor.id, actorOrganisationId: actor.organisation_id, occurredAt: this.#clock.now() }
  }
}

function factsOf(child: Child, now: Date): ChildFacts {
  // Days in England, as the lifecycle job counts them: one rule for when the archive stops being readable.
  return {
    responsibleAuthorityId: child.responsible_authority_id, shielded: child.shielded, status: child.status,
    archivedOn: child.archived_at ? londonDate(child.archived_at) : null, asOf: londonDate(now),
  }
}

/** child.view for a live record; for an archived one, the data manager's year of access (child.view_archived). */
function viewDecision(actor: UserWithRoles, child: Child, now: Date): Decision {
  const decision = decide(actor, 'child.view', { child: factsOf(child, now) })
  if (decision.allowed || child.status !== 'archived') return decision
  const archived = decide(actor, 'child.view_archived', { child: factsOf(child, now) })
  return archived.allowed ? archived : decision
}

function checkReason(form: ReasonForm, reasons: readonly { code: string; text: string }[], missing: string): { code: string; text: string | null } {
  const problems: FieldProblem[] = []
  const detail = form.detail.trim()
  if (!reasons.some((r) => r.code === form.reason)) problems.push({ field: 'reason', message: missing })
  else if (form.reason === 'other' && !detail) problems.push({ field: 'detail', message: 'Enter why you need to see this record' })
  if (detail.length > MAX_DETAIL) problems.push({ field: 'detail', message: `Details must be ${MAX_DETAIL} characters or fewer` })
  if (problems.length) throw validationFailed(problems)
  return { code: form.reason, text: detail || null }
}
