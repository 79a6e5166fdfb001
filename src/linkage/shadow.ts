// Shadow re-match: what a new model or new thresholds would change, without changing anything.
// Given the records as they are now linked (each with its current child), the model in use and a
// candidate model (or the same model with new thresholds), every candidate pair — pairs blocking
// proposes under either model, and every pair of records of one current child — is scored with
// both, and the differences are reported:
//   - new links: records of two different children that the new model would link (and the old did not);
//   - broken links: records of one child that the old model linked and the new would not;
//   - new reviews: pairs the new model would send to a person and the old did not;
//   - resolved reviews: pairs the old model sent to a person and the new decides either way.
// Pure and deterministic; the feeds loader decides what to do with the report.

import { buildBlocking, forEachPair } from './blocking.ts'
import { pairOutcome } from './comparisons.ts'
import type { RecordRef } from './decisions.ts'
import { Scorer } from './model.ts'
import type { TrainedModel } from './model.ts'
import { Preparer } from './prepare.ts'
import { extrasNeeded } from './comparisons.ts'
import { probabilityToWeight } from './settings.ts'
import type { Thresholds } from './settings.ts'
import type { LinkRecord, Outcome } from './types.ts'

export interface LinkedRecord {
  readonly record: LinkRecord
  /** the child the record is linked to now */
  readonly childId: string
}

export interface ShadowSide {
  readonly model: TrainedModel
  /** thresholds from configuration (default: the model's) */
  readonly thresholds?: Thresholds
}

export interface PairChange {
  readonly a: RecordRef
  readonly b: RecordRef
  /** the two records belong to one child now */
  readonly sameChildNow: boolean
  readonly before: { readonly weight: number; readonly outcome: Outcome }
  readonly after: { readonly weight: number; readonly outcome: Outcome }
}

export interface ShadowReport {
  readonly records: number
  readonly pairsCompared: number
  readonly newLinks: readonly PairChange[]
  readonly brokenLinks: readonly PairChange[]
  readonly newReviews: readonly PairChange[]
  readonly resolvedReviews: readonly PairChange[]
  /** children that would be joined to another (from new links) and split (from broken links) */
  readonly childrenJoined: number
  readonly childrenSplit: number
}

const MAX_CHILD_PAIRS = 200

/** What moving from `before` to `after` would change for these linked records (nothing is applied). */
export function shadowRematch(linked: readonly LinkedRecord[], before: ShadowSide, after: ShadowSide): ShadowReport {
  const extras = [...extrasNeeded(before.model.settings.comparisons), ...extrasNeeded(after.model.settings.comparisons)]
  const preparer = new Preparer({ extras: extras.filter((e, k) => extras.findIndex((x) => x.field === e.field && x.kind === e.kind) === k) })
  for (const l of linked) preparer.add(l.record)
  const prepared = preparer.finish()
  const n = prepared.columns.n

  // candidate pairs: blocking under either model, and the pairs within each current child
  const seen = new Set<number>()
  const pairs: number[] = []
  const add = (a: number, b: number): void => {
    const x = Math.min(a, b)
    const y = Math.max(a, b)
    const key = x * n + y
    if (x === y || seen.has(key)) return
    seen.add(key)
    pairs.push(x, y)
  }
  for (const side of [before, after]) {
    const s = side.model.settings
    const blocking = buildBlocking(prepared, s.blocking, s.maxBlockSize, s.linkType === 'link-only')
    blocking.rules.forEach((rule, r) => forEachPair(blocking, r, 0, rule.blockOffsets.length - 1, add))
  }
  const byChild = new Map<string, number[]>()
  linked.forEach((l, i) => byChild.set(l.childId, [...(byChild.get(l.childId) ?? []), i]))
  for (const list of byChild.values()) {
    let k = 0
    for (let x = 0; x < list.length && k < MAX_CHILD_PAIRS; x++) for (let y = x + 1; y < list.length && k < MAX_CHILD_PAIRS; y++, k++) add(list[x] as number, list[y] as number)
  }

  const judge = (side: ShadowSide): ((a: number, b: number) => { weight: number; outcome: Outcome }) => {
    const scorer = new Scorer(side.model, prepared, 'model')
    const t = side.thresholds ?? side.model.settings.thresholds
    const linkW = probabilityToWeight(t.link)
    const reviewW = probabilityToWeight(t.review)
    return (a, b) => {
      const weight = scorer.score(a, b)
      return { weight, outcome: pairOutcome(weight, scorer.flags, linkW, reviewW) }
    }
  }
  const old = judge(before)
  const next = judge(after)
  const ref = (i: number): RecordRef => ({ source: (linked[i] as LinkedRecord).record.source, recordId: (linked[i] as LinkedRecord).record.recordId })
  const newLinks: PairChange[] = []
  const brokenLinks: PairChange[] = []
  const newReviews: PairChange[] = []
  const resolvedReviews: PairChange[] = []
  const joined = new Set<string>()
  const split = new Set<string>()
  for (let k = 0; k < pairs.length; k += 2) {
    const a = pairs[k] as number
    const b = pairs[k + 1] as number
    const was = old(a, b)
    const will = next(a, b)
    if (was.outcome === will.outcome) continue
    const ca = (linked[a] as LinkedRecord).childId
    const cb = (linked[b] as LinkedRecord).childId
    const change: PairChange = { a: ref(a), b: ref(b), sameChildNow: ca === cb, before: was, after: will }
    if (will.outcome === 'link' && ca !== cb) {
      newLinks.push(change)
      joined.add(ca)
      joined.add(cb)
    } else if (was.outcome === 'link' && ca === cb) {
      brokenLinks.push(change)
      split.add(ca)
    }
    if (will.outcome === 'review') newReviews.push(change)
    else if (was.outcome === 'review') resolvedReviews.push(change)
  }
  const order = (x: PairChange, y: PairChange): number => y.after.weight - x.after.weight || `${x.a.source} ${x.a.recordId}`.localeCompare(`${y.a.source} ${y.a.recordId}`) || `${x.b.source} ${x.b.recordId}`.localeCompare(`${y.b.source} ${y.b.recordId}`)
  return {
    records: n,
    pairsCompared: pairs.length / 2,
    newLinks: newLinks.sort(order),
    brokenLinks: brokenLinks.sort(order),
    newReviews: newReviews.sort(order),
    resolvedReviews: resolvedReviews.sort(order),
    childrenJoined: joined.size,
    childrenSplit: split.size,
  }
}
