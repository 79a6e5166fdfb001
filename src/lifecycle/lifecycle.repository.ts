// All SQL of the lifecycle job: the records a rule may apply to, archiving, deletion with everything
// that hangs off a record, transfers between authorities, and the postcode-district map. The job
// decides which records are due (src/children/lifecycle.ts); these queries only read a superset of
// candidates cheaply and apply the decisions.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { AddressStatus, ReturnIntent } from '../feeds/feed-record.ts'
import type { Database } from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

/** Serialises lifecycle runs, whichever process starts them: a second run waits and then finds nothing to do. */
const LIFECYCLE_LOCK = 7_260_005
const BATCH = 1000

export interface ArchiveCandidate {
  readonly id: string
  readonly contactpoint_id: string
  readonly date_of_birth: string
  readonly date_of_death: string | null
  readonly retention_extended_to: string | null
  readonly address_status: AddressStatus
  readonly return_intent: ReturnIntent | null
  readonly left_england_on: string | null
}

export interface DeletedRecord {
  readonly contactpointId: string
  /** A merged record deleted with the record that replaced it. */
  readonly merged: boolean
  readonly archivedOn: string | null
}

export interface Transfer {
  readonly contactpointId: string
  readonly fromAuthorityCode: string
  readonly toAuthorityCode: string
}

/** The outward code of a postcode ("NT4 2AB" → "NT4"), in SQL; src/lifecycle/districts.ts has the same in TypeScript. */
const districtOf = (postcode: ReturnType<typeof sql.ref>) =>
  sql<string>`upper(replace(regexp_replace(trim(${postcode}), '[0-9][A-Za-z]{2}$', ''), ' ', ''))`

