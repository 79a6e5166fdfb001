// All SQL about data sources, the records they supply, and those records' links to children.
import type { Kysely, Transaction } from 'kysely'
import type {
  Database, DataSource, LinkDecider, LinkState, NewSourceRecord, ProvenanceField, SourceRecord,
} from '../db/schema.ts'

export interface NewDataSource {
  readonly code: string
  readonly name: string
  readonly scope: 'national' | 'local'
  readonly organisationId: string
  readonly authorityId: string | null
  readonly supplies: readonly ('identity' | 'carers' | 'involvements')[]
  readonly precedence: number
}

export interface NewLink {
  readonly sourceRecordId: string
  readonly childId: string
  readonly state: LinkState
  readonly decidedBy: LinkDecider
  readonly decidedByUserId?: string | null
  readonly matchWeight?: number | null
  readonly matchProbability?: number | null
  readonly modelVersion?: string | null
  readonly explanation?: unknown
}

type Executor = Kysely<Database> | Transaction<Database>

export class SourceRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insertSource(source: NewDataSource, db: Executor = this.#db): Promise<DataSource> {
    return db.insertInto('data_source').values({
      code: source.code, name: source.name, scope: source.scope, organisation_id: source.organisationId,
      authority_id: source.authorityId, supplies: [...source.supplies], precedence: source.precedence,
    }).returningAll().executeTakeFirstOrThrow()
  }

  async findSourceByCode(code: string): Promise<DataSource | undefined> {
    return this.#db.selectFrom('data_source').selectAll().where('code', '=', code).executeTakeFirst()
  }

  async listSources(): Promise<DataSource[]> {
    return this.#db.selectFrom('data_source').selectAll().orderBy('scope').orderBy('code').execute()
  }

  async insertRecords(records: readonly NewSourceRecord[], db: Executor = this.#db): Promise<SourceRecord[]> {
    if (records.length === 0) return []
    return db.insertInto('source_record').values([...records]).returningAll().execute()
  }

  async findRecord(sourceId: string, recordId: string): Promise<SourceRecord | undefined> {
    return this.#db.selectFrom('source_record').selectAll()
      .where('source_id', '=', sourceId).where('record_id', '=', recordId).executeTakeFirst()
  }

  async insertLinks(links: readonly NewLink[], db: Executor = this.#db): Promise<void> {
    if (links.length === 0) return
    await db.insertInto('record_link').values(links.map((l) => ({
      source_record_id: l.sourceRecordId, child_id: l.childId, state: l.state, decided_by: l.decidedBy,
      decided_by_user_id: l.decidedByUserId ?? null, match_weight: l.matchWeight ?? null,
      match_probability: l.matchProbability ?? null, model_version: l.modelVersion ?? null,
      explanation: l.explanation === undefined ? null : JSON.stringify(l.explanation),
    }))).execute()
  }

  async linksOfChild(childId: string): Promise<{ source_code: string; record_id: string; state: LinkState; decided_by: LinkDecider }[]> {
    return this.#db.selectFrom('record_link as l')
      .innerJoin('source_record as r', 'r.id', 'l.source_record_id')
      .innerJoin('data_source as s', 's.id', 'r.source_id')
      .select(['s.code as source_code', 'r.record_id', 'l.state', 'l.decided_by'])
      .where('l.child_id', '=', childId).orderBy('s.code').orderBy('r.record_id').execute()
  }

  async recordProvenance(rows: readonly { childId: string; field: ProvenanceField; sourceRecordId: string; sourceId: string }[], db: Executor = this.#db): Promise<void> {
    if (rows.length === 0) return
    await db.insertInto('field_provenance').values(rows.map((r) => ({
      child_id: r.childId, field: r.field, source_record_id: r.sourceRecordId, source_id: r.sourceId, recorded_by_user_id: null,
    }))).onConflict((oc) => oc.columns(['child_id', 'field']).doUpdateSet((eb) => ({
      source_record_id: eb.ref('excluded.source_record_id'), source_id: eb.ref('excluded.source_id'), recorded_at: new Date(),
    }))).execute()
  }

  async authorityIds(): Promise<string[]> {
    const rows = await this.#db.selectFrom('organisation').select('id').where('kind', '=', 'local_authority').orderBy('code').execute()
    return rows.map((r) => r.id)
  }

  /** (source code, record ID, child) of every linked record of these sources. */
  async linkedRecordsOfSources(sourceIds: readonly string[]): Promise<[string, string, string][]> {
    if (sourceIds.length === 0) return []
    const rows = await this.#db.selectFrom('source_record as r')
      .innerJoin('record_link as l', (j) => j.onRef('l.source_record_id', '=', 'r.id').on('l.state', '=', 'linked'))
      .innerJoin('data_source as s', 's.id', 'r.source_id')
      .select(['s.code', 'r.record_id', 'l.child_id']).where('r.source_id', 'in', [...sourceIds]).execute()
    return rows.map((r) => [r.code, r.record_id, r.child_id])
  }
}
