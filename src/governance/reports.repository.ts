// All SQL of the management information and workforce readiness reports: counts only, by authority
// (the organisations that belong to it) or nationally (authorityId null).
import { sql, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface DailyCount { readonly day: string; readonly searches: number; readonly views: number }

export interface UsageCounts {
  readonly searches: number
  readonly views: number
  readonly restrictedViews: number
  readonly denied: number
  readonly signIns: number
  readonly activeUsers: number
  readonly errorReports: number
  readonly daily: readonly DailyCount[]
}

export interface WorkforceRow {
  readonly authority_id: string | null
  readonly authority_name: string | null
  readonly kind: string
  readonly organisations: number
  readonly potential: number | null
  readonly registered: number
  readonly active: number
  readonly suspended: number
  readonly dbs_valid: number
  readonly dbs_due: number
  readonly dbs_lapsed: number
  readonly trained: number
  readonly agreement: number
  readonly web: number
  readonly cms: number
  readonly both: number
}

export class ReportsRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async authorities(): Promise<{ id: string; code: string; name: string }[]> {
    return this.#db.selectFrom('organisation').select(['id', 'code', 'name']).where('kind', '=', 'local_authority').orderBy('name').execute()
  }

  async authority(codeOrId: string): Promise<{ id: string; code: string; name: string } | undefined> {
    const isUuid = /^[0-9a-f-]{36}$/.test(codeOrId)
    return this.#db.selectFrom('organisation').select(['id', 'code', 'name']).where('kind', '=', 'local_authority')
      .where((eb) => eb.or([eb('code', '=', codeOrId), eb('la_number', '=', codeOrId), ...(isUuid ? [eb('id', '=', codeOrId)] : [])])).executeTakeFirst()
  }

  /** What users of the authority's organisations did in [from, to), from the audit trail. */
  async usage(authorityId: string | null, from: Date, to: Date): Promise<UsageCounts> {
    const scope = authorityId === null ? sql<SqlBool>`true`
      : sql<SqlBool>`e.actor_organisation_id IN (SELECT id FROM organisation WHERE id = ${authorityId} OR authority_id = ${authorityId})`
    const totals = await sql<Record<string, string>>`
      SELECT count(*) FILTER (WHERE action = 'child.search' AND outcome = 'success') AS searches,
             count(*) FILTER (WHERE action = 'child.view' AND outcome = 'success') AS views,
             count(*) FILTER (WHERE action = 'child.view' AND outcome = 'success' AND details->>'restricted' = 'true') AS restricted_views,
             count(*) FILTER (WHERE outcome = 'denied' AND action LIKE 'child.%') AS denied,
             count(*) FILTER (WHERE action = 'auth.sign_in' AND outcome = 'success') AS sign_ins,
             count(DISTINCT actor_user_id) FILTER (WHERE action IN ('child.search', 'child.view') AND outcome = 'success') AS active_users,
             count(*) FILTER (WHERE action = 'child.report_error' AND outcome = 'success') AS error_reports
      FROM audit_event e WHERE e.occurred_at >= ${from} AND e.occurred_at < ${to} AND ${scope}`.execute(this.#db)
    const daily = await sql<{ day: string; searches: string; views: string }>`
      SELECT to_char(date(e.occurred_at AT TIME ZONE 'Europe/London'), 'YYYY-MM-DD') AS day,
             count(*) FILTER (WHERE action = 'child.search') AS searches, count(*) FILTER (WHERE action = 'child.view') AS views
      FROM audit_event e WHERE e.occurred_at >= ${from} AND e.occurred_at < ${to} AND e.outcome = 'success'
        AND e.action IN ('child.search', 'child.view') AND ${scope}
      GROUP BY 1 ORDER BY 1`.execute(this.#db)
    const t = totals.rows[0] ?? {}
    const n = (key: string): number => Number(t[key] ?? 0)
    return {
      searches: n('searches'), views: n('views'), restrictedViews: n('restricted_views'), denied: n('denied'), signIns: n('sign_ins'),
      activeUsers: n('active_users'), errorReports: n('error_reports'),
      daily: daily.rows.map((r) => ({ day: r.day, searches: Number(r.searches), views: Number(r.views) })),
    }
  }

  /** Accounts of the authority (or all) now: by status. */
  async users(authorityId: string | null, from: Date, to: Date): Promise<{ active: number; suspended: number; invited: number; registeredInPeriod: number }> {
    let query = this.#db.selectFrom('app_user as u').innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select((eb) => [
        eb.fn.count<string>('u.id').filterWhere('u.status', '=', 'active').as('active'),
        eb.fn.count<string>('u.id').filterWhere('u.status', '=', 'suspended').as('suspended'),
        eb.fn.count<string>('u.id').filterWhere('u.status', '=', 'invited').as('invited'),
        eb.fn.count<string>('u.id').filterWhere((w) => w.and([w('u.created_at', '>=', from), w('u.created_at', '<', to)])).as('registered'),
      ]).where('u.kind', '=', 'person')
    if (authorityId !== null) query = query.where((eb) => eb.or([eb('o.id', '=', authorityId), eb('o.authority_id', '=', authorityId)]))
    const row = await query.executeTakeFirstOrThrow()
    return { active: Number(row.active), suspended: Number(row.suspended), invited: Number(row.invited), registeredInPeriod: Number(row.registered) }
  }

  /** Live children, and the data-quality work open now. */
  async dataQuality(authorityId: string | null): Promise<{ children: number; shielded: number; openReviews: number; openConflicts: number }> {
    const scope = (column: string) => authorityId === null ? sql<SqlBool>`true` : sql<SqlBool>`${sql.ref(column)} = ${authorityId}`
    const row = (await sql<Record<string, string>>`
      SELECT (SELECT count(*) FROM child c WHERE c.status = 'active' AND ${scope('c.responsible_authority_id')}) AS children,
             (SELECT count(*) FROM child c WHERE c.status = 'active' AND c.shielded AND ${scope('c.responsible_authority_id')}) AS shielded,
             (SELECT count(*) FROM match_review r WHERE r.status IN ('open', 'awaiting_approval') AND ${scope('r.authority_id')}) AS open_reviews,
             (SELECT count(*) FROM record_conflict k JOIN child c ON c.id = k.child_id WHERE k.status = 'open' AND ${scope('c.responsible_authority_id')}) AS open_conflicts
    `.execute(this.#db)).rows[0] ?? {}
    return { children: Number(row.children ?? 0), shielded: Number(row.shielded ?? 0), openReviews: Number(row.open_reviews ?? 0), openConflicts: Number(row.open_conflicts ?? 0) }
  }

  /**
   * Workforce readiness: per authority and kind of organisation (agency), the estimated potential
   * users, registered users by status, DBS check (valid, lapsing within 90 days, lapsed or missing),
   * training and agreement, and access channel. People only; system accounts are not workforce.
   */
  async workforce(authorityId: string | null, asOf: string): Promise<WorkforceRow[]> {
    const scope = authorityId === null ? sql<SqlBool>`true` : sql<SqlBool>`coalesce(o.authority_id, o.id) = ${authorityId}`
    const rows = await sql<Record<string, string | null>>`
      WITH orgs AS (
        SELECT o.id, o.kind, o.potential_users, CASE WHEN o.kind = 'local_authority' THEN o.id ELSE o.authority_id END AS authority_id
        FROM organisation o WHERE o.accreditation_status IN ('accredited', 'suspended', 'pending') AND o.kind <> 'national_body' AND ${scope}
      ), people AS (
        SELECT u.status, u.dbs_checked_on, u.training_completed_on, u.agreement_signed_on, u.access_channel, orgs.kind, orgs.authority_id
        FROM app_user u JOIN orgs ON orgs.id = u.organisation_id
        WHERE u.kind = 'person' AND u.status <> 'removed'
      )
      SELECT g.authority_id, a.name AS authority_name, g.kind, g.organisations, g.potential,
             coalesce(p.registered, 0) AS registered, coalesce(p.active, 0) AS active, coalesce(p.suspended, 0) AS suspended,
             coalesce(p.dbs_valid, 0) AS dbs_valid, coalesce(p.dbs_due, 0) AS dbs_due, coalesce(p.dbs_lapsed, 0) AS dbs_lapsed,
             coalesce(p.trained, 0) AS trained, coalesce(p.agreement, 0) AS agreement,
             coalesce(p.web, 0) AS web, coalesce(p.cms, 0) AS cms, coalesce(p.both, 0) AS both
      FROM (SELECT authority_id, kind, count(*) AS organisations, sum(potential_users) AS potential FROM orgs GROUP BY authority_id, kind) g
      LEFT JOIN (
        SELECT authority_id, kind, count(*) AS registered,
               count(*) FILTER (WHERE status = 'active') AS active, count(*) FILTER (WHERE status = 'suspended') AS suspended,
               count(*) FILTER (WHERE dbs_checked_on + interval '3 years' > ${asOf}::date + interval '90 days') AS dbs_valid,
               count(*) FILTER (WHERE dbs_checked_on + interval '3 years' > ${asOf}::date AND dbs_checked_on + interval '3 years' <= ${asOf}::date + interval '90 days') AS dbs_due,
               count(*) FILTER (WHERE dbs_checked_on IS NULL OR dbs_checked_on + interval '3 years' <= ${asOf}::date) AS dbs_lapsed,
               count(*) FILTER (WHERE training_completed_on IS NOT NULL) AS trained,
               count(*) FILTER (WHERE agreement_signed_on IS NOT NULL) AS agreement,
               count(*) FILTER (WHERE access_channel = 'web') AS web, count(*) FILTER (WHERE access_channel = 'cms') AS cms,
               count(*) FILTER (WHERE access_channel = 'both') AS both
        FROM people GROUP BY authority_id, kind
      ) p ON p.authority_id IS NOT DISTINCT FROM g.authority_id AND p.kind = g.kind
      LEFT JOIN organisation a ON a.id = g.authority_id
      ORDER BY a.name NULLS LAST, g.kind`.execute(this.#db)
    const num = (v: string | null | undefined): number => Number(v ?? 0)
    return rows.rows.map((r) => ({
      authority_id: r.authority_id ?? null, authority_name: r.authority_name ?? null, kind: r.kind as string, organisations: num(r.organisations),
      potential: r.potential === null || r.potential === undefined ? null : num(r.potential), registered: num(r.registered), active: num(r.active),
      suspended: num(r.suspended), dbs_valid: num(r.dbs_valid), dbs_due: num(r.dbs_due), dbs_lapsed: num(r.dbs_lapsed), trained: num(r.trained),
      agreement: num(r.agreement), web: num(r.web), cms: num(r.cms), both: num(r.both),
    }))
  }

  async setPotentialUsers(organisationId: string, potential: number | null): Promise<boolean> {
    const result = await this.#db.updateTable('organisation').set({ potential_users: potential, updated_at: new Date() }).where('id', '=', organisationId).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async organisationByCode(code: string): Promise<{ id: string; name: string; authority_id: string | null; kind: string } | undefined> {
    return this.#db.selectFrom('organisation').select(['id', 'name', 'authority_id', 'kind']).where('code', '=', code).executeTakeFirst()
  }
}
