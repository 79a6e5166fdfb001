// Loading a feed file into the index. Two passes over the file:
//   1. validate every row; a file over the rejection limit (or unreadable as a whole) is refused and
//      nothing is applied; otherwise the load is registered with its rejected rows;
//   2. apply accepted rows in batches, each in one transaction that also advances the load's
//      checkpoint, so a killed loader resumes after the last committed batch.
// A load is identified by (source, SHA-256 of the file): the same file is applied at most once, and
// a second loader on the same file waits on the load's row lock and then finds its batches done.
//
// Matching: a first load into an empty index links all its files at once with the linkage engine
// (bulk: it also trains and saves the model); every later record is matched on its own against the
// records sharing a blocking key (incremental), and either links, waits for review, or starts a new
// child. A record that might belong to a child is held (visible nowhere) until a person decides.
import { createHash, randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import type { Kysely, Transaction } from 'kysely'
import { archiveDueOn } from '../children/lifecycle.ts'
import type { ChildRepository, NewChildInput } from '../children/child.repository.ts'
import type { Child, Database, FeedLoad } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import {
  candidateKeys, DEFAULT_SETTINGS, linkRecords, MODEL_VERSION, parseModel, scoreIncoming, serialiseModel,
  weightToProbability, type Explanation, type IncomingDecision, type LinkRecord, type Thresholds, type TrainedModel,
} from '../linkage/index.ts'
import type { Clock } from '../system/clock.ts'
import type { DatabaseHandle } from '../db/client.ts'
import type { FeedCarer, FeedChild, FeedRecord } from './feed-record.ts'
import { digestFile, feedFormatOf, readFeedRows, type FeedFormat } from './feed-file.ts'
import type { Supplies, ValidationContext } from './feed-validate.ts'
import type { CandidateRow, FeedRepository, RecordColumns } from './feed.repository.ts'
import type { SourceRepository } from './source.repository.ts'
import { survive } from './survivorship.ts'

type Precedences = Awaited<ReturnType<FeedRepository['sourcePrecedences']>>

export const COUNT_NAMES = ['new_children', 'linked', 'review', 'updated', 'unchanged', 'deleted', 'involvements_ended', 'ended_by_extract', 'not_found'] as const
export type CountName = (typeof COUNT_NAMES)[number]
export type Counts = Record<CountName, number>

export interface FeedLoaderOptions {
  readonly clock: Clock
  /** a file with a larger share of rejected rows is refused whole (FEED_MAX_REJECTION_RATE) */
  readonly maxRejectionRate: number
  readonly batchSize?: number
  /** most candidate records an incoming record is compared with */
  readonly candidateCap?: number
  /** link and review thresholds (LINKAGE_LINK_THRESHOLD, LINKAGE_REVIEW_THRESHOLD) */
  readonly thresholds?: Thresholds
}

export interface LoadActor {
  readonly userId: string
  readonly organisationId: string
  readonly roles: readonly string[]
}

export interface LoadRequest {
  readonly sourceCode: string
  readonly path: string
  readonly fileName?: string
  readonly kind: 'full' | 'incremental'
  readonly channel: 'cli' | 'api' | 'system'
  /** null: an operator at the command line; a supplier system account otherwise */
  readonly actor: LoadActor | null
  /** the authority new children from a national source belong to (its code); local sources use their own */
  readonly authorityCode?: string
}

export interface LoadReport {
  readonly loadId: string | null
  readonly source: string
  readonly file: string
  /** applied now; already applied earlier (nothing done); refused (nothing applied) */
  readonly outcome: 'applied' | 'already_applied' | 'refused'
  readonly method: 'bulk' | 'incremental' | null
  readonly refusal: string | null
  readonly rowsRead: number
  readonly accepted: number
  readonly rejected: number
  readonly rejections: readonly { line: number; recordId: string | null; reason: string }[]
  readonly warnings: number
  readonly counts: Counts
  readonly resumed: boolean
  readonly seconds: number
}

interface Source {
  readonly id: string
  readonly code: string
  readonly scope: 'national' | 'local'
  readonly organisationId: string
  readonly authorityId: string | null
  readonly supplies: ReadonlySet<Supplies>
}

interface Prepared {
  readonly request: LoadRequest
  readonly source: Source
  readonly format: FeedFormat
  readonly sha256: string
  readonly authorityId: string
  readonly ctx: ValidationContext
  load: FeedLoad
  /** lines the validation pass rejected: never applied, even if they would pass now */
  rejected: Set<number>
  resumed: boolean
  warnings: number
}

const REPORT_REJECTIONS = 100
/** The checkpoint after the last line (the column is a PostgreSQL integer). */
const END_OF_FILE = 2_147_483_647
const zeroCounts = (): Counts => Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as Counts

const addressText = (lines: readonly string[] | null | undefined, town: string | null | undefined): string | undefined =>
  lines && lines.length > 0 ? [...lines, town].filter(Boolean).join(', ') : undefined

export function toLinkRecord(sourceCode: string, recordId: string, child: FeedChild, carers: readonly { given_name: string; family_name: string }[] = []): LinkRecord {
  return {
    source: sourceCode, recordId, givenName: child.given_name, middleNames: child.middle_names ?? undefined, familyName: child.family_name,
    formerFamilyNames: child.former_family_names?.join(';') || undefined, dateOfBirth: child.date_of_birth,
    gender: child.gender === 'not_specified' ? undefined : child.gender ?? undefined,
    address: addressText(child.address?.lines, child.address?.town), postcode: child.address?.postcode ?? undefined,
    nhsNumber: child.nhs_number ?? undefined, upn: child.upn ?? undefined, carers: carerNames(carers) ?? undefined,
  }
}

function carerNames(carers: readonly { given_name: string; family_name: string }[]): string | null {
  return carers.length > 0 ? carers.map((c) => `${c.given_name} ${c.family_name}`).join('; ') : null
}

export function rowToLinkRecord(r: CandidateRow): LinkRecord {
  return {
    source: r.source_code, recordId: r.record_id, givenName: r.given_name ?? undefined, middleNames: r.middle_names ?? undefined,
    familyName: r.family_name ?? undefined, formerFamilyNames: r.former_family_names.join(';') || undefined,
    dateOfBirth: r.date_of_birth ?? undefined, gender: r.gender === 'not_specified' ? undefined : r.gender ?? undefined,
    address: addressText(r.address_lines, r.town), postcode: r.postcode ?? undefined, nhsNumber: r.nhs_number ?? undefined,
    upn: r.upn ?? undefined, carers: r.carer_names ?? undefined,
  }
}

/** The record's identity payload, canonical: the same content always hashes the same. */
function contentOf(record: FeedRecord): { payload: string; hash: string } {
  const payload = JSON.stringify({ child: record.child ?? null, carers: record.carers ?? [], involvements: record.involvements ?? [] })
  return { payload, hash: createHash('sha256').update(payload).digest('hex') }
}

function newChildInput(authorityId: string, child: FeedChild): NewChildInput {
  return {
    givenName: child.given_name, familyName: child.family_name, gender: child.gender ?? 'not_specified', dateOfBirth: child.date_of_birth,
    responsibleAuthorityId: authorityId, archiveDueOn: archiveDueOn(child.date_of_birth), addressStatus: 'no_known_address',
  }
}

type Executor = Kysely<Database> | Transaction<Database>

export interface PersonRecordMatch {
  readonly decision: IncomingDecision
  /** A shielded child might be this one: the record must be held, and that child never shown. */
  readonly shieldedNearby: boolean
  readonly shieldedChildren: ReadonlySet<string>
}

function personRecordColumns(sourceId: string, record: FeedRecord, child: FeedChild, payload: string, hash: string, keys: readonly string[]): RecordColumns {
  return {
    sourceId, recordId: record.record_id, givenName: child.given_name, middleNames: child.middle_names ?? null,
    familyName: child.family_name, formerFamilyNames: child.former_family_names ?? [], dateOfBirth: child.date_of_birth,
    dateOfDeath: child.date_of_death ?? null, gender: child.gender ?? null, addressLines: child.address?.lines ?? null,
    town: child.address?.town ?? null, postcode: child.address?.postcode ?? null, addressStatus: child.address?.status ?? null,
    returnIntent: child.address?.return_intent ?? null, nhsNumber: child.nhs_number ?? null, upn: child.upn ?? null,
    payload, contentHash: hash, blockKeys: keys, carerNames: null, held: false, loadId: null,
  }
}

export class FeedLoader {
  readonly #database: DatabaseHandle
  readonly #feeds: FeedRepository
  readonly #sources: SourceRepository
  readonly #children: ChildRepository
  readonly #audit: AuditRepository
  readonly #options: Required<Omit<FeedLoaderOptions, 'thresholds'>> & { thresholds: Thresholds | undefined }
  #model: { version: string; model: TrainedModel } | undefined

  constructor(database: DatabaseHandle, deps: { feeds: FeedRepository; sources: SourceRepository; children: ChildRepository; audit: AuditRepository }, options: FeedLoaderOptions) {
    this.#database = database
    this.#feeds = deps.feeds
    this.#sources = deps.sources
    this.#children = deps.children
    this.#audit = deps.audit
    this.#options = { batchSize: 500, candidateCap: 400, thresholds: undefined, ...options }
  }

  /** Load one file. The first load into an empty index is linked in bulk; later ones record by record. */
  async load(request: LoadRequest, onProgress?: (linesDone: number) => void): Promise<LoadReport> {
    return (await this.loadGroup([request], onProgress))[0] as LoadReport
  }

  /**
   * Load several files (an authority's initial data set: one file per source). Into an empty index
   * they are linked together in bulk; otherwise each is loaded record by record, in the order given.
   */
  async loadGroup(requests: readonly LoadRequest[], onProgress?: (linesDone: number) => void): Promise<LoadReport[]> {
    const started = performance.now()
    const prepared: Prepared[] = []
    const reports: LoadReport[] = []
    const model = await this.#activeModel()
    const existingGroup = await this.#existingGroup(requests)
    const bulk = existingGroup !== undefined || (model === undefined && await this.#storeIsEmpty())
    const groupId = bulk ? existingGroup ?? randomUUID() : null
    for (const request of requests) {
      const p = await this.#register(request, bulk ? 'bulk' : 'incremental', groupId)
      if ('outcome' in p) reports.push(p)
      else prepared.push(p)
    }
    if (prepared.length > 0) {
      if (bulk) await this.#applyBulk(prepared, onProgress)
      else {
        if (!model) throw new AppError('conflict', 'There is no linkage model yet and the index is not empty: load the initial data set first with `feed load` into an empty index')
        for (const p of prepared) await this.#applyIncremental(p, model, onProgress)
      }
      for (const p of prepared) reports.push(await this.#finalReport(p, started))
    }
    return requests.map((r) => reports.find((x) => x.file === (r.fileName ?? basename(r.path)) && x.source === r.sourceCode) as LoadReport)
  }

  async #activeModel(): Promise<{ version: string; model: TrainedModel } | undefined> {
    if (this.#model) return this.#model
    const row = await this.#feeds.activeModel()
    if (!row) return undefined
    const model = parseModel(row.model, `linkage model ${row.version}`)
    this.#model = { version: row.version, model: this.#options.thresholds ? { ...model, settings: { ...model.settings, thresholds: this.#options.thresholds } } : model }
    return this.#model
  }

  async #storeIsEmpty(): Promise<boolean> {
    return (await this.#children.count()) === 0
  }

  /** The bulk group an unfinished load of one of these files belongs to, if any. */
  async #existingGroup(requests: readonly LoadRequest[]): Promise<string | undefined> {
    for (const r of requests) {
      const source = await this.#sources.findSourceByCode(r.sourceCode)
      if (!source) continue
      const load = await this.#feeds.loadInProgress(source.id)
      if (load?.method === 'bulk' && load.group_id) return load.group_id
    }
    return undefined
  }

  async #source(request: LoadRequest): Promise<Source> {
    const row = await this.#sources.findSourceByCode(request.sourceCode)
    if (!row) throw new AppError('not_found', `There is no data source '${request.sourceCode}' (see: contactpoint feed sources)`)
    if (!row.active) throw new AppError('conflict', `The data source '${row.code}' is not active`)
    const actor = request.actor
    if (actor && (!actor.roles.includes('data_supplier') || actor.organisationId !== row.organisation_id)) {
      await this.#audit.append({ actorUserId: actor.userId, actorOrganisationId: actor.organisationId, channel: request.channel === 'api' ? 'api' : 'feed', action: 'feed.load', outcome: 'denied', subjectType: 'data_source', subjectId: row.id })
      throw new AppError('forbidden', `You may load only into your own organisation's sources; '${row.code}' belongs to another organisation`)
    }
    return { id: row.id, code: row.code, scope: row.scope, organisationId: row.organisation_id, authorityId: row.authority_id, supplies: new Set(row.supplies as Supplies[]) }
  }

  async #authorityFor(request: LoadRequest, source: Source, orgs: Map<string, string>): Promise<string> {
    if (source.authorityId) return source.authorityId
    if (request.authorityCode) {
      const id = orgs.get(request.authorityCode)
      if (!id) throw new AppError('not_found', `There is no authority '${request.authorityCode}'`)
      return id
    }
    const authorities = await this.#sources.authorityIds()
    if (authorities.length === 1) return authorities[0] as string
    throw new AppError('validation_failed', `'${source.code}' is a national source: say which authority the children are loaded for (--authority CODE)`)
  }

  /** Validation pass and registration; a report at once when there is nothing to apply. */
  async #register(request: LoadRequest, method: 'bulk' | 'incremental', groupId: string | null): Promise<Prepared | LoadReport> {
    const started = performance.now()
    const source = await this.#source(request)
    const format = feedFormatOf(request.path)
    const fileName = request.fileName ?? basename(request.path)
    const { sha256 } = await digestFile(request.path)
    const orgs = await this.#feeds.organisationIds()
    const authorityId = await this.#authorityFor(request, source, orgs)
    const known = await this.#feeds.findLoad(source.id, sha256)
    // a resumed load validates as of the day it started, so no row changes its verdict overnight
    const today = (known?.started_at ?? this.#options.clock.now()).toISOString().slice(0, 10)
    const ctx: ValidationContext = { supplies: source.supplies, organisationCodes: new Set(orgs.keys()), today }
    if (known && known.status !== 'loading') return this.#storedReport(known, source.code, fileName, started)
    if (known) {
      if (known.method !== method) throw new AppError('conflict', `${fileName} is part of an unfinished ${known.method} load: load the same files together again to finish it`)
      return { request, source, format, sha256, authorityId, ctx, load: known, rejected: await this.#feeds.rejectedLines(known.id), resumed: true, warnings: 0 }
    }
    const inProgress = await this.#feeds.loadInProgress(source.id)
    if (inProgress) throw new AppError('conflict', `Source '${source.code}' has an unfinished load of ${inProgress.file_name} (started ${inProgress.started_at.toISOString()}): load that file again to finish it first`)

    let rowsRead = 0
    let warnings = 0
    const rejections: { line: number; recordId: string | null; reason: string }[] = []
    const upsertLines = new Map<string, number>()
    let refusal: string | null = null
    try {
      for await (const row of readFeedRows(request.path, format, source.code, ctx)) {
        rowsRead += 1
        if (!row.result.ok) {
          rejections.push({ line: row.line, recordId: row.result.recordId, reason: row.result.reason })
          continue
        }
        const { record } = row.result
        const earlier = record.op === 'upsert' ? upsertLines.get(record.record_id) : undefined
        if (earlier !== undefined) {
          rejections.push({ line: row.line, recordId: record.record_id, reason: `record_id '${record.record_id}' was already upserted on line ${earlier}: a file carries each record once` })
          continue
        }
        if (record.op === 'upsert') upsertLines.set(record.record_id, row.line)
        warnings += row.result.warnings.length
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      refusal = error.message
    }
    if (refusal === null && rowsRead === 0) refusal = `${fileName} has no records`
    const rate = rowsRead === 0 ? 0 : rejections.length / rowsRead
    if (refusal === null && rate > this.#options.maxRejectionRate) {
      refusal = `${rejections.length} of ${rowsRead} rows (${(rate * 100).toFixed(1)}%) were rejected, more than the ${(this.#options.maxRejectionRate * 100).toFixed(1)}% allowed: nothing was loaded`
    }
    const load = await this.#database.db.transaction().execute((trx) => this.#feeds.insertLoad({
      sourceId: source.id, fileName, sha256, format, kind: request.kind, method, groupId, channel: request.channel, userId: request.actor?.userId ?? null,
      rowsRead, rejections, refusal,
    }, trx))
    const registered = load ?? await this.#feeds.findLoad(source.id, sha256)
    if (!registered) throw new AppError('conflict', `${fileName} could not be registered`)
    if (registered.status !== 'loading') {
      await this.#audit.append({
        actorUserId: request.actor?.userId ?? null, actorOrganisationId: request.actor?.organisationId ?? null, channel: request.channel === 'api' ? 'api' : 'feed',
        action: 'feed.load', outcome: 'failure', subjectType: 'feed_load', subjectId: registered.id, details: { source: source.code, rows: rowsRead, rejected: rejections.length, refused: true },
      })
      return this.#storedReport(registered, source.code, fileName, started)
    }
    return { request, source, format, sha256, authorityId, ctx, load: registered, rejected: new Set(rejections.map((r) => r.line)), resumed: load === undefined, warnings }
  }

  async #storedReport(load: FeedLoad, source: string, file: string, started: number): Promise<LoadReport> {
    const rejections = await this.#feeds.rejections(load.id, REPORT_REJECTIONS)
    return {
      loadId: load.id, source, file, outcome: load.status === 'refused' ? 'refused' : 'already_applied', method: load.method, refusal: load.refusal,
      rowsRead: load.rows_read, accepted: load.rows_read - load.rows_rejected, rejected: load.rows_rejected,
      rejections: rejections.map((r) => ({ line: r.line, recordId: r.record_id, reason: r.reason })), warnings: 0,
      counts: { ...zeroCounts(), ...load.counts }, resumed: false, seconds: (performance.now() - started) / 1000,
    }
  }

  async #finalReport(p: Prepared, started: number): Promise<LoadReport> {
    const load = await this.#feeds.findLoad(p.source.id, p.sha256) as FeedLoad
    const report = await this.#storedReport(load, p.source.code, p.request.fileName ?? basename(p.request.path), started)
    return { ...report, outcome: 'applied', warnings: p.warnings, resumed: p.resumed }
  }

  /** Accepted rows of the file from `fromLine`, in batches of whole lines. */
  async *#batches(p: Prepared, fromLine: number): AsyncGenerator<{ first: number; next: number; rows: { line: number; record: FeedRecord }[] }> {
    let rows: { line: number; record: FeedRecord }[] = []
    let first = fromLine
    for await (const row of readFeedRows(p.request.path, p.format, p.source.code, p.ctx)) {
      if (row.line < fromLine) continue
      if (row.result.ok && !p.rejected.has(row.line)) rows.push({ line: row.line, record: row.result.record })
      if (rows.length >= this.#options.batchSize) {
        yield { first, next: row.line + 1, rows }
        first = row.line + 1
        rows = []
      }
    }
    yield { first, next: END_OF_FILE, rows }
  }

  /**
   * Apply one batch if the checkpoint is where this loader expects it; another loader of the same
   * file may have applied it already (then this one skips ahead). Returns the load after the batch.
   */
  async #inBatch(p: Prepared, first: number, next: number, apply: (trx: Transaction<Database>, counts: Counts) => Promise<void>): Promise<FeedLoad> {
    return this.#database.db.transaction().execute(async (trx) => {
      const load = await this.#feeds.lockLoad(p.load.id, trx)
      if (load.status !== 'loading' || load.phase !== 'records' || load.next_line !== first) return load
      const counts = { ...zeroCounts(), ...load.counts }
      await apply(trx, counts)
      await this.#feeds.advanceLoad(load.id, next, counts, trx)
      return { ...load, next_line: next, counts }
    })
  }

  // --- incremental --------------------------------------------------------------------------

  async #applyIncremental(p: Prepared, model: { version: string; model: TrainedModel }, onProgress?: (lines: number) => void): Promise<void> {
    const orgIds = await this.#feeds.organisationIds()
    const precedences = await this.#feeds.sourcePrecedences()
    for await (const batch of this.#batches(p, p.load.next_line)) {
      if (batch.first < p.load.next_line) continue
      p.load = await this.#inBatch(p, batch.first, batch.next, async (trx, counts) => {
        const touched = new Set<string>()
        for (const { record } of batch.rows) await this.#applyRecord(trx, p, record, model, orgIds, counts, touched)
        await this.#resurvive([...touched], precedences, trx)
      })
      onProgress?.(Math.min(batch.next, p.load.rows_read))
    }
    await this.#finish(p, precedences)
  }

  async #applyRecord(trx: Transaction<Database>, p: Prepared, record: FeedRecord, model: { version: string; model: TrainedModel }, orgIds: Map<string, string>, counts: Counts, touched: Set<string>): Promise<void> {
    const existing = await this.#feeds.findRecord(p.source.id, record.record_id, trx)
    const today = this.#options.clock.now().toISOString().slice(0, 10)
    if (record.op === 'delete') {
      if (!existing || existing.status === 'deleted') {
        counts.not_found += 1
        return
      }
      await this.#feeds.markDeleted(existing.id, this.#options.clock.now(), trx)
      await this.#feeds.retireRecordContributions(existing.id, today, trx)
      if (existing.childId) touched.add(existing.childId)
      counts.deleted += 1
      return
    }
    if (record.op === 'involvement_ended') {
      if (!existing || existing.status === 'deleted') {
        counts.not_found += 1
        return
      }
      counts.involvements_ended += await this.#feeds.endInvolvements(existing.id, (record.involvements ?? []).map((i) => ({ involvementId: i.involvement_id, endedOn: i.ended_on as string })), trx)
      await this.#feeds.touchRecord(existing.id, p.load.id, trx)
      return
    }
    const child = record.child as FeedChild
    const { payload, hash } = contentOf(record)
    if (existing && existing.status === 'active' && existing.contentHash === hash) {
      await this.#feeds.touchRecord(existing.id, p.load.id, trx)
      counts.unchanged += 1
      return
    }
    const linkRecord = toLinkRecord(p.source.code, record.record_id, child, record.carers ?? [])
    const keys = candidateKeys(model.model.settings, linkRecord)
    const id = await this.#feeds.upsertRecord(this.#columns(p, record, child, payload, hash, keys, existing?.held ?? false), trx)
    if (existing?.childId && existing.status === 'active') {
      // a known record keeps its child: the supplier's own identifier says it is the same child
      await this.#contribute(trx, id, existing.childId, record, orgIds, today)
      touched.add(existing.childId)
      counts.updated += 1
      return
    }
    const { decision, shieldedNearby } = await this.#score(model, linkRecord, keys, id, trx)
    if (decision.outcome === 'link' && decision.childId) {
      const best = decision.children.find((c) => c.childId === decision.childId)?.pairs[0]
      await this.#feeds.link({ sourceRecordId: id, childId: decision.childId, decidedBy: 'engine', weight: best?.weight ?? null, probability: best?.probability ?? null, modelVersion: model.version, explanation: best?.explanation }, trx)
      await this.#contribute(trx, id, decision.childId, record, orgIds, today)
      touched.add(decision.childId)
      counts.linked += 1
      return
    }
    if (decision.outcome === 'review' || shieldedNearby) {
      await this.#hold(id, decision, p.authorityId, trx)
      counts.review += 1
      return
    }
    const childId = await this.#newChild(trx, p.authorityId, child)
    await this.#feeds.link({ sourceRecordId: id, childId, decidedBy: 'engine', modelVersion: model.version }, trx)
    await this.#contribute(trx, id, childId, record, orgIds, today)
    touched.add(childId)
    counts.new_children += 1
  }

  /** The record scored against the linked records sharing a blocking key with it (not those a person refused). */
  async #score(model: { version: string; model: TrainedModel }, linkRecord: LinkRecord, keys: readonly string[], recordId: string | null, trx: Executor): Promise<{ decision: IncomingDecision; rows: CandidateRow[]; shieldedNearby: boolean }> {
    const refused = recordId ? await this.#feeds.refusedChildren(recordId, trx) : new Set<string>()
    const rows = (await this.#feeds.candidates(keys, recordId, this.#options.candidateCap, trx)).filter((r) => !refused.has(r.child_id))
    const decision = scoreIncoming(model.model, linkRecord, rows.map((r) => ({ record: rowToLinkRecord(r), childId: r.child_id })), { explain: true })
    const shieldedNearby = rows.some((r) => r.shielded && decision.children.some((c) => c.childId === r.child_id && c.pairs.some((x) => x.outcome !== 'no-link')))
    return { decision, rows, shieldedNearby }
  }

  /** Held: part of no child, visible to no practitioner, until a person decides between the proposals. */
  async #hold(sourceRecordId: string, decision: IncomingDecision, authorityId: string, trx: Transaction<Database>): Promise<void> {
    await this.#feeds.setHeld(sourceRecordId, true, trx)
    const candidates = decision.children.filter((c) => c.pairs.some((x) => x.outcome !== 'no-link')).slice(0, 3)
    await this.#feeds.insertReviews(candidates.map((c) => ({
      kind: 'record' as const, authorityId, sourceRecordId, childId: c.childId, otherChildId: null,
      probability: c.pairs[0]?.probability ?? 0, reason: c.childId === decision.childId ? decision.reason : 'another possible match', explanation: c.pairs[0]?.explanation,
    })), trx)
  }

  // --- records made in the service by people (a practitioner's child not found) ----------------

  /**
   * How a record a person is about to add would match, scored exactly as an incremental feed record
   * is; nothing is stored. `shieldedNearby`: a shielded child might be this one (never to be shown).
   */
  async matchPersonRecord(sourceCode: string, child: FeedChild, carers: readonly FeedCarer[] = []): Promise<PersonRecordMatch> {
    const model = await this.#requireModel()
    const linkRecord = toLinkRecord(sourceCode, 'new', child, carers)
    const { decision, rows, shieldedNearby } = await this.#score(model, linkRecord, candidateKeys(model.model.settings, linkRecord), null, this.#database.db)
    return { decision, shieldedNearby, shieldedChildren: new Set(rows.filter((r) => r.shielded).map((r) => r.child_id)) }
  }

  /**
   * Adds a person's record (in `sourceId`, an authority's own source of records made in the service)
   * and places it: a new child when nothing might be it; otherwise held
   * for the authority's data team with the proposals the engine made, as a feed record would be.
   */
  async addPersonRecord(input: { sourceId: string; sourceCode: string; recordId: string; child: FeedChild; authorityId: string }, trx: Transaction<Database>): Promise<{ sourceRecordId: string; childId: string | null }> {
    const model = await this.#requireModel()
    const record: FeedRecord = { op: 'upsert', record_id: input.recordId, child: input.child }
    const { payload, hash } = contentOf(record)
    const linkRecord = toLinkRecord(input.sourceCode, input.recordId, input.child)
    const keys = candidateKeys(model.model.settings, linkRecord)
    const id = await this.#feeds.upsertRecord(personRecordColumns(input.sourceId, record, input.child, payload, hash, keys), trx)
    const { decision, shieldedNearby } = await this.#score(model, linkRecord, keys, id, trx)
    if (decision.outcome !== 'no-link' || shieldedNearby) {
      await this.#hold(id, decision, input.authorityId, trx)
      return { sourceRecordId: id, childId: null }
    }
    const childId = await this.#newChild(trx, input.authorityId, input.child)
    await this.#feeds.link({ sourceRecordId: id, childId, decidedBy: 'practitioner_created', modelVersion: model.version }, trx)
    await this.resurvive([childId], trx)
    return { sourceRecordId: id, childId }
  }

  async #requireModel(): Promise<{ version: string; model: TrainedModel }> {
    const model = await this.#activeModel()
    if (!model) throw new AppError('service_unavailable', 'Records cannot be added until the initial data set has been loaded')
    return model
  }

  #columns(p: Prepared, record: FeedRecord, child: FeedChild, payload: string, hash: string, keys: readonly string[], held: boolean): RecordColumns {
    return {
      sourceId: p.source.id, recordId: record.record_id, givenName: child.given_name, middleNames: child.middle_names ?? null,
      familyName: child.family_name, formerFamilyNames: child.former_family_names ?? [], dateOfBirth: child.date_of_birth,
      dateOfDeath: child.date_of_death ?? null, gender: child.gender ?? null, addressLines: child.address?.lines ?? null,
      town: child.address?.town ?? null, postcode: child.address?.postcode ?? null, addressStatus: child.address?.status ?? null,
      returnIntent: child.address?.return_intent ?? null, nhsNumber: child.nhs_number ?? null, upn: child.upn ?? null,
      payload, contentHash: hash, blockKeys: keys, carerNames: carerNames(record.carers ?? []), held, loadId: p.load.id,
    }
  }

  /** A new child with the record's identity; survivorship fills in the rest from its linked records. */
  async #newChild(trx: Transaction<Database>, authorityId: string, child: FeedChild): Promise<string> {
    return (await this.#children.create(newChildInput(authorityId, child), trx)).id
  }

  async #contribute(trx: Transaction<Database>, sourceRecordId: string, childId: string, record: FeedRecord, orgIds: Map<string, string>, today: string): Promise<void> {
    await this.#feeds.replaceCarers(sourceRecordId, childId, record.carers ?? [], trx)
    await this.#feeds.syncInvolvements(sourceRecordId, childId, record.involvements ?? [], orgIds, today, trx)
  }

  /** Survivorship for these children from all their linked records; identifiers are shown to their supplier's staff. */
  async #resurvive(childIds: readonly string[], precedences: Precedences, trx: Transaction<Database>): Promise<void> {
    const facts = await this.#feeds.childrenFacts(childIds, precedences, trx)
    const sourceOf = new Map([...facts.values()].flat().map((f) => [f.sourceRecordId, f.sourceId]))
    const issuerOf = (recordId: string) => precedences.get(sourceOf.get(recordId) as string)?.organisationId as string
    const rows = childIds.flatMap((childId) => {
      const s = survive(facts.get(childId) ?? [])
      return s ? [{ childId, s, archiveDueOn: archiveDueOn(s.dateOfBirth) }] : []
    })
    await this.#feeds.applySurvivors(rows, issuerOf, this.#options.clock.now(), trx)
  }

  /** A full extract ends the records it no longer carries; then the load is marked applied. */
  async #finish(p: Prepared, precedences: Precedences): Promise<void> {
    const today = this.#options.clock.now().toISOString().slice(0, 10)
    await this.#database.db.transaction().execute(async (trx) => {
      const load = await this.#feeds.lockLoad(p.load.id, trx)
      if (load.phase === 'records') await this.#feeds.setPhase(load.id, p.request.kind === 'full' ? 'ending' : 'done', load.counts, trx)
    })
    if (p.request.kind === 'full') {
      for (;;) {
        const more = await this.#database.db.transaction().execute(async (trx) => {
          const load = await this.#feeds.lockLoad(p.load.id, trx)
          if (load.phase !== 'ending') return false
          const stale = await this.#feeds.staleRecords(p.source.id, load.id, this.#options.batchSize, trx)
          const counts = { ...zeroCounts(), ...load.counts }
          for (const r of stale) {
            await this.#feeds.markDeleted(r.id, this.#options.clock.now(), trx)
            await this.#feeds.retireRecordContributions(r.id, today, trx)
          }
          await this.#resurvive([...new Set(stale.flatMap((r) => (r.child_id ? [r.child_id] : [])))], precedences, trx)
          counts.ended_by_extract += stale.length
          await this.#feeds.setPhase(load.id, stale.length < this.#options.batchSize ? 'done' : 'ending', counts, trx)
          return stale.length === this.#options.batchSize
        })
        if (!more) break
      }
    }
    await this.#database.db.transaction().execute(async (trx) => {
      const load = await this.#feeds.lockLoad(p.load.id, trx)
      if (load.status !== 'loading') return
      await this.#feeds.finishLoad(load.id, load.counts, this.#options.clock.now(), trx)
      await this.#audit.append({
        actorUserId: p.request.actor?.userId ?? null, actorOrganisationId: p.request.actor?.organisationId ?? null,
        channel: p.request.channel === 'api' ? 'api' : 'feed', action: 'feed.load', outcome: 'success', subjectType: 'feed_load', subjectId: load.id,
        details: { source: p.source.code, method: load.method, kind: load.kind, rows: load.rows_read, rejected: load.rows_rejected, ...load.counts },
      }, trx)
    })
  }

  // --- used by the data-quality queue ---------------------------------------------------------

  /** A held record joins a child because a person said so: its carers and involvements arrive. */
  async joinRecord(sourceRecordId: string, childId: string, userId: string, trx: Transaction<Database>): Promise<void> {
    const stored = await this.#feeds.recordPayload(sourceRecordId, trx)
    await this.#feeds.link({ sourceRecordId, childId, decidedBy: 'person', userId }, trx)
    const orgIds = await this.#feeds.organisationIds(trx)
    await this.#contribute(trx, sourceRecordId, childId, { op: 'upsert', record_id: stored.recordId, ...stored.payload }, orgIds, this.#options.clock.now().toISOString().slice(0, 10))
    await this.resurvive([childId], trx)
  }

  /** A held record that a person found to be nobody known becomes a new child. */
  async recordToNewChild(sourceRecordId: string, authorityId: string, userId: string, trx: Transaction<Database>): Promise<string> {
    const stored = await this.#feeds.recordPayload(sourceRecordId, trx)
    const childId = await this.#newChild(trx, authorityId, stored.payload.child as FeedChild)
    await this.joinRecord(sourceRecordId, childId, userId, trx)
    return childId
  }

  /**
   * Why the engine thinks two children may be one: the closest pair of their records, explained
   * with the saved model (bulk proposals are stored without one; this makes it when a person looks).
   */
  async explainChildren(childId: string, otherChildId: string): Promise<Explanation | null> {
    const model = await this.#activeModel()
    if (!model) return null
    const [mine, theirs] = [await this.#feeds.recordsOfChild(childId), await this.#feeds.recordsOfChild(otherChildId)]
    let best: { weight: number; explanation: Explanation } | null = null
    for (const row of theirs) {
      const decision = scoreIncoming(model.model, rowToLinkRecord(row), mine.map((r) => ({ record: rowToLinkRecord(r), childId })), { explain: true })
      const pair = decision.children[0]?.pairs[0]
      if (pair?.explanation && (!best || pair.weight > best.weight)) best = { weight: pair.weight, explanation: pair.explanation }
    }
    return best?.explanation ?? null
  }

  async resurvive(childIds: readonly string[], trx: Transaction<Database>): Promise<void> {
    await this.#resurvive(childIds, await this.#feeds.sourcePrecedences(trx), trx)
  }

  // --- bulk (initial load) ------------------------------------------------------------------

  async #applyBulk(group: Prepared[], onProgress?: (lines: number) => void): Promise<void> {
    // 1. every accepted record of every file, in file then line order: the engine's input
    const records: LinkRecord[] = []
    const offsets: number[] = []
    for (const p of group) {
      offsets.push(records.length)
      for await (const batch of this.#batches(p, 1)) {
        for (const { record } of batch.rows) {
          if (record.op === 'upsert' && record.child) records.push(toLinkRecord(p.source.code, record.record_id, record.child, record.carers ?? []))
        }
      }
    }
    // 2. link them; the model is trained once and saved before anything is applied, so a resumed
    //    load scores with the same model and reaches the same clusters
    let model = await this.#activeModel()
    const result = await linkRecords(records, model ? { model: model.model } : { settings: DEFAULT_SETTINGS, ...(this.#options.thresholds ? { thresholds: this.#options.thresholds } : {}) })
    if (!model) {
      const version = `${MODEL_VERSION}-${this.#options.clock.now().toISOString()}`
      await this.#database.db.transaction().execute((trx) => this.#feeds.saveModel(version, serialiseModel(result.model), records.length, trx))
      this.#model = undefined
      model = await this.#activeModel() as { version: string; model: TrainedModel }
    }
    const clusterOf = result.clusters.clusterOf
    const settings = model.model.settings

    // 3. the children already made for clusters (by an interrupted run)
    const childOfCluster = new Map<number, string>()
    const indexOf = new Map<string, number>()
    records.forEach((r, i) => indexOf.set(`${r.source}\u0000${r.recordId}`, i))
    for (const [source, recordId, childId] of await this.#sources.linkedRecordsOfSources(group.map((p) => p.source.id))) {
      const i = indexOf.get(`${source}\u0000${recordId}`)
      if (i !== undefined) childOfCluster.set(clusterOf[i] as number, childId)
    }

    // 4. apply file by file, batch by batch
    const orgIds = await this.#feeds.organisationIds()
    const precedences = await this.#feeds.sourcePrecedences()
    let done = 0
    for (const [g, p] of group.entries()) {
      let index = offsets[g] as number
      for await (const batch of this.#batches(p, 1)) {
        const upserts = batch.rows.filter((r) => r.record.op === 'upsert' && r.record.child)
        const indices = upserts.map(() => index++)
        if (batch.first < p.load.next_line) continue
        p.load = await this.#inBatch(p, batch.first, batch.next, async (trx, counts) => {
          // the clusters met for the first time get their children in one statement
          const firsts = new Map<number, FeedChild>()
          for (const [k, { record }] of upserts.entries()) {
            const cluster = clusterOf[indices[k] as number] as number
            if (!childOfCluster.has(cluster) && !firsts.has(cluster)) firsts.set(cluster, record.child as FeedChild)
          }
          const made = await this.#children.createMany([...firsts.values()].map((child) => newChildInput(p.authorityId, child)), trx)
          ;[...firsts.keys()].forEach((cluster, k) => childOfCluster.set(cluster, (made[k] as Child).id))
          counts.new_children += made.length
          counts.linked += upserts.length - made.length
          const columns: RecordColumns[] = []
          const owners: string[] = []
          for (const [k, { record }] of upserts.entries()) {
            const i = indices[k] as number
            const { payload, hash } = contentOf(record)
            columns.push(this.#columns(p, record, record.child as FeedChild, payload, hash, candidateKeys(settings, records[i] as LinkRecord), false))
            owners.push(childOfCluster.get(clusterOf[i] as number) as string)
          }
          const ids = await this.#feeds.insertRecords(columns, trx)
          await this.#feeds.insertLinks(ids.map((id, k) => ({ sourceRecordId: id, childId: owners[k] as string, weight: null, probability: null, modelVersion: model.version })), trx)
          await this.#feeds.insertCarers(upserts.flatMap(({ record }, k) => (record.carers ?? []).map((carer) => ({ sourceRecordId: ids[k] as string, childId: owners[k] as string, carer }))), trx)
          await this.#feeds.insertInvolvements(upserts.flatMap(({ record }, k) => (record.involvements ?? []).map((item) => ({ sourceRecordId: ids[k] as string, childId: owners[k] as string, item }))), orgIds, trx)
        })
        done += batch.rows.length
        onProgress?.(done)
      }
    }
    // 5. what each child shows, from all its records at once (idempotent: a resumed load repeats it)
    for (let after: string | null = null; ;) {
      const ids: string[] = await this.#feeds.childrenOfLoads(group.map((p) => p.load.id), after, this.#options.batchSize, this.#database.db)
      if (ids.length === 0) break
      await this.#database.db.transaction().execute((trx) => this.#resurvive(ids, precedences, trx))
      after = ids[ids.length - 1] as string
    }

    // 6. pairs the engine could not decide: two children that may be one, for a person to judge
    const last = group[group.length - 1] as Prepared
    await this.#database.db.transaction().execute(async (trx) => {
      const reviews = result.clusters.review.flatMap((pair) => {
        const a = childOfCluster.get(clusterOf[pair.a] as number)
        const b = childOfCluster.get(clusterOf[pair.b] as number)
        return a && b && a !== b ? [{ kind: 'children' as const, authorityId: last.authorityId, sourceRecordId: null, childId: a, otherChildId: b, probability: weightToProbability(pair.weight), reason: pair.reason }] : []
      })
      const added = await this.#feeds.insertReviews(reviews, trx)
      const load = await this.#feeds.lockLoad(last.load.id, trx)
      await this.#feeds.setPhase(load.id, load.phase, { ...zeroCounts(), ...load.counts, review: (load.counts.review ?? 0) + added }, trx)
    })
    for (const p of group) await this.#finish(p, precedences)
  }
}
