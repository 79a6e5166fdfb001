// All SQL of the audit pages: who accessed a child, what a user did, with names of people and
// organisations joined in for readers (the trail itself holds only identifiers).
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface AccessEntry {
  readonly seq: string
  readonly occurred_at: Date
  readonly action: string
  readonly outcome: string
  readonly channel: string
  readonly subject_type: string | null
  readonly subject_id: string | null
  readonly reason_code: string | null
  readonly reason_text: string | null
  readonly on_behalf_of: string | null
  readonly details: unknown
  readonly actor_user_id: string | null
  readonly actor_name: string | null
  readonly actor_job_title: string | null
  readonly organisation_name: string | null
}

export class AccessLogRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** The ContactPoint IDs a child's history is under: its own and those of records merged into it. */
  async idsOf(childId: string): Promise<string[]> {
    const rows = await this.#db.selectFrom('child').select('contactpoint_id')
      .where((eb) => eb.or([eb('id', '=', childId), eb('replaced_by_id', '=', childId)])).execute()
    return rows.map((r) => r.contactpoint_id)
  }

  /** Events about these children, newest first. */
  async forChildren(contactPointIds: readonly string[], limit: number): Promise<AccessEntry[]> {
    if (contactPointIds.length === 0) return []
    return this.#entries().where('e.subject_type', '=', 'child').where('e.subject_id', 'in', [...contactPointIds])
      .orderBy('e.seq', 'desc').limit(limit).execute() as Promise<AccessEntry[]>
  }

  /** What one user did, newest first. */
  async forUser(userId: string, limit: number): Promise<AccessEntry[]> {
    return this.#entries().where('e.actor_user_id', '=', userId).orderBy('e.seq', 'desc').limit(limit).execute() as Promise<AccessEntry[]>
  }

  /** A user and the authority they belong to (their organisation's, or the organisation itself for an authority). */
  async userWithAuthority(userId: string): Promise<{ id: string; display_name: string; job_title: string | null; organisation_name: string; authority_id: string | null; status: string } | undefined> {
    const row = await this.#db.selectFrom('app_user as u').innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.display_name', 'u.job_title', 'u.status', 'o.name as organisation_name', 'o.authority_id', 'o.kind', 'o.id as organisation_id'])
      .where('u.id', '=', userId).executeTakeFirst()
    if (!row) return undefined
    return { id: row.id, display_name: row.display_name, job_title: row.job_title, status: row.status, organisation_name: row.organisation_name,
      authority_id: row.kind === 'local_authority' ? row.organisation_id : row.authority_id }
  }

  #entries() {
    return this.#db.selectFrom('audit_event as e').leftJoin('app_user as u', 'u.id', 'e.actor_user_id').leftJoin('organisation as o', 'o.id', 'e.actor_organisation_id')
      .select(['e.seq', 'e.occurred_at', 'e.action', 'e.outcome', 'e.channel', 'e.subject_type', 'e.subject_id', 'e.reason_code', 'e.reason_text',
        'e.on_behalf_of', 'e.details', 'e.actor_user_id', 'u.display_name as actor_name', 'u.job_title as actor_job_title', 'o.name as organisation_name'])
  }
}
