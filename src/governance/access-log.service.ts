// Audit pages for the authority: who accessed a child (and what they did), what a user did, and
// the subject access report — everything the index holds about a child and who accessed it. Each
// is decided by the policy for the child's (or the user's) authority and is itself audited, so the
// people who look at the trail are in the trail too.
import type { ChildDetail, ChildRepository } from '../children/child.repository.ts'
import type { AuditEvent, Child } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { AccessEntry, AccessLogRepository } from './access-log.repository.ts'
import type { AuditRepository } from './audit.repository.ts'
import type { GovernanceContext } from './governance-access.ts'
import { decide, type Action } from './policy.ts'
import type { OpenShield, ShieldRepository } from './shield.repository.ts'

export const ACCESS_LOG_LIMIT = 1000

export interface ChildAccessLog {
  readonly child: Child
  readonly ids: readonly string[]
  readonly entries: readonly AccessEntry[]
  readonly shield: OpenShield | null
}

export interface SubjectAccess extends ChildAccessLog {
  readonly detail: ChildDetail
  readonly generatedAt: Date
  readonly generatedBy: string
}

export class AccessLogService {
  readonly #repository: AccessLogRepository
  readonly #children: ChildRepository
  readonly #shields: ShieldRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { repository: AccessLogRepository; children: ChildRepository; shields: ShieldRepository; audit: AuditRepository; clock: Clock }) {
    this.#repository = d.repository
    this.#children = d.children
    this.#shields = d.shields
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** A child for the governance pages (shield, lift, logs), when the actor may do `action` on it. */
  async child(actor: UserWithRoles, contactPointId: string, action: Action, context: GovernanceContext): Promise<{ child: Child; shield: OpenShield | null }> {
    const child = await this.#authorisedChild(actor, contactPointId, action, context)
    return { child, shield: (await this.#shields.openDecision(child.id)) ?? null }
  }

  async childAccess(actor: UserWithRoles, contactPointId: string, context: GovernanceContext): Promise<ChildAccessLog> {
    const child = await this.#authorisedChild(actor, contactPointId, 'child.view_access_log', context)
    const ids = await this.#repository.idsOf(child.id)
    const entries = await this.#repository.forChildren(ids, ACCESS_LOG_LIMIT)
    await this.#record(actor, 'child.view_access_log', 'child', child.contactpoint_id, context, { events: entries.length })
    return { child, ids, entries, shield: (await this.#shields.openDecision(child.id)) ?? null }
  }

  /** The audit events about a child (as the FHIR AuditEvent search gives them); audited as the page is. */
  async eventsAbout(actor: UserWithRoles, contactPointId: string, context: GovernanceContext): Promise<AuditEvent[]> {
    const child = await this.#authorisedChild(actor, contactPointId, 'child.view_access_log', context)
    const events = await this.#audit.listForSubject('child', child.contactpoint_id, ACCESS_LOG_LIMIT)
    await this.#record(actor, 'child.view_access_log', 'child', child.contactpoint_id, context, { events: events.length })
    return events
  }

  async subjectAccess(actor: UserWithRoles, contactPointId: string, format: 'html' | 'pdf', context: GovernanceContext): Promise<SubjectAccess> {
    const child = await this.#authorisedChild(actor, contactPointId, 'child.subject_access_report', context)
    const detail = await this.#children.detail(child.id) as ChildDetail
    const ids = await this.#repository.idsOf(child.id)
    const entries = await this.#repository.forChildren(ids, 100_000)
    await this.#record(actor, 'child.subject_access_report', 'child', child.contactpoint_id, context, { format, events: entries.length })
    return { child, ids, entries, detail, shield: (await this.#shields.openDecision(child.id)) ?? null, generatedAt: this.#clock.now(), generatedBy: actor.display_name }
  }

  async userActivity(actor: UserWithRoles, userId: string, context: GovernanceContext) {
    const user = /^[0-9a-f-]{36}$/.test(userId) ? await this.#repository.userWithAuthority(userId) : undefined
    if (!user || user.id === actor.id || !decide(actor, 'user.view_activity', { authorityId: user.authority_id }).allowed) {
      await this.#record(actor, 'user.view_activity', 'user', userId, context, {}, 'denied')
      throw new AppError('not_found', 'That user was not found')
    }
    const entries = await this.#repository.forUser(user.id, ACCESS_LOG_LIMIT)
    await this.#record(actor, 'user.view_activity', 'user', user.id, context, { events: entries.length })
    return { user, entries }
  }

  async #authorisedChild(actor: UserWithRoles, contactPointId: string, action: Action, context: GovernanceContext): Promise<Child> {
    const id = contactPointId.replace(/[\s-]/g, '')
    const child = /^\d{12}$/.test(id) ? await this.#children.findByContactPointId(id) : undefined
    const decision = child && decide(actor, action, { child: { responsibleAuthorityId: child.responsible_authority_id, shielded: child.shielded, status: child.status } })
    if (child && decision?.allowed) return child
    await this.#record(actor, action, 'child', id, context, { reason: decision?.reason ?? 'no such child' }, 'denied')
    // Another authority's child looks like no child at all.
    if (!child || /another local authority|no role/.test(decision?.reason ?? '')) throw new AppError('not_found', 'No child with that ContactPoint ID was found in your authority')
    throw new AppError('forbidden', `This cannot be done: ${decision?.reason ?? ''}`)
  }

  async #record(actor: UserWithRoles, action: string, subjectType: string, subjectId: string, context: GovernanceContext, details: Record<string, unknown>, outcome: 'success' | 'denied' = 'success'): Promise<void> {
    await this.#audit.append({
      channel: context.channel ?? 'web', action, outcome, actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
      subjectType, subjectId, details, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#clock.now(),
    })
  }
}
