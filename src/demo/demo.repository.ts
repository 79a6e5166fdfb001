// SQL the demo loader needs after the feeds are in: addresses to shield, social-care contacts for
// markers, and totals for its summary.
import type { Kysely, Transaction } from 'kysely'
import type { Database, ShieldReason } from '../db/schema.ts'

const EXTRAS_KEY = 'demo.extras'

export class DemoRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async extrasDone(trx: Transaction<Database>): Promise<boolean> {
    return (await trx.selectFrom('system_state').select('key').where('key', '=', EXTRAS_KEY).executeTakeFirst()) !== undefined
  }

  async extrasCounts(trx: Transaction<Database>): Promise<{ shielded: number; markers: number }> {
    const row = await trx.selectFrom('system_state').select('value').where('key', '=', EXTRAS_KEY).executeTakeFirstOrThrow()
    return row.value as { shielded: number; markers: number }
  }

  async currentAddresses(trx: Transaction<Database>): Promise<{ child_id: string; lines: string[]; postcode: string | null }[]> {
    return trx.selectFrom('child_address').select(['child_id', 'lines', 'postcode']).where('is_current', '=', true).orderBy('child_id').execute()
  }

  async shield(childIds: readonly string[], reasonOf: (childId: string) => ShieldReason, reviewDueOn: string, trx: Transaction<Database>): Promise<void> {
    if (childIds.length === 0) return
    for (let i = 0; i < childIds.length; i += 1000) {
      const ids = childIds.slice(i, i + 1000)
      await trx.updateTable('child').set({ shielded: true }).where('id', 'in', ids).execute()
      await trx.insertInto('shield_decision').values(ids.map((id) => ({ child_id: id, reason: reasonOf(id), review_due_on: reviewDueOn, decided_by_user_id: null }))).execute()
    }
  }

  /** One open social-care involvement with a named practitioner per child of the authority. */
  async socialCareContacts(authorityId: string, trx: Transaction<Database>): Promise<{ child_id: string; organisation_id: string; practitioner_name: string; phone: string | null; email: string | null }[]> {
    const rows = await trx.selectFrom('involvement as i').innerJoin('child as c', 'c.id', 'i.child_id')
      .select(['i.child_id', 'i.organisation_id', 'i.practitioner_name', 'i.phone', 'i.email'])
      .where('c.responsible_authority_id', '=', authorityId).where('i.service_type', '=', 'childrens_social_care')
      .where('i.ended_on', 'is', null).where('i.practitioner_name', 'is not', null)
      .where((eb) => eb.or([eb('i.phone', 'is not', null), eb('i.email', 'is not', null)]))
      .orderBy('i.child_id').orderBy('i.id').execute()
    const seen = new Set<string>()
    return rows.filter((r) => !seen.has(r.child_id) && seen.add(r.child_id)).map((r) => ({ ...r, practitioner_name: r.practitioner_name as string }))
  }

  async markExtrasDone(counts: { shielded: number; markers: number }, trx: Transaction<Database>): Promise<void> {
    await trx.insertInto('system_state').values({ key: EXTRAS_KEY, value: JSON.stringify(counts) }).execute()
  }

  async totals(): Promise<{ sourceRecords: number; involvements: number; openReviews: number }> {
    const [records, involvements, reviews] = await Promise.all([
      this.#db.selectFrom('source_record').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      this.#db.selectFrom('involvement').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      this.#db.selectFrom('match_review').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow(),
    ])
    return { sourceRecords: Number(records.n), involvements: Number(involvements.n), openReviews: Number(reviews.n) }
  }
}
