// Who has looked at a child: the audit events about the record, for the authority's privacy
// officers (child.view_access_log). Reading the log is itself audited.
import { AppError } from '../errors.ts'
import type { AuditEvent } from '../db/schema.ts'
import type { RecordRepository } from '../record/record.repository.ts'
import type { RequestContext } from '../people/sign-in.service.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import { originOf, type AuditRepository } from './audit.repository.ts'
import { decide } from './policy.ts'

export class AccessLogService {
  readonly #records: RecordRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { records: RecordRepository; audit: AuditRepository; clock: Clock }) {
    this.#records = d.records
    this.#audit = d.audit
    this.#clock = d.clock
  }

  async eventsAbout(actor: UserWithRoles, contactPointId: string, context: RequestContext, limit = 200): Promise<AuditEvent[]> {
    const found = /^\d{12}$/.test(contactPointId) ? await this.#records.resolve(contactPointId) : undefined
    const decision = found && decide(actor, 'child.view_access_log', {
      child: { responsibleAuthorityId: found.child.responsible_authority_id, shielded: found.child.shielded, status: found.child.status },
    })
    const who = { ...originOf(context), actorUserId: actor.id, actorOrganisationId: actor.organisation_id, subjectType: 'child', subjectId: contactPointId, occurredAt: this.#clock.now() }
    if (!found || !decision?.allowed) {
      await this.#audit.append({ ...who, action: 'child.view_access_log', outcome: 'denied', details: { reason: decision?.reason ?? 'no such child' } })
      if (!found || /another local authority/.test(decision?.reason ?? '')) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
      throw new AppError('forbidden', `You cannot see who viewed this record: ${decision?.reason ?? ''}`)
    }
    const events = await this.#audit.listForSubject('child', found.child.contactpoint_id, limit)
    await this.#audit.append({ ...who, action: 'child.view_access_log', outcome: 'success', details: { events: events.length } })
    return events
  }
}
