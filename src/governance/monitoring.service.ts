// Misuse monitoring: runs the rules (monitoring-rules.ts) over a day of activity from the audit
// trail and files what they raise in the privacy officer's queue of the user's authority. A re-run
// of the same day adds nothing (each alert has a dedupe key), so the service's schedule and the
// CLI can both run it. Bulk harvesting far beyond the limit suspends the account at once, pending
// investigation; the privacy officer can suspend for any alert, and closes each with an outcome.
import type { Kysely } from 'kysely'
import type { AlertOutcome, Database, MonitoringAlert } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import type { SessionRepository } from '../people/session.repository.ts'
import type { UserRepository, UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { AuditRepository } from './audit.repository.ts'
import { addDays, governedAuthority, londonDay, londonMidnight, mayActOn, nextDay, type GovernanceContext } from './governance-access.ts'
import { THRESHOLDS, evaluateRules } from './monitoring-rules.ts'
import type { AlertRow, MonitoringRepository } from './monitoring.repository.ts'

export const ALERT_OUTCOMES: readonly { code: AlertOutcome; text: string }[] = [
  { code: 'legitimate', text: 'Legitimate use: the access was explained' },
  { code: 'training_needed', text: 'No misuse, but the user needs guidance or training' },
  { code: 'misuse_confirmed', text: 'Misuse confirmed: access removed and disciplinary process started' },
  { code: 'referred', text: 'Referred (to the employer, the data protection officer or the police)' },
]

export interface MonitoringRunReport {
  readonly day: string
  readonly events: number
  readonly raised: number
  readonly suspended: number
  readonly byRule: Readonly<Record<string, number>>
}

export class MonitoringService {
  readonly #db: Kysely<Database>
  readonly #repository: MonitoringRepository
  readonly #users: UserRepository
  readonly #sessions: SessionRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; repository: MonitoringRepository; users: UserRepository; sessions: SessionRepository; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#repository = d.repository
    this.#users = d.users
    this.#sessions = d.sessions
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** Runs every rule over one day in England (default today, up to now). */
  async run(day: string = londonDay(this.#clock.now())): Promise<MonitoringRunReport> {
    const now = this.#clock.now()
    const start = londonMidnight(day)
    const end = new Date(Math.min(londonMidnight(nextDay(day)).getTime(), now.getTime() + 1))
    const lookback = londonMidnight(addDays(day, -THRESHOLDS.repeatedViewsLookbackDays))
    const events = await this.#repository.activity(lookback, end)
    const inWindow = events.filter((e) => e.at >= start)
    const users = await this.#repository.userFacts([...new Set(inWindow.map((e) => e.userId))], londonMidnight(addDays(day, -28)), start)
    const children = await this.#repository.childFacts([...new Set(events.map((e) => e.childId).filter((c): c is string => c !== null))])
    const candidates = evaluateRules({ windowStart: start, windowEnd: end, windowLabel: day, events, users, children })
    const raised = await this.#repository.insertAlerts(candidates, { start, end }, now)
    let suspended = 0
    for (const alert of raised) {
      const candidate = candidates.find((c) => c.dedupeKey === alert.dedupe_key)
      await this.#audit.append({
        channel: 'system', action: 'alert.raise', outcome: 'success', subjectType: 'user', subjectId: alert.user_id,
        details: { alert: alert.id, rule: alert.rule, day }, occurredAt: now,
      })
      if (candidate?.suspend && await this.#suspend(alert, null, { clientIp: 'system', requestId: `monitoring-${day}`, channel: 'system' })) suspended += 1
    }
    const byRule: Record<string, number> = {}
    for (const alert of raised) byRule[alert.rule] = (byRule[alert.rule] ?? 0) + 1
    return { day, events: inWindow.length, raised: raised.length, suspended, byRule }
  }

  /** Yesterday (late events) and today: what the schedule runs. */
  async runDue(): Promise<MonitoringRunReport[]> {
    const today = londonDay(this.#clock.now())
    return [await this.run(addDays(today, -1)), await this.run(today)]
  }

  /** The actor's queue: their authority's alerts, never those about themselves. */
  async queue(actor: UserWithRoles, status: 'open' | 'closed' | 'all', context: GovernanceContext): Promise<{ authorityId: string | null; alerts: AlertRow[] }> {
    const authorityId = governedAuthority(actor, 'alert.investigate')
    await this.#record(actor, 'alert.list', null, context, { status })
    return { authorityId, alerts: await this.#repository.list(authorityId, { status, exceptUserId: actor.id }) }
  }

  async alert(actor: UserWithRoles, id: string, context: GovernanceContext): Promise<AlertRow> {
    const alert = await this.#authorised(actor, id, 'alert.view', context)
    await this.#record(actor, 'alert.view', alert.id, context, { rule: alert.rule })
    return alert
  }

  /** Suspends the user an alert is about, pending investigation (ends their sessions at once). */
  async suspendUser(actor: UserWithRoles, id: string, context: GovernanceContext): Promise<void> {
    const alert = await this.#authorised(actor, id, 'alert.suspend_user', context)
    if (alert.user_suspended_at) return
    await this.#suspend(alert, actor, context)
  }

  async close(actor: UserWithRoles, id: string, form: { outcome: string; note: string }, context: GovernanceContext): Promise<void> {
    const alert = await this.#authorised(actor, id, 'alert.close', context)
    const problems: FieldProblem[] = []
    if (!ALERT_OUTCOMES.some((o) => o.code === form.outcome)) problems.push({ field: 'outcome', message: 'Select the outcome of the investigation' })
    if (!form.note.trim()) problems.push({ field: 'note', message: 'Enter what the investigation found' })
    else if (form.note.trim().length > 2000) problems.push({ field: 'note', message: 'The finding must be 2,000 characters or fewer' })
    if (problems.length) throw validationFailed(problems)
    if (alert.status === 'closed') throw new AppError('conflict', 'This alert is already closed')
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      await this.#repository.close(alert.id, actor.id, form.outcome as AlertOutcome, form.note.trim(), now, trx)
      await this.#audit.append({
        channel: context.channel ?? 'web', action: 'alert.close', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'alert', subjectId: alert.id, reasonCode: form.outcome, reasonText: form.note.trim(), details: { rule: alert.rule, user: alert.user_id },
        clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
      }, trx)
    })
  }

  async #suspend(alert: MonitoringAlert, actor: UserWithRoles | null, context: GovernanceContext): Promise<boolean> {
    const user = await this.#users.findById(alert.user_id)
    if (!user || user.status !== 'active') return false
    const now = this.#clock.now()
    await this.#users.update(user.id, { status: 'suspended', status_reason: `Suspended pending investigation of monitoring alert ${alert.id}` })
    const ended = await this.#sessions.endAllForUser(user.id, 'account_not_active', now)
    await this.#repository.markSuspended(alert.id, now)
    await this.#audit.append({
      channel: context.channel ?? 'web', action: 'user.suspend', outcome: 'success', actorUserId: actor?.id ?? null, actorOrganisationId: actor?.organisation_id ?? null,
      subjectType: 'user', subjectId: user.id, reasonCode: 'monitoring_alert', details: { alert: alert.id, rule: alert.rule, sessionsEnded: ended },
      clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
    })
    return true
  }

  /** The alert, when the actor may investigate it: their authority's, and not about themselves. */
  async #authorised(actor: UserWithRoles, id: string, action: string, context: GovernanceContext): Promise<AlertRow> {
    const alert = /^[0-9a-f-]{36}$/.test(id) ? await this.#repository.find(id) : undefined
    if (!alert || alert.user_id === actor.id || !mayActOn(actor, 'alert.investigate', alert.authority_id)) {
      await this.#record(actor, action, id, context, {}, 'denied')
      throw new AppError('not_found', 'That alert was not found')
    }
    return alert
  }

  async #record(actor: UserWithRoles, action: string, alertId: string | null, context: GovernanceContext, details: Record<string, unknown>, outcome: 'success' | 'denied' = 'success'): Promise<void> {
    await this.#audit.append({
      channel: context.channel ?? 'web', action, outcome, actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
      subjectType: 'alert', subjectId: alertId, details, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#clock.now(),
    })
  }
}
