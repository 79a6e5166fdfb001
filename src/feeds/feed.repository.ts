// All SQL of feed loading: loads and their checkpoints, rejected rows, the saved linkage model,
// source records with their blocking keys, links, and what a linked record contributes to its
// child (survivorship, carers, involvements, conflicts).
import { sql, type Kysely, type Transaction } from 'kysely'
import type { ConflictField, Database, FeedLoad, FeedLoadPhase, LinkDecider, ProvenanceField } from '../db/schema.ts'
import type { FeedCarer, FeedInvolvement, FeedRecord } from './feed-record.ts'
import { SENSITIVE_SERVICE_TYPES } from './feed-record.ts'
import type { SourceFacts, SurvivingChild } from './survivorship.ts'

type Executor = Kysely<Database> | Transaction<Database>
const BATCH = 1000

export interface NewLoad {
  readonly sourceId: string
  readonly fileName: string
  readonly sha256: string
  readonly format: 'jsonl' | 'csv'
  readonly kind: 'full' | 'incremental'
  readonly method: 'bulk' | 'incremental'
  readonly groupId: string | null
  readonly channel: 'cli' | 'api' | 'system'
  readonly userId: string | null
  readonly rowsRead: number
  readonly rejections: readonly { line: number; recordId: string | null; reason: string }[]
  readonly refusal: string | null
}

export interface StoredRecord {
  readonly id: string
  readonly status: 'active' | 'deleted'
  readonly held: boolean
  readonly contentHash: string
  readonly childId: string | null
}

export interface RecordColumns {
  readonly sourceId: string
  readonly recordId: string
  readonly givenName: string | null
  readonly middleNames: string | null
  readonly familyName: string | null
  readonly formerFamilyNames: readonly string[]
  readonly dateOfBirth: string | null
  readonly dateOfDeath: string | null
  readonly gender: SourceFacts['gender']
  readonly addressLines: readonly string[] | null
  readonly town: string | null
  readonly postcode: string | null
  readonly addressStatus: SourceFacts['addressStatus']
  readonly returnIntent: SourceFacts['returnIntent']
  readonly nhsNumber: string | null
  readonly upn: string | null
  readonly payload: string
  readonly contentHash: string
  readonly blockKeys: readonly string[]
  readonly carerNames: string | null
  readonly held: boolean
  /** null for a record made in the service by a person (it belongs to no load) */
  readonly loadId: string | null
}

export interface CandidateRow {
  readonly source_record_id: string
  readonly source_code: string
  readonly record_id: string
  readonly child_id: string
  readonly shielded: boolean
  readonly given_name: string | null
  readonly middle_names: string | null
  readonly family_name: string | null
  readonly former_family_names: string[]
  readonly date_of_birth: string | null
  readonly gender: string | null
  readonly address_lines: string[] | null
  readonly town: string | null
  readonly postcode: string | null
  readonly nhs_number: string | null
  readonly upn: string | null
  readonly carer_names: string | null
}

function recordValues(r: RecordColumns) {
  return {
    source_id: r.sourceId, record_id: r.recordId, given_name: r.givenName, middle_names: r.middleNames, family_name: r.familyName,
    former_family_names: [...r.formerFamilyNames], date_of_birth: r.dateOfBirth, date_of_death: r.dateOfDeath, gender: r.gender,
    address_lines: r.addressLines ? [...r.addressLines] : null, town: r.town, postcode: r.postcode, address_status: r.addressStatus,
    return_intent: r.returnIntent, nhs_number: r.nhsNumber, upn: r.upn, payload: r.payload, content_hash: r.contentHash,
    block_keys: [...r.blockKeys], carer_names: r.carerNames, held: r.held, last_load_id: r.loadId, status: 'active' as const, deleted_at: null,
  }
}

function carerRow(sourceRecordId: string, childId: string, c: FeedCarer) {
  return {
    child_id: childId, given_name: c.given_name, family_name: c.family_name, relationship: c.relationship,
    parental_responsibility: c.parental_responsibility, phone: c.phone ?? null, email: c.email ?? null,
    address_lines: c.address?.lines ?? null, town: c.address?.town ?? null, postcode: c.address?.postcode ?? null, source_record_id: sourceRecordId,
  }
}

