// The authority's data-quality queue. A held record: a person says which child it is (it joins
// that child) or that it is nobody proposed (it becomes a new child once no proposal is left). Two
// children that may be one: a person proposes the merge and a second person approves it (four
// eyes); the merged child keeps its ContactPoint ID, pointing at the survivor ("replaced by"), and a
// split restores it with exactly what moved. 'Different' decisions are kept and never proposed again.
import type { Kysely } from 'kysely'
import type { Database, MatchReview } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { decide, type Action } from '../governance/policy.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { FeedLoader } from './feed-loader.service.ts'
import type { FeedRepository } from './feed.repository.ts'
import type { ConflictItem, MergeItem, QueueItem, ReviewRepository, ReviewSide } from './review.repository.ts'
import type { Explanation } from '../linkage/explain.ts'
import { publishChange } from '../notifications/notification.repository.ts'

export type Verdict = 'same' | 'different'

export interface ReviewDetail {
  readonly review: QueueItem
  /** the held record (a record proposal) or the other child (two children that may be one) */
  readonly left: ReviewSide
  /** the child proposed */
  readonly right: ReviewSide
  readonly explanation: Explanation | null
}

export interface ReviewContext {
  readonly channel: 'web' | 'cli'
  readonly clientIp?: string | null
  readonly requestId?: string | null
}

