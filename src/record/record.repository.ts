// All SQL of opening a child's record that the children repository does not already answer: the
// live record behind an ID (following merges), the authority's contact details, source names,
// and shield overrides (the alert the authority investigates).
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Child, Database, Organisation, ShieldOverride } from '../db/schema.ts'

export interface NewShieldOverride {
  readonly childId: string
  readonly authorityId: string
  readonly userId: string
  readonly sessionId: string
  readonly reasonCode: string
  readonly reasonText: string
  readonly createdAt: Date
}

export class RecordRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** The child an ID names; for a merged record, the record that replaced it (followed to the end). */
  async resolve(contactPointId: string): Promise<{ child: Child; mergedFrom: string | null } | undefined> {
    const named = await this.#db.selectFrom('child').select(['id', 'status', 'contactpoint_id']).where('contactpoint_id', '=', contactPointId).executeTakeFirst()
    if (!named) return undefined
    const finalId = named.status === 'merged'
      ? (await sql<{ id: string | null }>`SELECT child_final_id(${named.id}::uuid) AS id`.execute(this.#db)).rows[0]?.id ?? null
      : named.id
    if (!finalId) return undefined
    const child = await this.#db.selectFrom('child').selectAll().where('id', '=', finalId).executeTakeFirst()
    return child ? { child, mergedFrom: child.id === named.id ? null : named.contactpoint_id } : undefined
  }

  async organisation(id: string): Promise<Organisation | undefined> {
    return this.#db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** Every data source's code and name (a short list: one per national feed and local system). */
  async sourceNames(): Promise<Map<string, string>> {
    const rows = await this.#db.selectFrom('data_source').select(['code', 'name']).execute()
    return new Map(rows.map((r) => [r.code, r.name]))
  }

  /** Email addresses of organisations (involvements carry a phone number of their own organisation only). */
  async organisationEmails(ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map()
    const rows = await this.#db.selectFrom('organisation').select(['id', 'email']).where('id', 'in', [...ids]).execute()
    return new Map(rows.map((r) => [r.id, r.email]))
  }

  /** The override this session made for this child, if any: an override lasts for the session that made it. */
  async overrideInSession(sessionId: string, childId: string): Promise<ShieldOverride | undefined> {
    return this.#db.selectFrom('shield_override').selectAll().where('session_id', '=', sessionId).where('child_id', '=', childId)
      .orderBy('created_at', 'desc').limit(1).executeTakeFirst()
  }

  async insertOverride(override: NewShieldOverride, trx: Transaction<Database>): Promise<ShieldOverride> {
    return trx.insertInto('shield_override').values({
      child_id: override.childId, authority_id: override.authorityId, user_id: override.userId, session_id: override.sessionId,
      reason_code: override.reasonCode, reason_text: override.reasonText, created_at: override.createdAt, closed_at: null,
      closed_by_user_id: null, outcome: null,
    }).returningAll().executeTakeFirstOrThrow()
  }

  /** Open overrides of an authority's children, newest first: the governance team's queue. */
  async openOverrides(authorityId: string): Promise<ShieldOverride[]> {
    return this.#db.selectFrom('shield_override').selectAll().where('authority_id', '=', authorityId).where('status', '=', 'open')
      .orderBy('created_at', 'desc').execute()
  }

  /**
   * The user's latest view of this child since `since` that was not denied: continuing with a
   * record after recording something reuses the reason given then (and is audited as a new view).
   */
  async recentView(userId: string, contactPointId: string, since: Date): Promise<{ reason_code: string | null; reason_text: string | null } | undefined> {
    return this.#db.selectFrom('audit_event').select(['reason_code', 'reason_text'])
      .where('actor_user_id', '=', userId).where('subject_type', '=', 'child').where('subject_id', '=', contactPointId)
      .where('action', '=', 'child.view').where('outcome', '=', 'success').where('occurred_at', '>=', since)
      .orderBy('seq', 'desc').limit(1).executeTakeFirst()
  }
}