/** An involvement's columns other than its keys (source record, supplier's involvement ID). */
function involvementColumns(childId: string, i: FeedInvolvement, orgIds: ReadonlyMap<string, string>) {
  return {
    child_id: childId, service_type: i.service_type, organisation_id: orgIds.get(i.organisation_code) as string,
    practitioner_name: i.practitioner_name ?? null, phone: i.phone ?? null, email: i.email ?? null, started_on: i.started_on,
    ended_on: i.ended_on ?? null, is_lead_professional: i.lead_professional ?? false, holds_caf: i.holds_caf ?? false,
    is_sensitive: SENSITIVE_SERVICE_TYPES.includes(i.service_type), consent_basis: i.consent_basis ?? null,
  }
}

export class FeedRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  // --- loads ----------------------------------------------------------------------------------

  async findLoad(sourceId: string, sha256: string, db: Executor = this.#db): Promise<FeedLoad | undefined> {
    return db.selectFrom('feed_load').selectAll().where('source_id', '=', sourceId).where('file_sha256', '=', sha256).executeTakeFirst()
  }

  async loadInProgress(sourceId: string, db: Executor = this.#db): Promise<FeedLoad | undefined> {
    return db.selectFrom('feed_load').selectAll().where('source_id', '=', sourceId).where('status', '=', 'loading').executeTakeFirst()
  }

  /** Inserts the load with its rejected rows; undefined when the same file is already registered. */
  async insertLoad(load: NewLoad, trx: Transaction<Database>): Promise<FeedLoad | undefined> {
    const row = await trx.insertInto('feed_load').values({
      source_id: load.sourceId, file_name: load.fileName, file_sha256: load.sha256, format: load.format, kind: load.kind, method: load.method, group_id: load.groupId,
      status: load.refusal === null ? 'loading' : 'refused', refusal: load.refusal, channel: load.channel,
      loaded_by_user_id: load.userId, rows_read: load.rowsRead, rows_rejected: load.rejections.length,
      finished_at: load.refusal === null ? null : new Date(),
    }).onConflict((oc) => oc.columns(['source_id', 'file_sha256']).doNothing()).returningAll().executeTakeFirst()
    if (!row) return undefined
    for (let i = 0; i < load.rejections.length; i += BATCH) {
      await trx.insertInto('feed_rejection').values(load.rejections.slice(i, i + BATCH).map((r) => ({
        load_id: row.id, line: r.line, record_id: r.recordId, reason: r.reason,
      }))).execute()
    }
    return row
  }

  /** The load, locked until the transaction ends: batches of one load apply one at a time. */
  async lockLoad(loadId: string, trx: Transaction<Database>): Promise<FeedLoad> {
    return trx.selectFrom('feed_load').selectAll().where('id', '=', loadId).forUpdate().executeTakeFirstOrThrow()
  }

  async advanceLoad(loadId: string, nextLine: number, counts: Record<string, number>, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('feed_load').set({ next_line: nextLine, counts: JSON.stringify(counts) }).where('id', '=', loadId).execute()
  }

  async setPhase(loadId: string, phase: FeedLoadPhase, counts: Record<string, number>, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('feed_load').set({ phase, counts: JSON.stringify(counts) }).where('id', '=', loadId).execute()
  }

  async finishLoad(loadId: string, counts: Record<string, number>, now: Date, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('feed_load').set({ status: 'applied', phase: 'done', counts: JSON.stringify(counts), finished_at: now }).where('id', '=', loadId).execute()
  }

  async rejections(loadId: string, limit: number): Promise<{ line: number; record_id: string | null; reason: string }[]> {
    return this.#db.selectFrom('feed_rejection').select(['line', 'record_id', 'reason']).where('load_id', '=', loadId).orderBy('line').limit(limit).execute()
  }

  async rejectedLines(loadId: string): Promise<Set<number>> {
    const rows = await this.#db.selectFrom('feed_rejection').select('line').where('load_id', '=', loadId).execute()
    return new Set(rows.map((r) => r.line))
  }

  async listLoads(sourceId: string | null, limit: number): Promise<(FeedLoad & { source_code: string })[]> {
    let q = this.#db.selectFrom('feed_load as l').innerJoin('data_source as s', 's.id', 'l.source_id').selectAll('l').select('s.code as source_code')
    if (sourceId) q = q.where('l.source_id', '=', sourceId)
    return q.orderBy('l.started_at', 'desc').limit(limit).execute()
  }

  // --- registry -------------------------------------------------------------------------------

  async organisationIds(db: Executor = this.#db): Promise<Map<string, string>> {
    const rows = await db.selectFrom('organisation').select(['id', 'code']).execute()
    return new Map(rows.map((r) => [r.code, r.id]))
  }

  /** Each source's precedence (and per-field overrides) and supplying organisation. */
  async sourcePrecedences(db: Executor = this.#db): Promise<Map<string, { precedence: number; fields: Record<string, number>; organisationId: string }>> {
    const rows = await db.selectFrom('data_source').select(['id', 'precedence', 'field_precedence', 'organisation_id']).execute()
    return new Map(rows.map((r) => [r.id, { precedence: r.precedence, fields: r.field_precedence, organisationId: r.organisation_id }]))
  }

  // --- the model ------------------------------------------------------------------------------

  async activeModel(): Promise<{ version: string; model: string } | undefined> {
    return this.#db.selectFrom('linkage_model').select(['version', 'model']).where('active', '=', true).executeTakeFirst()
  }

  async saveModel(version: string, model: string, trainedOn: number, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('linkage_model').set({ active: false }).where('active', '=', true).execute()
    await trx.insertInto('linkage_model').values({ version, model, trained_on: trainedOn, active: true })
      .onConflict((oc) => oc.column('version').doUpdateSet({ active: true })).execute()
  }

  // --- records --------------------------------------------------------------------------------

  async findRecord(sourceId: string, recordId: string, trx: Executor): Promise<StoredRecord | undefined> {
    const row = await trx.selectFrom('source_record as r')
      .leftJoin('record_link as l', (j) => j.onRef('l.source_record_id', '=', 'r.id').on('l.state', '=', 'linked'))
      .select(['r.id', 'r.status', 'r.held', 'r.content_hash', 'l.child_id'])
      .where('r.source_id', '=', sourceId).where('r.record_id', '=', recordId).executeTakeFirst()
    return row ? { id: row.id, status: row.status, held: row.held, contentHash: row.content_hash, childId: row.child_id ?? null } : undefined
  }

  async upsertRecord(record: RecordColumns, trx: Transaction<Database>): Promise<string> {
    const values = recordValues(record)
    const row = await trx.insertInto('source_record').values(values)
      .onConflict((oc) => oc.columns(['source_id', 'record_id']).doUpdateSet({ ...values, updated_at: new Date() }))
      .returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  async insertRecords(records: readonly RecordColumns[], trx: Transaction<Database>): Promise<string[]> {
    const ids: string[] = []
    for (let i = 0; i < records.length; i += 500) {
      const rows = await trx.insertInto('source_record').values(records.slice(i, i + 500).map(recordValues)).returning('id').execute()
      ids.push(...rows.map((r) => r.id))
    }
    return ids
  }

  async touchRecord(id: string, loadId: string, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('source_record').set({ last_load_id: loadId }).where('id', '=', id).execute()
  }

  async setHeld(id: string, held: boolean, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('source_record').set({ held }).where('id', '=', id).execute()
  }

  async markDeleted(id: string, now: Date, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('source_record').set({ status: 'deleted', deleted_at: now, held: false, updated_at: now }).where('id', '=', id).execute()
    await trx.updateTable('match_review').set({ status: 'withdrawn', decided_at: now })
      .where('source_record_id', '=', id).where('status', '=', 'open').execute()
  }

  /** Active records of the source that a full extract no longer carries. */
  async staleRecords(sourceId: string, loadId: string, limit: number, trx: Transaction<Database>): Promise<{ id: string; child_id: string | null }[]> {
    return trx.selectFrom('source_record as r')
      .leftJoin('record_link as l', (j) => j.onRef('l.source_record_id', '=', 'r.id').on('l.state', '=', 'linked'))
      .select(['r.id', 'l.child_id'])
      .where('r.source_id', '=', sourceId).where('r.status', '=', 'active')
      .where((eb) => eb.or([eb('r.last_load_id', 'is', null), eb('r.last_load_id', '!=', loadId)]))
      .orderBy('r.id').limit(limit).execute()
  }

  /** Linked records sharing a blocking key with the incoming one, with their child; capped. */
  /** The active records linked to a child, in the shape the engine scores. */
  async recordsOfChild(childId: string, db: Executor = this.#db): Promise<CandidateRow[]> {
    return this.#linkedRecords(db).where('l.child_id', '=', childId).orderBy('r.id').execute() as Promise<CandidateRow[]>
  }

  /** Every active linked record of active children, a page at a time in ID order (for a shadow re-match). */
  async linkedRecordsPage(after: string | null, limit: number, db: Executor = this.#db): Promise<CandidateRow[]> {
    let q = this.#linkedRecords(db).where('c.status', '=', 'active')
    if (after) q = q.where('r.id', '>', after)
    return q.orderBy('r.id').limit(limit).execute() as Promise<CandidateRow[]>
  }

  #linkedRecords(db: Executor) {
    return db.selectFrom('record_link as l')
      .innerJoin('source_record as r', 'r.id', 'l.source_record_id')
      .innerJoin('data_source as s', 's.id', 'r.source_id')
      .innerJoin('child as c', 'c.id', 'l.child_id')
      .select([
        'r.id as source_record_id', 's.code as source_code', 'r.record_id', 'l.child_id', 'c.shielded', 'r.given_name', 'r.middle_names',
        'r.family_name', 'r.former_family_names', 'r.date_of_birth', 'r.gender', 'r.address_lines', 'r.town', 'r.postcode',
        'r.nhs_number', 'r.upn', 'r.carer_names',
      ])
      .where('l.state', '=', 'linked').where('r.status', '=', 'active')
  }

  async candidates(keys: readonly string[], excludeRecordId: string | null, cap: number, trx: Executor): Promise<CandidateRow[]> {
    if (keys.length === 0) return []
    // the records sharing a key come from the GIN index first (materialised), so that the planner
    // never walks the whole table in ID order hoping to meet them before the limit
    let q = trx.with((cte) => cte('hit').materialized(), (db) => db.selectFrom('source_record').select('id')
      .where(sql<boolean>`block_keys && ${sql.val([...keys])}::text[]`))
      .selectFrom('hit').innerJoin('source_record as r', 'r.id', 'hit.id')
      .innerJoin('record_link as l', (j) => j.onRef('l.source_record_id', '=', 'r.id').on('l.state', '=', 'linked'))
      .innerJoin('data_source as s', 's.id', 'r.source_id')
      .innerJoin('child as c', 'c.id', 'l.child_id')
      .select([
        'r.id as source_record_id', 's.code as source_code', 'r.record_id', 'l.child_id', 'c.shielded', 'r.given_name', 'r.middle_names',
        'r.family_name', 'r.former_family_names', 'r.date_of_birth', 'r.gender', 'r.address_lines', 'r.town', 'r.postcode',
        'r.nhs_number', 'r.upn', 'r.carer_names',
      ])
      .where('r.status', '=', 'active').where('c.status', '=', 'active')
    if (excludeRecordId) q = q.where('r.id', '!=', excludeRecordId)
    return q.orderBy('r.id').limit(cap).execute() as Promise<CandidateRow[]>
  }

  /** Children a person has said this record does not belong to. */
  async refusedChildren(sourceRecordId: string, trx: Executor): Promise<Set<string>> {
    const rows = await trx.selectFrom('record_link').select('child_id').where('source_record_id', '=', sourceRecordId).where('state', '=', 'rejected')
      .union(trx.selectFrom('match_review').select('child_id').where('source_record_id', '=', sourceRecordId).where('status', '=', 'different'))
      .execute()
    return new Set(rows.map((r) => r.child_id))
  }

  async link(link: { sourceRecordId: string; childId: string; decidedBy: LinkDecider; userId?: string | null; weight?: number | null; probability?: number | null; modelVersion?: string | null; explanation?: unknown }, trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('record_link').where('source_record_id', '=', link.sourceRecordId).where('state', '=', 'linked').execute()
    await trx.insertInto('record_link').values({
      source_record_id: link.sourceRecordId, child_id: link.childId, state: 'linked', decided_by: link.decidedBy,
      decided_by_user_id: link.userId ?? null, match_weight: link.weight ?? null, match_probability: link.probability ?? null,
      model_version: link.modelVersion ?? null, explanation: link.explanation === undefined ? null : JSON.stringify(link.explanation),
    }).onConflict((oc) => oc.columns(['source_record_id', 'child_id']).doUpdateSet({ state: 'linked', decided_by: link.decidedBy, decided_by_user_id: link.userId ?? null, decided_at: new Date() })).execute()
    await trx.updateTable('source_record').set({ held: false }).where('id', '=', link.sourceRecordId).execute()
  }

  async insertLinks(links: readonly { sourceRecordId: string; childId: string; weight: number | null; probability: number | null; modelVersion: string }[], trx: Transaction<Database>): Promise<void> {
    for (let i = 0; i < links.length; i += BATCH) {
      await trx.insertInto('record_link').values(links.slice(i, i + BATCH).map((l) => ({
        source_record_id: l.sourceRecordId, child_id: l.childId, state: 'linked' as const, decided_by: 'engine' as const,
        match_weight: l.weight, match_probability: l.probability, model_version: l.modelVersion,
      }))).execute()
    }
  }

  async rejectLink(sourceRecordId: string, childId: string, userId: string, trx: Transaction<Database>): Promise<void> {
    await trx.insertInto('record_link').values({ source_record_id: sourceRecordId, child_id: childId, state: 'rejected', decided_by: 'person', decided_by_user_id: userId })
      .onConflict((oc) => oc.columns(['source_record_id', 'child_id']).doUpdateSet({ state: 'rejected', decided_by: 'person', decided_by_user_id: userId, decided_at: new Date() })).execute()
  }

  async recordPayload(id: string, trx: Executor): Promise<{ recordId: string; payload: Pick<FeedRecord, 'child' | 'carers' | 'involvements'> }> {
    const row = await trx.selectFrom('source_record').select(['record_id', 'payload']).where('id', '=', id).executeTakeFirstOrThrow()
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Pick<FeedRecord, 'child' | 'carers' | 'involvements'>
    return { recordId: row.record_id, payload }
  }

  // --- what records make of a child ---------------------------------------------------------

  async childrenFacts(childIds: readonly string[], precedences: ReadonlyMap<string, { precedence: number; fields: Record<string, number> }>, trx: Transaction<Database>): Promise<Map<string, SourceFacts[]>> {
    const out = new Map<string, SourceFacts[]>(childIds.map((id) => [id, []]))
    if (childIds.length === 0) return out
    const rows = await trx.selectFrom('source_record as r')
      .innerJoin('record_link as l', (j) => j.onRef('l.source_record_id', '=', 'r.id').on('l.state', '=', 'linked'))
      .select([
        'l.child_id', 'r.id', 'r.source_id', 'r.updated_at', 'r.given_name', 'r.middle_names', 'r.family_name', 'r.former_family_names',
        'r.date_of_birth', 'r.date_of_death', 'r.gender', 'r.address_lines', 'r.town', 'r.postcode', 'r.address_status', 'r.return_intent',
        'r.nhs_number', 'r.upn',
      ])
      .where('l.child_id', 'in', [...childIds]).where('r.status', '=', 'active').execute()
    for (const r of rows) {
      const p = precedences.get(r.source_id) ?? { precedence: 50, fields: {} }
      out.get(r.child_id)?.push({
        sourceRecordId: r.id, sourceId: r.source_id, precedence: (f: ProvenanceField) => p.fields[f] ?? p.precedence,
        receivedAt: new Date(r.updated_at), givenName: r.given_name, middleNames: r.middle_names, familyName: r.family_name,
        formerFamilyNames: r.former_family_names, dateOfBirth: r.date_of_birth, dateOfDeath: r.date_of_death, gender: r.gender,
        addressLines: r.address_lines, town: r.town, postcode: r.postcode, addressStatus: r.address_status, returnIntent: r.return_intent,
        nhsNumber: r.nhs_number, upn: r.upn,
      })
    }
    return out
  }

  /**
   * Writes what survivorship derived for many children at once: their fields, current address,
   * former names, identifiers, provenance and conflicts (a handful of statements per batch).
   */
  async applySurvivors(rows: readonly { childId: string; s: SurvivingChild; archiveDueOn: string }[], issuerOf: (sourceRecordId: string) => string, now: Date, trx: Transaction<Database>): Promise<void> {
    if (rows.length === 0) return
    const ids = rows.map((r) => r.childId)
    // one statement for the batch: the search triggers on child run once per statement, not per row
    for (let i = 0; i < rows.length; i += BATCH) {
      const values = rows.slice(i, i + BATCH).map(({ childId, s, archiveDueOn }) => ({
        id: childId, given_name: s.givenName, middle_names: s.middleNames, family_name: s.familyName, gender: s.gender, date_of_birth: s.dateOfBirth,
        date_of_death: s.dateOfDeath, address_status: s.addressStatus, return_intent: s.returnIntent, archive_due_on: archiveDueOn,
      }))
      await sql`UPDATE child AS c SET given_name = v.given_name, middle_names = v.middle_names, family_name = v.family_name, gender = v.gender,
          date_of_birth = v.date_of_birth, date_of_death = v.date_of_death, address_status = v.address_status, return_intent = v.return_intent,
          archive_due_on = CASE WHEN c.retention_extended_to IS NULL THEN v.archive_due_on ELSE c.archive_due_on END,
          updated_at = ${now}, version = c.version + 1
        FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(id uuid, given_name text, middle_names text, family_name text, gender text,
          date_of_birth date, date_of_death date, address_status text, return_intent text, archive_due_on date)
        WHERE c.id = v.id`.execute(trx)
    }

    const today = now.toISOString().slice(0, 10)
    const current = new Map((await trx.selectFrom('child_address').select(['id', 'child_id', 'lines', 'town', 'postcode'])
      .where('child_id', 'in', ids).where('is_current', '=', true).execute()).map((a) => [a.child_id, a]))
    const moved = rows.filter(({ childId, s }) => {
      const c = current.get(childId)
      return !(c && s.address && c.lines.join('|') === s.address.lines.join('|') && c.postcode === s.address.postcode && c.town === s.address.town) && (c || s.address)
    })
    const ended = moved.flatMap(({ childId }) => { const c = current.get(childId); return c ? [c.id] : [] })
    if (ended.length > 0) await trx.updateTable('child_address').set({ is_current: false, valid_to: today }).where('id', 'in', ended).execute()
    const arrived = moved.flatMap(({ childId, s }) => (s.address ? [{ child_id: childId, lines: [...s.address.lines], town: s.address.town, postcode: s.address.postcode, is_current: true, valid_from: today }] : []))
    for (let i = 0; i < arrived.length; i += BATCH) await trx.insertInto('child_address').values(arrived.slice(i, i + BATCH)).execute()

    await trx.deleteFrom('child_name').where('child_id', 'in', ids).where('kind', '=', 'former').execute()
    const names = rows.flatMap(({ childId, s }) => s.formerFamilyNames.map((f) => ({ child_id: childId, kind: 'former' as const, family_name: f })))
    for (let i = 0; i < names.length; i += BATCH) await trx.insertInto('child_name').values(names.slice(i, i + BATCH)).execute()

    await trx.deleteFrom('child_identifier').where('child_id', 'in', ids).where('source_record_id', 'is not', null).execute()
    const identifiers = rows.flatMap(({ childId, s }) => s.identifiers.map((i) => ({
      child_id: childId, scheme: i.scheme, value: i.value, issuer_organisation_id: issuerOf(i.sourceRecordId), source_record_id: i.sourceRecordId,
    })))
    for (let i = 0; i < identifiers.length; i += BATCH) await trx.insertInto('child_identifier').values(identifiers.slice(i, i + BATCH)).onConflict((oc) => oc.doNothing()).execute()

    await trx.deleteFrom('field_provenance').where('child_id', 'in', ids).where('recorded_by_user_id', 'is', null).execute()
    const provenance = rows.flatMap(({ childId, s }) => s.provenance.map((p) => ({
      child_id: childId, field: p.field, source_record_id: p.sourceRecordId, source_id: p.sourceId, recorded_by_user_id: null, recorded_at: now,
    })))
    for (let i = 0; i < provenance.length; i += BATCH) {
      await trx.insertInto('field_provenance').values(provenance.slice(i, i + BATCH)).onConflict((oc) => oc.columns(['child_id', 'field']).doNothing()).execute()
    }

    // conflicts: those the sources no longer have resolve themselves; new ones open
    const open = await trx.selectFrom('record_conflict').select(['id', 'child_id', 'field']).where('child_id', 'in', ids).where('status', '=', 'open').execute()
    const wanted = new Set(rows.flatMap(({ childId, s }) => s.conflicts.map((c) => `${childId}|${c.field}`)))
    const stale = open.filter((o) => !wanted.has(`${o.child_id}|${o.field}`)).map((o) => o.id)
    if (stale.length > 0) await trx.updateTable('record_conflict').set({ status: 'resolved', resolved_at: now }).where('id', 'in', stale).execute()
    // a disagreement a person resolved stays resolved while the sources still say the same things
    const resolved = new Set((await trx.selectFrom('record_conflict').select(['child_id', 'field', 'values']).where('child_id', 'in', ids).where('status', '=', 'resolved').execute())
      .map((r) => `${r.child_id}|${r.field}|${canonical(r.values)}`))
    for (const { childId, s } of rows) {
      for (const c of s.conflicts) {
        if (resolved.has(`${childId}|${c.field}|${canonical(c.values)}`)) continue
        await trx.insertInto('record_conflict').values({ child_id: childId, field: c.field as ConflictField, values: JSON.stringify(c.values) })
          .onConflict((oc) => oc.columns(['child_id', 'field']).where('status', '=', 'open').doUpdateSet({ values: JSON.stringify(c.values) })).execute()
      }
    }
  }

  /** Children linked to records of these loads, in ID order from `after`. */
  async childrenOfLoads(loadIds: readonly string[], after: string | null, limit: number, trx: Executor): Promise<string[]> {
    let q = trx.selectFrom('record_link as l').innerJoin('source_record as r', 'r.id', 'l.source_record_id')
      .select('l.child_id').distinct().where('l.state', '=', 'linked').where('r.last_load_id', 'in', [...loadIds])
    if (after) q = q.where('l.child_id', '>', after)
    return (await q.orderBy('l.child_id').limit(limit).execute()).map((r) => r.child_id)
  }

  /** The record's carers replace those it supplied before. */
  async replaceCarers(sourceRecordId: string, childId: string, carers: readonly FeedCarer[], trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('carer').where('source_record_id', '=', sourceRecordId).execute()
    if (carers.length === 0) return
    await trx.insertInto('carer').values(carers.map((c) => carerRow(sourceRecordId, childId, c))).execute()
  }

  /**
   * The record's involvements as the supplier now lists them: new ones added, known ones updated,
   * and open ones it no longer lists ended today (a supplier that stops listing an involvement has
   * ended it). Returns how many were ended that way.
   */
  async syncInvolvements(sourceRecordId: string, childId: string, items: readonly FeedInvolvement[], orgIds: ReadonlyMap<string, string>, today: string, trx: Transaction<Database>): Promise<number> {
    for (const i of items) {
      const values = involvementColumns(childId, i, orgIds)
      await trx.insertInto('involvement').values({ ...values, source_record_id: sourceRecordId, supplier_involvement_id: i.involvement_id })
        .onConflict((oc) => oc.columns(['source_record_id', 'supplier_involvement_id']).doUpdateSet({ ...values, updated_at: new Date() })).execute()
    }
    let q = trx.updateTable('involvement').set({ ended_on: sql<string>`GREATEST(started_on, ${today}::date)`, updated_at: new Date() })
      .where('source_record_id', '=', sourceRecordId).where('ended_on', 'is', null)
    if (items.length > 0) q = q.where('supplier_involvement_id', 'not in', items.map((i) => i.involvement_id))
    const result = await q.executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  async insertInvolvements(rows: readonly { sourceRecordId: string; childId: string; item: FeedInvolvement }[], orgIds: ReadonlyMap<string, string>, trx: Transaction<Database>): Promise<void> {
    for (let k = 0; k < rows.length; k += BATCH) {
      await trx.insertInto('involvement').values(rows.slice(k, k + BATCH).map(({ sourceRecordId, childId, item }) => ({
        ...involvementColumns(childId, item, orgIds), source_record_id: sourceRecordId, supplier_involvement_id: item.involvement_id,
      }))).execute()
    }
  }

  async insertCarers(rows: readonly { sourceRecordId: string; childId: string; carer: FeedCarer }[], trx: Transaction<Database>): Promise<void> {
    for (let k = 0; k < rows.length; k += BATCH) {
      await trx.insertInto('carer').values(rows.slice(k, k + BATCH).map(({ sourceRecordId, childId, carer }) => carerRow(sourceRecordId, childId, carer))).execute()
    }
  }

  /** Ends named involvements of the record; returns how many were open. */
  async endInvolvements(sourceRecordId: string, items: readonly { involvementId: string; endedOn: string }[], trx: Transaction<Database>): Promise<number> {
    let ended = 0
    for (const i of items) {
      const r = await trx.updateTable('involvement').set({ ended_on: sql<string>`GREATEST(started_on, ${i.endedOn}::date)`, updated_at: new Date() })
        .where('source_record_id', '=', sourceRecordId).where('supplier_involvement_id', '=', i.involvementId).where('ended_on', 'is', null).executeTakeFirst()
      ended += Number(r.numUpdatedRows)
    }
    return ended
  }

  /** A deleted record's involvements end; its carers go (they were only its statement). */
  async retireRecordContributions(sourceRecordId: string, today: string, trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('involvement').set({ ended_on: sql<string>`GREATEST(started_on, ${today}::date)`, updated_at: new Date() })
      .where('source_record_id', '=', sourceRecordId).where('ended_on', 'is', null).execute()
    await trx.deleteFrom('carer').where('source_record_id', '=', sourceRecordId).execute()
  }

  // --- review queue entries raised by loading ------------------------------------------------

  async insertReviews(rows: readonly { kind: 'record' | 'children'; authorityId: string; sourceRecordId: string | null; childId: string; otherChildId: string | null; probability: number; reason: string; explanation?: unknown }[], trx: Transaction<Database>): Promise<number> {
    let inserted = 0
    for (const r of rows) {
      const inserted1 = await trx.insertInto('match_review').values({
        kind: r.kind, authority_id: r.authorityId, source_record_id: r.sourceRecordId, child_id: r.childId, other_child_id: r.otherChildId,
        match_probability: r.probability, reason: r.reason, explanation: r.explanation === undefined ? null : JSON.stringify(r.explanation),
      }).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
      if (inserted1) inserted += 1
    }
    return inserted
  }

  async authoritiesOf(childIds: readonly string[], db: Executor = this.#db): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    for (let i = 0; i < childIds.length; i += BATCH) {
      const rows = await db.selectFrom('child').select(['id', 'responsible_authority_id']).where('id', 'in', childIds.slice(i, i + BATCH)).execute()
      for (const r of rows) out.set(r.id, r.responsible_authority_id)
    }
    return out
  }

  async childAuthority(childId: string, trx: Executor): Promise<string> {
    const row = await trx.selectFrom('child').select('responsible_authority_id').where('id', '=', childId).executeTakeFirstOrThrow()
    return row.responsible_authority_id
  }
}

/** JSON with object keys sorted: jsonb does not keep the order a value was written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))
}
