// All SQL of misuse monitoring: the activity of a window read from the audit trail, the facts the
// rules need about users and children, and the alerts themselves.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { AlertOutcome, Database, MonitoringAlert, MonitoringRule } from '../db/schema.ts'
import type { ActivityEvent, AlertCandidate, ChildFactsForMonitoring, UserFacts } from './monitoring-rules.ts'
import { familyNameOf } from './monitoring-rules.ts'

type Executor = Kysely<Database> | Transaction<Database>

const AUTHORITY_ROLES = ['authority_data_manager', 'authority_user_admin', 'authority_privacy_officer'] as const

export interface AlertRow extends MonitoringAlert {
  readonly user_display_name: string
  readonly user_username: string
  readonly user_status: string
  readonly organisation_name: string
}

export class MonitoringRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Searches, views and overrides by people in [from, to), in chain order. */
  async activity(from: Date, to: Date): Promise<ActivityEvent[]> {
    const rows = await this.#db.selectFrom('audit_event')
      .select(['seq', 'occurred_at', 'actor_user_id', 'action', 'subject_id', 'details'])
      .where('occurred_at', '>=', from).where('occurred_at', '<', to)
      .where('action', 'in', ['child.search', 'child.view', 'child.override_shield']).where('outcome', '=', 'success')
      .where('actor_user_id', 'is not', null).orderBy('seq').execute()
    return rows.map((r) => {
      const d = (r.details ?? {}) as { restricted?: boolean; shielded?: number; ownSurname?: boolean; ownStreet?: boolean }
      return {
        seq: String(r.seq), at: r.occurred_at, userId: r.actor_user_id as string, action: r.action as ActivityEvent['action'],
        childId: r.action === 'child.search' ? null : r.subject_id,
        ...(d.restricted ? { restricted: true } : {}), ...(d.shielded ? { shieldedResults: d.shielded } : {}),
        ...(d.ownSurname ? { ownSurname: true } : {}), ...(d.ownStreet ? { ownStreet: true } : {}),
      }
    })
  }

  async userFacts(userIds: readonly string[], nightsFrom: Date, nightsTo: Date): Promise<Map<string, UserFacts>> {
    if (userIds.length === 0) return new Map()
    const users = await this.#db.selectFrom('app_user as u').innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.display_name', 'u.home_street', 'u.home_postcode', 'u.organisation_id', 'o.authority_id', 'o.kind'])
      .where('u.id', 'in', [...userIds]).execute()
    const roles = await this.#db.selectFrom('user_role').select(['user_id', 'role', 'authority_id']).where('user_id', 'in', [...userIds]).execute()
    // Nights (in England) with a search or view at unusual hours: each user's own pattern.
    const nights = await sql<{ user_id: string; nights: string }>`
      SELECT actor_user_id AS user_id, count(DISTINCT date(occurred_at AT TIME ZONE 'Europe/London' - interval '6 hours'))::text AS nights
      FROM audit_event
      WHERE occurred_at >= ${nightsFrom} AND occurred_at < ${nightsTo} AND actor_user_id = ANY(${[...userIds]}::uuid[])
        AND action IN ('child.search', 'child.view')
        AND (extract(hour FROM occurred_at AT TIME ZONE 'Europe/London') >= 22 OR extract(hour FROM occurred_at AT TIME ZONE 'Europe/London') < 6)
      GROUP BY actor_user_id`.execute(this.#db)
    const nightsOf = new Map(nights.rows.map((r) => [r.user_id, Number(r.nights)]))
    return new Map(users.map((u) => {
      const own = roles.filter((r) => r.user_id === u.id)
      const authorityId = own.find((r) => r.authority_id !== null)?.authority_id ?? (u.kind === 'local_authority' ? u.organisation_id : u.authority_id)
      return [u.id, {
        id: u.id, authorityId: authorityId ?? null, organisationId: u.organisation_id,
        authorityRoleIn: own.filter((r) => (AUTHORITY_ROLES as readonly string[]).includes(r.role) && r.authority_id).map((r) => r.authority_id as string),
        familyName: familyNameOf(u.display_name), homeStreet: u.home_street, homePostcode: u.home_postcode, nightsActiveBefore: nightsOf.get(u.id) ?? 0,
      }]
    }))
  }

  async childFacts(contactPointIds: readonly string[]): Promise<Map<string, ChildFactsForMonitoring>> {
    if (contactPointIds.length === 0) return new Map()
    const children = await this.#db.selectFrom('child as c')
      .leftJoin('child_address as a', (join) => join.onRef('a.child_id', '=', 'c.id').on('a.is_current', '=', true))
      .select(['c.id', 'c.contactpoint_id', 'c.responsible_authority_id', 'c.shielded', 'c.family_name', 'a.lines', 'a.postcode'])
      .where('c.contactpoint_id', 'in', [...contactPointIds]).execute()
    const involvements = children.length === 0 ? [] : await this.#db.selectFrom('involvement')
      .select(['child_id', 'organisation_id', 'practitioner_user_id']).where('child_id', 'in', children.map((c) => c.id)).execute()
    return new Map(children.map((c) => {
      const own = involvements.filter((i) => i.child_id === c.id)
      return [c.contactpoint_id, {
        contactPointId: c.contactpoint_id, authorityId: c.responsible_authority_id, shielded: c.shielded, familyName: c.family_name,
        street: c.lines?.[0] ?? null, postcode: c.postcode ?? null,
        involvedOrganisationIds: new Set(own.map((i) => i.organisation_id)),
        involvedUserIds: new Set(own.map((i) => i.practitioner_user_id).filter((id): id is string => id !== null)),
      }]
    }))
  }

  /** Inserts the alerts not already raised (by dedupe key); returns those inserted. */
  async insertAlerts(candidates: readonly AlertCandidate[], window: { start: Date; end: Date }, now: Date, trx: Executor = this.#db): Promise<MonitoringAlert[]> {
    if (candidates.length === 0) return []
    return trx.insertInto('monitoring_alert').values(candidates.map((c) => ({
      authority_id: c.authorityId, user_id: c.userId, rule: c.rule, window_start: window.start, window_end: window.end, summary: c.summary,
      evidence: JSON.stringify(c.evidence), dedupe_key: c.dedupeKey, raised_at: now, user_suspended_at: null, closed_at: null,
      closed_by_user_id: null, outcome_code: null, outcome: null,
    }))).onConflict((oc) => oc.column('dedupe_key').doNothing()).returningAll().execute()
  }

  async markSuspended(alertId: string, now: Date, trx: Executor = this.#db): Promise<void> {
    await trx.updateTable('monitoring_alert').set({ user_suspended_at: now }).where('id', '=', alertId).execute()
  }

  /** An authority's alerts (null: the national queue), newest first, never those about `exceptUserId`. */
  async list(authorityId: string | null, options: { status: 'open' | 'closed' | 'all'; exceptUserId: string; limit?: number }): Promise<AlertRow[]> {
    let query = this.#alerts().where('m.user_id', '<>', options.exceptUserId)
    query = authorityId === null ? query.where('m.authority_id', 'is', null) : query.where('m.authority_id', '=', authorityId)
    if (options.status !== 'all') query = query.where('m.status', '=', options.status)
    return query.orderBy('m.raised_at', 'desc').limit(options.limit ?? 200).execute()
  }

  async find(id: string): Promise<AlertRow | undefined> {
    return this.#alerts().where('m.id', '=', id).executeTakeFirst()
  }

  async close(id: string, by: string, outcomeCode: AlertOutcome, outcome: string, now: Date, trx: Executor = this.#db): Promise<boolean> {
    const result = await trx.updateTable('monitoring_alert').set({ status: 'closed', closed_at: now, closed_by_user_id: by, outcome_code: outcomeCode, outcome })
      .where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Alerts raised in [from, to) by rule, for one authority or nationally (null). */
  async countByRule(authorityId: string | null, from: Date, to: Date): Promise<{ rule: MonitoringRule; raised: number; closed: number }[]> {
    let query = this.#db.selectFrom('monitoring_alert').select(['rule', (eb) => eb.fn.countAll<string>().as('raised'),
      sql<string>`count(*) FILTER (WHERE status = 'closed')`.as('closed')])
      .where('raised_at', '>=', from).where('raised_at', '<', to).groupBy('rule')
    if (authorityId !== null) query = query.where('authority_id', '=', authorityId)
    return (await query.execute()).map((r) => ({ rule: r.rule, raised: Number(r.raised), closed: Number(r.closed) }))
  }

  #alerts() {
    return this.#db.selectFrom('monitoring_alert as m').innerJoin('app_user as u', 'u.id', 'm.user_id').innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .selectAll('m').select(['u.display_name as user_display_name', 'u.username as user_username', 'u.status as user_status', 'o.name as organisation_name'])
  }
}
