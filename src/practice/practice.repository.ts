// All SQL about what practitioners record: involvements, carers supplied with them, and cause-for-concern markers.
import type { Kysely, Transaction } from 'kysely'
import type { Database, Involvement, NewCarer, NewInvolvement } from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

export interface NewMarker {
  readonly childId: string
  readonly organisationId: string
  readonly setByUserId: string
  readonly contactName: string
  readonly contactPhone?: string | null
  readonly contactEmail?: string | null
}

export class PracticeRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insertInvolvements(rows: readonly NewInvolvement[], db: Executor = this.#db): Promise<Involvement[]> {
    if (rows.length === 0) return []
    return db.insertInto('involvement').values([...rows]).returningAll().execute()
  }

  async endInvolvement(id: string, endedOn: string): Promise<boolean> {
    const result = await this.#db.updateTable('involvement').set({ ended_on: endedOn, updated_at: new Date() })
      .where('id', '=', id).where('ended_on', 'is', null).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async insertCarers(rows: readonly NewCarer[], db: Executor = this.#db): Promise<void> {
    if (rows.length) await db.insertInto('carer').values([...rows]).execute()
  }

  async setMarker(marker: NewMarker): Promise<string> {
    const row = await this.#db.insertInto('concern_marker').values({
      child_id: marker.childId, organisation_id: marker.organisationId, set_by_user_id: marker.setByUserId,
      contact_name: marker.contactName, contact_phone: marker.contactPhone ?? null, contact_email: marker.contactEmail ?? null,
      removed_at: null, removed_by_user_id: null,
    }).returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  async insertMarkers(markers: readonly NewMarker[], db: Executor = this.#db): Promise<void> {
    if (markers.length === 0) return
    await db.insertInto('concern_marker').values(markers.map((m) => ({
      child_id: m.childId, organisation_id: m.organisationId, set_by_user_id: m.setByUserId, contact_name: m.contactName,
      contact_phone: m.contactPhone ?? null, contact_email: m.contactEmail ?? null, removed_at: null, removed_by_user_id: null,
    }))).execute()
  }

  async removeMarker(id: string, removedByUserId: string): Promise<boolean> {
    const result = await this.#db.updateTable('concern_marker').set({ removed_at: new Date(), removed_by_user_id: removedByUserId })
      .where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }
}