export class ReviewService {
  readonly #db: Kysely<Database>
  readonly #reviews: ReviewRepository
  readonly #feeds: FeedRepository
  readonly #loader: FeedLoader
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; reviews: ReviewRepository; feeds: FeedRepository; loader: FeedLoader; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#reviews = d.reviews
    this.#feeds = d.feeds
    this.#loader = d.loader
    this.#audit = d.audit
    this.#clock = d.clock
  }

  async queue(actor: UserWithRoles, authorityId: string, limit = 100): Promise<QueueItem[]> {
    this.#allow(actor, 'review.decide', authorityId)
    return this.#reviews.queue(authorityId, limit)
  }

  /**
   * One proposal, both sides as they stand and the engine's explanation. Opening it shows personal
   * data of the held record and the children, so the view is audited like a record view.
   */
  async detail(actor: UserWithRoles, reviewId: string, context: ReviewContext): Promise<ReviewDetail> {
    const review = await this.#reviews.find(reviewId)
    if (!review) throw new AppError('not_found', 'That review was not found')
    this.#allow(actor, 'review.decide', review.authority_id)
    const left = review.kind === 'record'
      ? await this.#reviews.recordSide(review.source_record_id as string)
      : await this.#reviews.childSide(review.other_child_id as string)
    const right = await this.#reviews.childSide(review.child_id)
    if (!left || !right) throw new AppError('not_found', 'That review was not found')
    await this.#audit.append({
      channel: context.channel, action: 'review.view', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
      subjectType: 'match_review', subjectId: review.id, details: { kind: review.kind, child: review.child_contactpoint_id },
      clientIp: context.clientIp ?? null, requestId: context.requestId ?? null, occurredAt: this.#clock.now(),
    })
    const explanation = (review.explanation ?? null) as Explanation | null
    return { review, left, right, explanation: explanation ?? (review.kind === 'children' ? await this.#loader.explainChildren(review.child_id, review.other_child_id as string) : null) }
  }

  async conflicts(actor: UserWithRoles, authorityId: string, limit = 200): Promise<ConflictItem[]> {
    this.#allow(actor, 'review.decide', authorityId)
    return this.#reviews.conflicts(authorityId, limit)
  }

  /**
   * The data manager has dealt with a disagreement (asked the sources to correct it). It opens again
   * only if the sources still disagree the next time the child's records change.
   */
  async resolveConflict(actor: UserWithRoles, conflictId: string, context: ReviewContext): Promise<void> {
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      const conflict = await this.#reviews.lockConflict(conflictId, trx)
      if (!conflict) throw new AppError('not_found', 'That disagreement was not found')
      this.#allow(actor, 'review.decide', conflict.responsible_authority_id)
      if (conflict.status !== 'open') throw new AppError('conflict', 'That disagreement has already been resolved')
      await this.#reviews.resolveConflict(conflictId, actor.id, now, trx)
      await this.#audit.append({
        channel: context.channel, action: 'conflict.resolve', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'child', subjectId: conflict.contactpoint_id, details: { field: conflict.field },
        clientIp: context.clientIp ?? null, requestId: context.requestId ?? null, occurredAt: now,
      }, trx)
    })
  }

  async merges(actor: UserWithRoles, authorityId: string, limit = 100): Promise<MergeItem[]> {
    this.#allow(actor, 'child.split', authorityId)
    return this.#reviews.merges(authorityId, limit)
  }

  /** A person's verdict on one proposal. */
  async decide(actor: UserWithRoles, reviewId: string, verdict: Verdict, context: ReviewContext): Promise<MatchReview['status']> {
    const now = this.#clock.now()
    return this.#db.transaction().execute(async (trx) => {
      const review = await this.#reviews.lock(reviewId, trx)
      if (!review) throw new AppError('not_found', 'That review was not found')
      this.#allow(actor, 'review.decide', review.authority_id)
      if (review.status !== 'open') throw new AppError('conflict', `That review has already been decided (${review.status.replace('_', ' ')})`)
      let status: MatchReview['status']
      if (review.kind === 'record') {
        const recordId = review.source_record_id as string
        if (verdict === 'same') {
          await this.#loader.joinRecord(recordId, review.child_id, actor.id, trx)
          await this.#reviews.withdrawOthers(recordId, review.id, actor.id, now, trx)
          status = 'same'
        } else {
          await this.#feeds.rejectLink(recordId, review.child_id, actor.id, trx)
          status = 'different'
        }
        await this.#reviews.setStatus(review.id, { status, decidedBy: actor.id, now }, trx)
        if (verdict === 'different' && await this.#reviews.openForRecord(recordId, trx) === 0) {
          await this.#loader.recordToNewChild(recordId, review.authority_id, actor.id, trx)
        }
      } else {
        status = verdict === 'same' ? 'awaiting_approval' : 'different'
        await this.#reviews.setStatus(review.id, { status, decidedBy: actor.id, now }, trx)
      }
      await this.#audit.append({
        channel: context.channel, action: 'review.decide', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'match_review', subjectId: review.id, reasonCode: verdict, details: { kind: review.kind, status },
        clientIp: context.clientIp ?? null, requestId: context.requestId ?? null, occurredAt: now,
      }, trx)
      return status
    })
  }

  /** The second person approves a proposed merge of two children: it happens now. */
  async approveMerge(actor: UserWithRoles, reviewId: string, context: ReviewContext): Promise<{ mergeId: string; survivorId: string; mergedId: string }> {
    const now = this.#clock.now()
    return this.#db.transaction().execute(async (trx) => {
      const review = await this.#reviews.lock(reviewId, trx)
      if (!review || review.kind !== 'children') throw new AppError('not_found', 'That merge proposal was not found')
      this.#allow(actor, 'child.approve_merge', review.authority_id)
      if (review.status !== 'awaiting_approval') throw new AppError('conflict', 'Only a merge someone has proposed can be approved')
      if (review.decided_by_user_id === actor.id) throw new AppError('forbidden', 'A merge needs a second person: someone other than its proposer must approve it')
      const [a, b] = [await this.#reviews.child(review.child_id, trx), await this.#reviews.child(review.other_child_id as string, trx)]
      if (!a || !b || a.status !== 'active' || b.status !== 'active') throw new AppError('conflict', 'Both children must still be active records to merge')
      // the older record survives: its ContactPoint ID is the one more people know
      const [survivor, merged] = a.created_at <= b.created_at ? [a, b] : [b, a]
      const moved = await this.#reviews.merge(merged.id, survivor.id, trx)
      const mergeId = await this.#reviews.recordMerge({ from: merged.id, into: survivor.id, reviewId: review.id, moved, decidedBy: review.decided_by_user_id as string, approvedBy: actor.id }, trx)
      await this.#reviews.setStatus(review.id, { status: 'same', approvedBy: actor.id, now }, trx)
      await this.#loader.resurvive([survivor.id], trx)
      await this.#audit.append({
        channel: context.channel, action: 'child.merge', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'child', subjectId: survivor.contactpoint_id, details: { merged: merged.contactpoint_id, records: moved.length, proposedBy: review.decided_by_user_id },
        clientIp: context.clientIp ?? null, requestId: context.requestId ?? null, occurredAt: now,
      }, trx)
      await publishChange(trx, { type: 'child.merged', childId: merged.id, contactPointId: merged.contactpoint_id, replacedBy: survivor.contactpoint_id, occurredAt: now })
      return { mergeId, survivorId: survivor.id, mergedId: merged.id }
    })
  }

  /** Undo a merge (the two were different children after all): the merged record lives again. */
  async split(actor: UserWithRoles, mergedContactPointId: string, context: ReviewContext): Promise<void> {
    const merged = await this.#reviews.findChildByContactPointId(mergedContactPointId)
    const merge = merged && await this.#reviews.activeMergeOf(merged.id)
    if (!merged || !merge) throw new AppError('not_found', 'No merged record with that ContactPoint ID was found')
    this.#allow(actor, 'child.split', merged.responsible_authority_id)
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      const locked = await this.#reviews.lockMerge(merge.id, trx)
      if (!locked || locked.split_at) throw new AppError('conflict', 'That merge has already been split')
      await this.#reviews.split(locked, actor.id, now, trx)
      await this.#loader.resurvive([locked.merged_child_id, locked.into_child_id], trx)
      await this.#audit.append({
        channel: context.channel, action: 'child.split', outcome: 'success', actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
        subjectType: 'child', subjectId: mergedContactPointId, details: { records: locked.moved_record_ids.length },
        clientIp: context.clientIp ?? null, requestId: context.requestId ?? null, occurredAt: now,
      }, trx)
      await publishChange(trx, { type: 'child.split', childId: locked.merged_child_id, contactPointId: mergedContactPointId, occurredAt: now })
    })
  }

  #allow(actor: UserWithRoles, action: Action, authorityId: string): void {
    const d = decide(actor, action, { authorityId })
    if (!d.allowed) throw new AppError('forbidden', `This cannot be done: ${d.reason}`)
  }
}
