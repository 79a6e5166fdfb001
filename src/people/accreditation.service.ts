// Accreditation of organisations and the vetting of their staff. Staff of an organisation can be
// users only while it is accredited; suspending it suspends them (and ends their sessions), and
// reinstating it reinstates exactly those. Enhanced DBS checks last three years: a daily run
// suspends users whose check has lapsed and lists those due within 30 days, so they are warned.
import { birthdayAt } from '../children/lifecycle.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { decide } from '../governance/policy.ts'
import { AppError } from '../errors.ts'
import type { Clock } from '../system/clock.ts'
import type { OrganisationRepository } from './organisation.repository.ts'
import type { SessionRepository } from './session.repository.ts'
import type { RequestContext } from './sign-in.service.ts'
import type { UserRepository, UserWithRoles } from './user.repository.ts'

const ORGANISATION_SUSPENDED = 'organisation_suspended'
const DBS_LAPSED = 'dbs_check_lapsed'
export const DBS_WARNING_DAYS = 30

export interface VettingRun {
  readonly asOf: string
  readonly suspended: readonly { id: string; username: string; dbsCheckedOn: string | null }[]
  readonly dueSoon: readonly { id: string; username: string; dbsCheckedOn: string; lapsesOn: string }[]
}

export class AccreditationService {
  readonly #organisations: OrganisationRepository
  readonly #users: UserRepository
  readonly #sessions: SessionRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { organisations: OrganisationRepository; users: UserRepository; sessions: SessionRepository; audit: AuditRepository; clock: Clock }) {
    this.#organisations = d.organisations
    this.#users = d.users
    this.#sessions = d.sessions
    this.#audit = d.audit
    this.#clock = d.clock
  }

  async listOrganisations(actor: UserWithRoles, authorityId: string) {
    if (!decide(actor, 'organisation.accredit', { authorityId }).allowed) throw new AppError('forbidden', 'You cannot manage organisations for this local authority')
    return this.#organisations.listInAuthority(authorityId)
  }

  async setStatus(actor: UserWithRoles, organisationId: string, status: 'accredited' | 'suspended', context: RequestContext): Promise<{ usersChanged: number }> {
    const organisation = await this.#organisations.findById(organisationId)
    const authorityId = organisation?.kind === 'local_authority' ? organisation.id : organisation?.authority_id ?? null
    if (!organisation || organisation.kind === 'local_authority' || !decide(actor, 'organisation.accredit', { authorityId }).allowed) {
      throw new AppError('not_found', 'That organisation was not found')
    }
    const now = this.#clock.now()
    await this.#organisations.setAccreditation(organisation.id, status, now)
    let changed: string[]
    if (status === 'suspended') {
      changed = await this.#users.suspendOrganisationStaff(organisation.id, ORGANISATION_SUSPENDED, now)
      for (const id of changed) await this.#sessions.endAllForUser(id, 'account_not_active', now)
    } else {
      changed = await this.#users.reinstateOrganisationStaff(organisation.id, ORGANISATION_SUSPENDED, now)
    }
    await this.#audit.append({
      channel: 'web', action: status === 'suspended' ? 'organisation.suspend' : 'organisation.accredit', outcome: 'success',
      actorUserId: actor.id, actorOrganisationId: actor.organisation_id, subjectType: 'organisation', subjectId: organisation.id,
      details: { usersChanged: changed.length }, clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
    })
    return { usersChanged: changed.length }
  }

  /** Suspends users whose DBS check has lapsed and lists those lapsing soon. Idempotent for a given day. */
  async applyVettingRules(asOf: string = this.#clock.now().toISOString().slice(0, 10)): Promise<VettingRun> {
    const due = await this.#users.listVettingDue(addDays(addYears(asOf, -3), DBS_WARNING_DAYS))
    const suspended: VettingRun['suspended'][number][] = []
    const dueSoon: VettingRun['dueSoon'][number][] = []
    const now = this.#clock.now()
    for (const user of due) {
      const lapsesOn = user.dbs_checked_on ? addYears(user.dbs_checked_on, 3) : null
      if (lapsesOn === null || lapsesOn <= asOf) {
        await this.#users.update(user.id, { status: 'suspended', status_reason: DBS_LAPSED })
        await this.#sessions.endAllForUser(user.id, 'account_not_active', now)
        await this.#audit.append({ channel: 'system', action: 'user.suspend', outcome: 'success', subjectType: 'user', subjectId: user.id, reasonCode: DBS_LAPSED, details: { asOf }, occurredAt: now })
        suspended.push({ id: user.id, username: user.username, dbsCheckedOn: user.dbs_checked_on })
      } else {
        dueSoon.push({ id: user.id, username: user.username, dbsCheckedOn: user.dbs_checked_on as string, lapsesOn })
      }
    }
    return { asOf, suspended, dueSoon }
  }
}

/** Years on a calendar date; 29 February falls on 28 February in a common year. */
const addYears = birthdayAt

function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}
