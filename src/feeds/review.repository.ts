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

/** One side of a proposal as the data manager compares it: a held record, or a child of the index. */
export interface ReviewSide {
  readonly kind: 'record' | 'child'
  readonly contactPointId: string | null
  readonly source: string | null
  readonly recordId: string | null
  readonly givenName: string
  readonly middleNames: string | null
  readonly familyName: string
  readonly formerFamilyNames: readonly string[]
  readonly dateOfBirth: string
  readonly gender: string | null
  readonly addressLines: readonly string[] | null
  readonly town: string | null
  readonly postcode: string | null
  readonly nhsNumber: string | null
  readonly upn: string | null
  readonly carers: readonly string[]
  readonly shielded: boolean
  readonly status: string | null
  /** the sources of the child's linked records (for a child) */
  readonly sources: readonly string[]
}

export interface ConflictItem {
  readonly id: string
  readonly child_id: string
  readonly contactpoint_id: string
  readonly field: string
  readonly values: unknown
  readonly created_at: Date
}

export interface MergeItem {
  readonly id: string
  readonly merged_contactpoint_id: string
  readonly into_contactpoint_id: string
  readonly records: number
  readonly merged_at: Date
  readonly split_at: Date | null
  readonly decided_by: string
  readonly approved_by: string
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

  async find(id: string, db: Executor = this.#db): Promise<QueueItem | undefined> {
    return db.selectFrom('match_review as m')
      .innerJoin('child as c', 'c.id', 'm.child_id')
      .leftJoin('child as o', 'o.id', 'm.other_child_id')
      .leftJoin('source_record as r', 'r.id', 'm.source_record_id')
      .leftJoin('data_source as s', 's.id', 'r.source_id')
      .selectAll('m').select(['c.contactpoint_id as child_contactpoint_id', 'o.contactpoint_id as other_contactpoint_id', 's.code as source_code', 'r.record_id'])
      .where('m.id', '=', id).executeTakeFirst() as Promise<QueueItem | undefined>
  }

  /** A held (or any) source record, as the supplier sent it. */
  async recordSide(sourceRecordId: string, db: Executor = this.#db): Promise<ReviewSide | undefined> {
    const r = await db.selectFrom('source_record as r').innerJoin('data_source as s', 's.id', 'r.source_id')
      .select(['s.name as source', 'r.record_id', 'r.given_name', 'r.middle_names', 'r.family_name', 'r.former_family_names', 'r.date_of_birth', 'r.gender',
        'r.address_lines', 'r.town', 'r.postcode', 'r.nhs_number', 'r.upn', 'r.carer_names'])
      .where('r.id', '=', sourceRecordId).executeTakeFirst()
    if (!r) return undefined
    return {
      kind: 'record', contactPointId: null, source: r.source, recordId: r.record_id, givenName: r.given_name ?? '', middleNames: r.middle_names,
      familyName: r.family_name ?? '', formerFamilyNames: r.former_family_names, dateOfBirth: r.date_of_birth ?? '', gender: r.gender,
      addressLines: r.address_lines, town: r.town, postcode: r.postcode, nhsNumber: r.nhs_number, upn: r.upn, carers: r.carer_names ? r.carer_names.split('; ') : [],
      shielded: false, status: null, sources: [r.source],
    }
  }

  /** A child of the index as it shows now (what survivorship made of its records). */
  async childSide(childId: string, db: Executor = this.#db): Promise<ReviewSide | undefined> {
    const c = await db.selectFrom('child').selectAll().where('id', '=', childId).executeTakeFirst()
    if (!c) return undefined
    const [address, identifiers, former, carers, sources] = await Promise.all([
      db.selectFrom('child_address').select(['lines', 'town', 'postcode']).where('child_id', '=', childId).where('is_current', '=', true).executeTakeFirst(),
      db.selectFrom('child_identifier').select(['scheme', 'value']).where('child_id', '=', childId).orderBy('scheme').orderBy('value').execute(),
      db.selectFrom('child_name').select('family_name').where('child_id', '=', childId).where('kind', '=', 'former').orderBy('family_name').execute(),
      db.selectFrom('carer').select(['given_name', 'family_name']).where('child_id', '=', childId).orderBy('family_name').orderBy('given_name').execute(),
      db.selectFrom('record_link as l').innerJoin('source_record as r', 'r.id', 'l.source_record_id').innerJoin('data_source as s', 's.id', 'r.source_id')
        .select('s.name').distinct().where('l.child_id', '=', childId).where('l.state', '=', 'linked').orderBy('s.name').execute(),
    ])
    const id = (scheme: string) => identifiers.filter((i) => i.scheme === scheme).map((i) => i.value).join(', ') || null
    return {
      kind: 'child', contactPointId: c.contactpoint_id, source: null, recordId: null, givenName: c.given_name, middleNames: c.middle_names,
      familyName: c.family_name, formerFamilyNames: former.map((f) => f.family_name), dateOfBirth: c.date_of_birth, gender: c.gender,
      addressLines: address?.lines ?? null, town: address?.town ?? null, postcode: address?.postcode ?? null, nhsNumber: id('nhs_number'), upn: id('upn'),
      carers: [...new Set(carers.map((k) => `${k.given_name} ${k.family_name}`))], shielded: c.shielded, status: c.status, sources: sources.map((x) => x.name),
    }
  }

  /** Open disagreements between sources about the authority's children. */
  async conflicts(authorityId: string, limit: number): Promise<ConflictItem[]> {
    return this.#db.selectFrom('record_conflict as k').innerJoin('child as c', 'c.id', 'k.child_id')
      .select(['k.id', 'k.child_id', 'c.contactpoint_id', 'k.field', 'k.values', 'k.created_at'])
      .where('c.responsible_authority_id', '=', authorityId).where('k.status', '=', 'open').where('c.status', '=', 'active')
      .orderBy('k.created_at').orderBy('k.id').limit(limit).execute()
  }

  async lockConflict(id: string, trx: Transaction<Database>) {
    return trx.selectFrom('record_conflict as k').innerJoin('child as c', 'c.id', 'k.child_id')
      .select(['k.id', 'k.status', 'k.field', 'c.contactpoint_id', 'c.responsible_authority_id']).where('k.id', '=', id).forUpdate('k').executeTakeFirst()
  }

  async resolveConflict(id: string, userId: string, now: Date, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('record_conflict').set({ status: 'resolved', resolved_by_user_id: userId, resolved_at: now }).where('id', '=', id).execute()
  }

  /** Merges of the authority's children, latest first, with who proposed and who approved each. */
  async merges(authorityId: string, limit: number): Promise<MergeItem[]> {
    return this.#db.selectFrom('child_merge as g')
      .innerJoin('child as m', 'm.id', 'g.merged_child_id').innerJoin('child as i', 'i.id', 'g.into_child_id')
      .innerJoin('app_user as d', 'd.id', 'g.decided_by_user_id').innerJoin('app_user as a', 'a.id', 'g.approved_by_user_id')
      .select((eb) => ['g.id', 'm.contactpoint_id as merged_contactpoint_id', 'i.contactpoint_id as into_contactpoint_id',
        eb.fn<number>('cardinality', ['g.moved_record_ids']).as('records'), 'g.merged_at', 'g.split_at', 'd.display_name as decided_by', 'a.display_name as approved_by'])
      .where('i.responsible_authority_id', '=', authorityId).orderBy('g.merged_at', 'desc').orderBy('g.id').limit(limit).execute()
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
