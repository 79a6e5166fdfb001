// All SQL about shielding decisions.
import type { Kysely, Transaction } from 'kysely'
import type { Database, ShieldReason } from '../db/schema.ts'

export interface NewShieldDecision {
  readonly childId: string
  readonly reason: ShieldReason
  readonly note?: string | null
  readonly decidedByUserId: string | null
  readonly reviewDueOn: string
}

export interface OpenShield {
  readonly id: string
  readonly childId: string
  readonly contactPointId: string
  readonly reason: ShieldReason
  readonly decidedAt: Date
  readonly reviewDueOn: string
}

export class ShieldRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async openDecision(childId: string, db: Kysely<Database> | Transaction<Database> = this.#db): Promise<OpenShield | undefined> {
    const row = await db.selectFrom('shield_decision as d').innerJoin('child as c', 'c.id', 'd.child_id')
      .select(['d.id', 'd.child_id', 'c.contactpoint_id', 'd.reason', 'd.decided_at', 'd.review_due_on'])
      .where('d.child_id', '=', childId).where('d.lifted_at', 'is', null).executeTakeFirst()
    return row ? { id: row.id, childId: row.child_id, contactPointId: row.contactpoint_id, reason: row.reason, decidedAt: row.decided_at, reviewDueOn: row.review_due_on } : undefined
  }

  async lift(decisionId: string, userId: string, now: Date, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('shield_decision').set({ lifted_at: now, lifted_by_user_id: userId }).where('id', '=', decisionId).execute()
  }

  async setChildShielded(childId: string, shielded: boolean, now: Date, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('child').set((eb) => ({ shielded, updated_at: now, version: eb('version', '+', 1) })).where('id', '=', childId).execute()
  }

  /** Open shields of an authority's children whose review is due on or before `asOf`, oldest first. */
  async reviewsDue(authorityId: string, asOf: string): Promise<OpenShield[]> {
    const rows = await this.#db.selectFrom('shield_decision as d').innerJoin('child as c', 'c.id', 'd.child_id')
      .select(['d.id', 'd.child_id', 'c.contactpoint_id', 'd.reason', 'd.decided_at', 'd.review_due_on'])
      .where('c.responsible_authority_id', '=', authorityId).where('d.lifted_at', 'is', null).where('d.review_due_on', '<=', asOf)
      .orderBy('d.review_due_on').execute()
    return rows.map((row) => ({ id: row.id, childId: row.child_id, contactPointId: row.contactpoint_id, reason: row.reason, decidedAt: row.decided_at, reviewDueOn: row.review_due_on }))
  }

  async insertDecisions(rows: readonly NewShieldDecision[], trx: Transaction<Database>): Promise<void> {
    if (rows.length === 0) return
    await trx.insertInto('shield_decision').values(rows.map((r) => ({
      child_id: r.childId, reason: r.reason, note: r.note ?? null, decided_by_user_id: r.decidedByUserId,
      review_due_on: r.reviewDueOn, lifted_at: null, lifted_by_user_id: null,
    }))).execute()
  }
}
