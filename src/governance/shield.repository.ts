// All SQL about shielding decisions.
import type { Transaction } from 'kysely'
import type { Database, ShieldReason } from '../db/schema.ts'

export interface NewShieldDecision {
  readonly childId: string
  readonly reason: ShieldReason
  readonly note?: string | null
  readonly decidedByUserId: string | null
  readonly reviewDueOn: string
}

export class ShieldRepository {
  async insertDecisions(rows: readonly NewShieldDecision[], trx: Transaction<Database>): Promise<void> {
    if (rows.length === 0) return
    await trx.insertInto('shield_decision').values(rows.map((r) => ({
      child_id: r.childId, reason: r.reason, note: r.note ?? null, decided_by_user_id: r.decidedByUserId,
      review_due_on: r.reviewDueOn, lifted_at: null, lifted_by_user_id: null,
    }))).execute()
  }
}
