// All SQL of shield override investigations: every override (shield_override, written when a user
// overrode a shield) is a case for the child's authority until the privacy officer closes it.
import type { Kysely, Transaction } from 'kysely'
import type { Database, OverrideOutcome, ShieldOverride } from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

export interface OverrideCase extends ShieldOverride {
  readonly contactpoint_id: string
  readonly user_display_name: string
  readonly user_job_title: string | null
  readonly organisation_name: string
  readonly closed_by_name: string | null
}

export class InvestigationRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async list(authorityId: string | null, status: 'open' | 'closed' | 'all', limit = 200): Promise<OverrideCase[]> {
    let query = this.#cases()
    if (authorityId !== null) query = query.where('s.authority_id', '=', authorityId)
    if (status !== 'all') query = query.where('s.status', '=', status)
    return query.orderBy('s.created_at', 'desc').limit(limit).execute()
  }

  async find(id: string): Promise<OverrideCase | undefined> {
    return this.#cases().where('s.id', '=', id).executeTakeFirst()
  }

  async close(id: string, by: string, outcomeCode: OverrideOutcome, outcome: string, now: Date, trx: Executor = this.#db): Promise<boolean> {
    const result = await trx.updateTable('shield_override').set({ status: 'closed', closed_at: now, closed_by_user_id: by, outcome_code: outcomeCode, outcome })
      .where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Overrides made in [from, to) and how many of them are still open, for one authority or all. */
  async counts(authorityId: string | null, from: Date, to: Date): Promise<{ made: number; open: number }> {
    let query = this.#db.selectFrom('shield_override').select((eb) => [eb.fn.countAll<string>().as('made'),
      eb.fn.count<string>('id').filterWhere('status', '=', 'open').as('open')]).where('created_at', '>=', from).where('created_at', '<', to)
    if (authorityId !== null) query = query.where('authority_id', '=', authorityId)
    const row = await query.executeTakeFirstOrThrow()
    return { made: Number(row.made), open: Number(row.open) }
  }

  #cases() {
    return this.#db.selectFrom('shield_override as s').innerJoin('child as c', 'c.id', 's.child_id').innerJoin('app_user as u', 'u.id', 's.user_id')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id').leftJoin('app_user as closer', 'closer.id', 's.closed_by_user_id')
      .selectAll('s').select(['c.contactpoint_id', 'u.display_name as user_display_name', 'u.job_title as user_job_title', 'o.name as organisation_name',
        'closer.display_name as closed_by_name'])
  }
}