export class LifecycleRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Runs `work` in one transaction that holds the lifecycle lock. */
  async inLockedTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${LIFECYCLE_LOCK})`.execute(trx)
      return work(trx)
    })
  }

  /** Starts the window of live records that have left England and have no start date yet. */
  async noteLeftEngland(asOf: string, trx: Executor): Promise<number> {
    const result = await trx.updateTable('child').set({ left_england_on: asOf })
      .where('status', '=', 'active').where('address_status', '=', 'left_england').where('left_england_on', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  /** Clears the window of records whose address status is no longer "left England" (the child came back). */
  async clearReturnedToEngland(trx: Executor): Promise<number> {
    const result = await trx.updateTable('child').set({ left_england_on: null })
      .where('left_england_on', 'is not', null).where('address_status', '<>', 'left_england')
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  /**
   * Live records that may be due for archiving on `asOf`: a superset (two days' slack around each
   * anniversary, so no leap-day arithmetic is needed here), each on an indexed condition.
   */
  async archiveCandidates(asOf: string, trx: Executor): Promise<ArchiveCandidate[]> {
    const slack = (years: number) => sql<string>`(${asOf}::date - ${`${years} years`}::interval + interval '2 days')::date`
    return trx.selectFrom('child')
      .select(['id', 'contactpoint_id', 'date_of_birth', 'date_of_death', 'retention_extended_to', 'address_status', 'return_intent', 'left_england_on'])
      .where('status', '=', 'active')
      .where((eb) => eb.or([
        eb.and([eb('retention_extended_to', 'is', null), eb('date_of_birth', '<=', slack(18))]),
        eb('retention_extended_to', '<=', asOf),
        eb('date_of_death', '<=', slack(1)),
        eb.and([eb('address_status', '=', 'left_england'), eb('left_england_on', '<=', slack(1))]),
      ]))
      .orderBy('id')
      .execute()
  }

  /** Archives the given live records; returns the ContactPoint IDs of those it archived. */
  async archive(ids: readonly string[], archivedAt: Date, deleteDueOn: string, trx: Executor): Promise<Set<string>> {
    const archived = new Set<string>()
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await trx.updateTable('child')
        .set((eb) => ({ status: 'archived', archived_at: archivedAt, delete_due_on: deleteDueOn, updated_at: archivedAt, version: eb('version', '+', 1) }))
        .where('id', 'in', ids.slice(i, i + BATCH)).where('status', '=', 'active')
        .returning('id').execute()
      for (const row of rows) archived.add(row.id)
    }
    return archived
  }

  /**
   * Deletes archived records whose deletion date has come, with the merged records that they replaced
   * (the same child), everything that cascades from them (names, addresses, carers, involvements,
   * markers, identifiers, provenance, shield decisions), their links to source records, and the source
   * records that supplied only them. The audit trail is append-only and is not touched.
   */
  async deleteDue(asOf: string, trx: Transaction<Database>): Promise<{ records: DeletedRecord[]; sourceRecords: number }> {
    const doomed = await sql<{ id: string; contactpoint_id: string; status: string; archived_on: string | null }>`
      WITH RECURSIVE doomed(id) AS (
        SELECT id FROM child WHERE status = 'archived' AND delete_due_on <= ${asOf}::date
        UNION
        SELECT c.id FROM child c JOIN doomed d ON c.replaced_by_id = d.id
      )
      SELECT c.id, c.contactpoint_id, c.status, to_char(c.archived_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS archived_on
      FROM child c JOIN doomed USING (id) ORDER BY c.contactpoint_id`.execute(trx)
    const rows = doomed.rows
    let sourceRecords = 0
    for (let i = 0; i < rows.length; i += BATCH) {
      const ids = rows.slice(i, i + BATCH).map((r) => r.id)
      const linked = await trx.selectFrom('record_link').select('source_record_id')
        .where('child_id', 'in', ids).where('state', '=', 'linked').execute()
      await trx.deleteFrom('record_link').where('child_id', 'in', ids).execute()
      await trx.deleteFrom('child').where('id', 'in', ids).execute()
      const sourceIds = linked.map((r) => r.source_record_id)
      for (let j = 0; j < sourceIds.length; j += BATCH) {
        const result = await trx.deleteFrom('source_record')
          .where('id', 'in', sourceIds.slice(j, j + BATCH))
          .where((eb) => eb.not(eb.exists(eb.selectFrom('record_link').select(sql.lit(1).as('one')).whereRef('record_link.source_record_id', '=', 'source_record.id'))))
          .where((eb) => eb.not(eb.exists(eb.selectFrom('involvement').select(sql.lit(1).as('one')).whereRef('involvement.source_record_id', '=', 'source_record.id'))))
          .executeTakeFirst()
        sourceRecords += Number(result.numDeletedRows)
      }
    }
    return {
      records: rows.map((r) => ({ contactpointId: r.contactpoint_id, merged: r.status === 'merged', archivedOn: r.archived_on })),
      sourceRecords,
    }
  }

  /**
   * Moves responsibility for live children whose current address lies in another authority's postcode
   * district. Children with no current address, an address status other than current, or a district
   * not in the map stay where they are.
   */
  async transferByCurrentAddress(now: Date, trx: Executor): Promise<Transfer[]> {
    const result = await sql<{ contactpoint_id: string; from_code: string; to_code: string }>`
      WITH moves AS (
        SELECT c.id, c.responsible_authority_id AS from_id, pd.authority_id AS to_id
        FROM child c
        JOIN child_address a ON a.child_id = c.id AND a.is_current
        JOIN postcode_district pd ON pd.district = ${districtOf(sql.ref('a.postcode'))}
        WHERE c.status = 'active' AND c.address_status = 'current' AND pd.authority_id <> c.responsible_authority_id
      ), moved AS (
        UPDATE child c SET responsible_authority_id = m.to_id, updated_at = ${now}, version = c.version + 1
        FROM moves m WHERE c.id = m.id
        RETURNING c.contactpoint_id, m.from_id, m.to_id
      )
      SELECT moved.contactpoint_id, f.code AS from_code, t.code AS to_code
      FROM moved JOIN organisation f ON f.id = moved.from_id JOIN organisation t ON t.id = moved.to_id
      ORDER BY moved.contactpoint_id`.execute(trx)
    return result.rows.map((r) => ({ contactpointId: r.contactpoint_id, fromAuthorityCode: r.from_code, toAuthorityCode: r.to_code }))
  }

  async countDistricts(db: Executor = this.#db): Promise<number> {
    const row = await db.selectFrom('postcode_district').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Adds or moves postcode districts; returns how many rows were written. */
  async upsertDistricts(rows: readonly { district: string; authorityId: string }[], now: Date): Promise<number> {
    let written = 0
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        const result = await trx.insertInto('postcode_district')
          .values(rows.slice(i, i + BATCH).map((r) => ({ district: r.district, authority_id: r.authorityId, updated_at: now })))
          .onConflict((oc) => oc.column('district').doUpdateSet((eb) => ({ authority_id: eb.ref('excluded.authority_id'), updated_at: now })))
          .executeTakeFirst()
        written += Number(result.numInsertedOrUpdatedRows ?? 0n)
      }
    })
    return written
  }

  async districtsOf(authorityId: string): Promise<string[]> {
    const rows = await this.#db.selectFrom('postcode_district').select('district').where('authority_id', '=', authorityId).orderBy('district').execute()
    return rows.map((r) => r.district)
  }

  /** The local authorities by organisation code, for resolving a district map. */
  async authorityIdsByCode(): Promise<Map<string, string>> {
    const rows = await this.#db.selectFrom('organisation').select(['id', 'code']).where('kind', '=', 'local_authority').execute()
    return new Map(rows.map((r) => [r.code, r.id]))
  }
}
