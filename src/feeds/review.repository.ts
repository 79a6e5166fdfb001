// All SQL of the data-quality queue: possible matches waiting for a person, their decisions, and
// merges of two children (with what moved, so that a split can undo exactly that).
import type { Kysely, Transaction } from 'kysely'
import type { Database, MatchReview } from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

export interface QueueItem extends MatchReview {
  readonly child_contactpoint_id: string
  readonly other_contactpoint_id: string | null
  readonly source_code: string | null
  readonly record_id: string | null
}

export class ReviewRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async queue(authorityId: string, limit: number): Promise<QueueItem[]> {
    return this.#db.selectFrom('match_review as m')
      .innerJoin('child as c', 'c.id', 'm.child_id')
      .leftJoin('child as o', 'o.id', 'm.other_child_id')
      .leftJoin('source_record as r', 'r.id', 'm.source_record_id')
      .leftJoin('data_source as s', 's.id', 'r.source_id')
      .selectAll('m').select(['c.contactpoint_id as child_contactpoint_id', 'o.contactpoint_id as other_contactpoint_id', 's.code as source_code', 'r.record_id'])
      .where('m.authority_id', '=', authorityId).where('m.status', 'in', ['open', 'awaiting_approval'])
      .orderBy('m.created_at').orderBy('m.id').limit(limit).execute() as Promise<QueueItem[]>
  }

  async lock(id: string, trx: Transaction<Database>): Promise<MatchReview | undefined> {
    return trx.selectFrom('match_review').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  }

  async setStatus(id: string, change: { status: MatchReview['status']; decidedBy?: string; approvedBy?: string; now: Date }, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('match_review').set({
      status: change.status,
      ...(change.decidedBy ? { decided_by_user_id: change.decidedBy, decided_at: change.now } : {}),
      ...(change.approvedBy ? { approved_by_user_id: change.approvedBy, approved_at: change.now } : {}),
    }).where('id', '=', id).execute()
  }

  /** Other open proposals for the same held record end when one is decided 'same'. */
  async withdrawOthers(sourceRecordId: string, exceptId: string, userId: string, now: Date, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('match_review').set({ status: 'withdrawn', decided_by_user_id: userId, decided_at: now })
      .where('source_record_id', '=', sourceRecordId).where('id', '!=', exceptId).where('status', '=', 'open').execute()
  }

  async openForRecord(sourceRecordId: string, trx: Transaction<Database>): Promise<number> {
    const row = await trx.selectFrom('match_review').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('source_record_id', '=', sourceRecordId).where('status', '=', 'open').executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Moves everything of `from` to `into` and marks `from` merged; returns the records that moved. */
  async merge(from: string, into: string, trx: Transaction<Database>): Promise<string[]> {
    const moved = await trx.updateTable('record_link').set({ child_id: into }).where('child_id', '=', from).where('state', '=', 'linked')
      .returning('source_record_id').execute()
    await trx.deleteFrom('record_link').where('child_id', '=', from).execute()
    for (const table of ['involvement', 'carer', 'concern_marker'] as const) {
      await trx.updateTable(table).set({ child_id: into }).where('child_id', '=', from).execute()
    }
    await trx.updateTable('child').set({ status: 'merged', replaced_by_id: into, updated_at: new Date() }).where('id', '=', from).execute()
    // a shield on either child protects the merged record
    const shielded = await trx.selectFrom('child').select('shielded').where('id', '=', from).executeTakeFirstOrThrow()
    if (shielded.shielded) await trx.updateTable('child').set({ shielded: true }).where('id', '=', into).execute()
    return moved.map((m) => m.source_record_id)
  }

  async recordMerge(row: { from: string; into: string; reviewId: string | null; moved: readonly string[]; decidedBy: string; approvedBy: string }, trx: Transaction<Database>): Promise<string> {
    const r = await trx.insertInto('child_merge').values({
      merged_child_id: row.from, into_child_id: row.into, review_id: row.reviewId, moved_record_ids: [...row.moved],
      decided_by_user_id: row.decidedBy, approved_by_user_id: row.approvedBy,
    }).returning('id').executeTakeFirstOrThrow()
    return r.id
  }

  async lockMerge(id: string, trx: Transaction<Database>) {
    return trx.selectFrom('child_merge').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  }

  /** Undo a merge: the merged child lives again with the records (and what they brought) that moved. */
  async split(merge: { id: string; merged_child_id: string; moved_record_ids: string[] }, userId: string, now: Date, trx: Transaction<Database>): Promise<void> {
    const { merged_child_id: back, moved_record_ids: moved } = merge
    if (moved.length > 0) {
      await trx.updateTable('record_link').set({ child_id: back }).where('source_record_id', 'in', moved).where('state', '=', 'linked').execute()
      await trx.updateTable('involvement').set({ child_id: back }).where('source_record_id', 'in', moved).execute()
      await trx.updateTable('carer').set({ child_id: back }).where('source_record_id', 'in', moved).execute()
    }
    await trx.updateTable('child').set({ status: 'active', replaced_by_id: null, updated_at: now }).where('id', '=', back).execute()
    await trx.updateTable('child_merge').set({ split_at: now, split_by_user_id: userId }).where('id', '=', merge.id).execute()
  }

  async child(id: string, db: Executor = this.#db) {
    return db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async findChildByContactPointId(contactPointId: string) {
    return this.#db.selectFrom('child').selectAll().where('contactpoint_id', '=', contactPointId).executeTakeFirst()
  }

  /** The merge that made this child merged, following nothing further. */
  async activeMergeOf(mergedChildId: string) {
    return this.#db.selectFrom('child_merge').selectAll().where('merged_child_id', '=', mergedChildId).where('split_at', 'is', null).executeTakeFirst()
  }
}
