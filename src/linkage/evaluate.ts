// Linkage quality against known truth: pairwise (the pairs the model links) and cluster-level
// (every pair of records placed in the same cluster) precision, recall and F1.

import { pairOutcome } from './comparisons.ts'
import type { ScoredPairs } from './score.ts'
import { probabilityToWeight } from './settings.ts'
import type { Thresholds } from './settings.ts'

export interface Scores {
  readonly truePositives: number
  readonly predicted: number
  readonly actual: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

export function scores(truePositives: number, predicted: number, actual: number): Scores {
  const precision = predicted === 0 ? (actual === 0 ? 1 : 0) : truePositives / predicted
  const recall = actual === 0 ? 1 : truePositives / actual
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { truePositives, predicted, actual, precision, recall, f1 }
}

function choose2(k: number): number {
  return (k * (k - 1)) / 2
}

/**
 * Number of pairs within groups defined by `groupOf`; with `source`, only pairs whose two
 * records come from different sources (link-only evaluation).
 */
function pairsWithin(groupOf: (i: number) => number, n: number, source: Int32Array | null): number {
  const counts = new Map<number, number>()
  const bySource = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const g = groupOf(i)
    if (g < 0) continue
    counts.set(g, (counts.get(g) ?? 0) + 1)
    if (source) {
      const k = g * 65_536 + (source[i] as number)
      bySource.set(k, (bySource.get(k) ?? 0) + 1)
    }
  }
  let total = 0
  for (const c of counts.values()) total += choose2(c)
  if (source) for (const c of bySource.values()) total -= choose2(c)
  return total
}

export interface Evaluation {
  readonly pairwise: Scores
  readonly cluster: Scores
  /** records whose truth is known */
  readonly labelled: number
}

/**
 * `entityOf[i]` is the true entity of record i (-1 when unknown: such records are left out).
 * Pairwise: the pairs whose outcome is "link". Cluster: all pairs sharing a cluster.
 */
export function evaluateLinkage(options: {
  readonly entityOf: Int32Array
  readonly clusterOf: Int32Array
  readonly pairs: ScoredPairs
  readonly thresholds: Thresholds
  readonly linkOnly: boolean
  readonly source: Int32Array
}): Evaluation {
  const { entityOf, clusterOf, pairs, linkOnly, source } = options
  const n = entityOf.length
  const known = (i: number): boolean => (entityOf[i] as number) >= 0
  const src = linkOnly ? source : null
  const actual = pairsWithin((i) => entityOf[i] as number, n, src)

  const linkW = probabilityToWeight(options.thresholds.link)
  const reviewW = probabilityToWeight(options.thresholds.review)
  let predicted = 0
  let tp = 0
  for (let k = 0; k < pairs.a.length; k++) {
    const a = pairs.a[k] as number
    const b = pairs.b[k] as number
    if (!known(a) || !known(b)) continue
    if (pairOutcome(pairs.weight[k] as number, pairs.flags[k] as number, linkW, reviewW) !== 'link') continue
    predicted++
    if (entityOf[a] === entityOf[b]) tp++
  }

  const clusterPredicted = pairsWithin((i) => (known(i) ? (clusterOf[i] as number) : -1), n, src)
  // a number for each (cluster, entity) combination that occurs
  const combo = new Map<number, number>()
  const comboOf = new Int32Array(n).fill(-1)
  let entities = 0
  for (let i = 0; i < n; i++) entities = Math.max(entities, (entityOf[i] as number) + 1)
  for (let i = 0; i < n; i++) {
    if (!known(i)) continue
    const key = (clusterOf[i] as number) * entities + (entityOf[i] as number)
    let v = combo.get(key)
    if (v === undefined) {
      v = combo.size
      combo.set(key, v)
    }
    comboOf[i] = v
  }
  const clusterTp = pairsWithin((i) => comboOf[i] as number, n, src)
  let labelled = 0
  for (let i = 0; i < n; i++) if (known(i)) labelled++
  return { pairwise: scores(tp, predicted, actual), cluster: scores(clusterTp, clusterPredicted, actual), labelled }
}

/**
 * Merges of different children of one multiple birth: for each group of twin/triplet entities,
 * the number of pairs of its entities that share a cluster.
 */
export function twinFalseMerges(entityOf: Int32Array, clusterOf: Int32Array, twinGroups: readonly (readonly number[])[]): { groups: number; falseMerges: number } {
  const clustersOfEntity = new Map<number, Set<number>>()
  for (let i = 0; i < entityOf.length; i++) {
    const e = entityOf[i] as number
    if (e < 0) continue
    let s = clustersOfEntity.get(e)
    if (!s) {
      s = new Set()
      clustersOfEntity.set(e, s)
    }
    s.add(clusterOf[i] as number)
  }
  let falseMerges = 0
  for (const group of twinGroups) {
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        const cx = clustersOfEntity.get(group[x] as number)
        const cy = clustersOfEntity.get(group[y] as number)
        if (!cx || !cy) continue
        for (const c of cx) {
          if (cy.has(c)) {
            falseMerges++
            break
          }
        }
      }
    }
  }
  return { groups: twinGroups.length, falseMerges }
}
