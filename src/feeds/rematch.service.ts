// Re-matching after a model or threshold change, shadow first: every linked record of the index is
// scored under the model in use and under the proposed one (a new model file, or new thresholds),
// and what would change is reported — links that would form between children, links within a child
// that would break, reviews that would appear or go. Nothing changes unless the operator applies a
// new model; even then existing children are never merged or split by the engine: each pair that
// would now link two children goes to the data-quality queue for a person (with four eyes).
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { MODEL_VERSION, parseModel, serialiseModel, shadowRematch, weightToProbability, type ShadowReport, type Thresholds, type TrainedModel } from '../linkage/index.ts'
import type { Clock } from '../system/clock.ts'
import { AppError } from '../errors.ts'
import { rowToLinkRecord } from './feed-loader.service.ts'
import type { FeedRepository } from './feed.repository.ts'

const PAGE = 5000

export interface RematchRequest {
  /** a proposed model (JSON, as `contactpoint link --save-model` writes); default: the model in use */
  readonly model?: TrainedModel
  /** proposed thresholds; default: those in use */
  readonly thresholds?: Thresholds
  /** make the proposed model the one in use, and queue the new links between children for review */
  readonly apply?: boolean
}

export interface RematchResult {
  readonly report: ShadowReport
  readonly applied: { readonly version: string; readonly reviewsQueued: number } | null
}

export class RematchService {
  readonly #db: Kysely<Database>
  readonly #feeds: FeedRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock
  readonly #thresholds: Thresholds | undefined

  constructor(d: { db: Kysely<Database>; feeds: FeedRepository; audit: AuditRepository; clock: Clock; thresholds?: Thresholds }) {
    this.#db = d.db
    this.#feeds = d.feeds
    this.#audit = d.audit
    this.#clock = d.clock
    this.#thresholds = d.thresholds
  }

  async run(request: RematchRequest): Promise<RematchResult> {
    const active = await this.#feeds.activeModel()
    if (!active) throw new AppError('conflict', 'The index has no linkage model yet: the first feed load trains one')
    const current = parseModel(active.model, `linkage model ${active.version}`)
    const before = { model: current, ...(this.#thresholds ? { thresholds: this.#thresholds } : {}) }
    const proposed = request.model ?? current
    const after = { model: proposed, ...(request.thresholds ?? this.#thresholds ? { thresholds: request.thresholds ?? this.#thresholds } : {}) }
    if (request.apply && !request.model) {
      throw new AppError('validation_failed', 'Only a new model is applied here; thresholds are configuration (LINKAGE_LINK_THRESHOLD, LINKAGE_REVIEW_THRESHOLD)')
    }

    const rows = []
    for (let last: string | null = null; ;) {
      const page = await this.#feeds.linkedRecordsPage(last, PAGE)
      rows.push(...page)
      if (page.length < PAGE) break
      last = page[page.length - 1]?.source_record_id as string
    }
    const report = shadowRematch(rows.map((r) => ({ record: rowToLinkRecord(r), childId: r.child_id })), before, after)
    if (!request.apply) return { report, applied: null }

    const childOf = new Map(rows.map((r) => [`${r.source_code}\u0000${r.record_id}`, r.child_id]))
    const version = `${MODEL_VERSION}-${this.#clock.now().toISOString()}`
    const reviewsQueued = await this.#db.transaction().execute(async (trx) => {
      await this.#feeds.saveModel(version, serialiseModel(proposed), rows.length, trx)
      const authorities = await this.#feeds.authoritiesOf([...new Set(report.newLinks.flatMap((c) => [childOf.get(`${c.a.source}\u0000${c.a.recordId}`) as string]))], trx)
      const queued = await this.#feeds.insertReviews(report.newLinks.flatMap((c) => {
        const a = childOf.get(`${c.a.source}\u0000${c.a.recordId}`)
        const b = childOf.get(`${c.b.source}\u0000${c.b.recordId}`)
        const authorityId = a ? authorities.get(a) : undefined
        return a && b && a !== b && authorityId ? [{ kind: 'children' as const, authorityId, sourceRecordId: null, childId: a, otherChildId: b, probability: weightToProbability(c.after.weight), reason: `the new linkage model (${version}) would link them` }] : []
      }), trx)
      await this.#audit.append({
        channel: 'cli', action: 'linkage.model_applied', outcome: 'success', subjectType: 'linkage_model', subjectId: version,
        details: { previous: active.version, records: rows.length, newLinks: report.newLinks.length, brokenLinks: report.brokenLinks.length, reviewsQueued: queued },
      }, trx)
      return queued
    })
    return { report, applied: { version, reviewsQueued } }
  }
}
