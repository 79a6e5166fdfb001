// Clustering that does not over-merge. Connected components chain strangers together (A looks
// like B, B like C, so A, B and C become one child). Instead, links are taken strongest first and
// two groups of records merge only if
//   - no pair between them is forbidden (possible twins, two different valid identifiers, two
//     records of one source with different identifiers, a duplicate-free source twice), and
//   - the pairs between them agree on average: every pair is scored, including pairs blocking did
//     not propose, and the mean match weight must reach the merge threshold; and
//   - the group being attached has no close runner-up: if it fits another group almost as well,
//     and that group cannot join this one (twins), a person decides.

import { CANNOT_LINK, FLAG_ID_MATCH, GUARD_SIBLINGS, GUARD_TWINS, pairOutcome } from './comparisons.ts'
import type { Constraints } from './decisions.ts'
import type { Scorer } from './model.ts'
import type { ScoredPairs } from './score.ts'
import type { ModelSettings } from './settings.ts'
import { probabilityToWeight } from './settings.ts'

export type ReviewReason = 'between-thresholds' | 'guarded' | 'runner-up' | 'groups-disagree'

export interface ReviewPair {
  readonly a: number
  readonly b: number
  readonly weight: number
  readonly reason: ReviewReason
}

export interface Clusters {
  /** cluster number of each record (0-based, numbered in order of each cluster's first record) */
  readonly clusterOf: Int32Array
  readonly count: number
  readonly review: readonly ReviewPair[]
  readonly stats: {
    readonly linkPairs: number
    readonly merges: number
    readonly refusedGuard: number
    readonly refusedDisagree: number
    readonly refusedRunnerUp: number
    readonly largestCluster: number
    /** groups put together because a person decided two of their records are one child */
    readonly decidedMerges: number
    /** "same child" decisions not applied because other decisions say the groups are different children */
    readonly decisionConflicts: number
  }
}

interface Assessment {
  readonly mean: number
  readonly forbidden: boolean
  /** forbidden only by the names (possible twins or siblings), not by identifiers or sources */
  readonly byNames: boolean
  /** forbidden because a person decided that two of the records are different children */
  readonly decided?: boolean
}

const CLAMP = 30
const NAME_GUARDS = GUARD_TWINS | GUARD_SIBLINGS

/**
 * Cluster records from their scored candidate pairs. `scorer` rescores pairs between groups.
 * Deterministic: pairs are taken in order of weight, then record numbers.
 */
export function clusterRecords(n: number, pairs: ScoredPairs, scorer: Scorer, settings: ModelSettings, constraints?: Constraints): Clusters {
  const linkW = probabilityToWeight(settings.thresholds.link)
  const reviewW = probabilityToWeight(settings.thresholds.review)
  const { mergeWeight, runnerUpMargin, maxCrossPairs } = settings.clustering

  // candidate links, strongest first
  const order: number[] = []
  const review: ReviewPair[] = []
  for (let k = 0; k < pairs.a.length; k++) {
    const w = pairs.weight[k] as number
    const f = pairs.flags[k] as number
    const outcome = pairOutcome(w, f, linkW, reviewW)
    if (outcome === 'link') order.push(k)
    else if (outcome === 'review') review.push({ a: pairs.a[k] as number, b: pairs.b[k] as number, weight: w, reason: (f & CANNOT_LINK) !== 0 ? 'guarded' : 'between-thresholds' })
  }
  const orderIdx = sortByWeight(Uint32Array.from(order), pairs.weight)
  order.length = 0
  for (const k of orderIdx) order.push(k)

  // adjacency of every pair at or above the link weight, guarded or not (for runner-up checks)
  const strong: number[] = []
  for (let k = 0; k < pairs.a.length; k++) if ((pairs.weight[k] as number) >= linkW) strong.push(k)
  const degree = new Int32Array(n + 1)
  for (const k of strong) {
    const a = (pairs.a[k] as number) + 1
    const b = (pairs.b[k] as number) + 1
    degree[a] = (degree[a] as number) + 1
    degree[b] = (degree[b] as number) + 1
  }
  for (let i = 0; i < n; i++) degree[i + 1] = (degree[i + 1] as number) + (degree[i] as number)
  const adjOther = new Int32Array(degree[n] as number)
  const fill = degree.slice(0, n)
  for (const k of strong) {
    const a = pairs.a[k] as number
    const b = pairs.b[k] as number
    adjOther[fill[a] as number] = b
    fill[a] = (fill[a] as number) + 1
    adjOther[fill[b] as number] = a
    fill[b] = (fill[b] as number) + 1
  }

  const parent = new Int32Array(n)
  for (let i = 0; i < n; i++) parent[i] = i
  const members = new Map<number, number[]>()
  const find = (x: number): number => {
    let r = x
    while (parent[r] !== r) r = parent[r] as number
    let y = x
    while (parent[y] !== r) {
      const next = parent[y] as number
      parent[y] = r
      y = next
    }
    return r
  }
  const membersOf = (root: number): number[] => members.get(root) ?? [root]

  // people's decisions: "different children" keeps two groups apart, "the same child" merges them
  const cannot = new Map<number, number[]>()
  const cannotLink = constraints?.cannotLink ?? new Int32Array(0)
  for (let k = 0; k + 1 < cannotLink.length; k += 2) {
    const a = cannotLink[k] as number
    const b = cannotLink[k + 1] as number
    cannot.set(a, [...(cannot.get(a) ?? []), b])
    cannot.set(b, [...(cannot.get(b) ?? []), a])
  }
  const decidedApart = (ra: number, rb: number): boolean => {
    if (cannot.size === 0) return false
    const A = membersOf(ra)
    const B = membersOf(rb)
    const [list, other] = A.length <= B.length ? [A, rb] : [B, ra]
    for (const x of list) for (const y of cannot.get(x) ?? []) if (find(y) === other) return true
    return false
  }
  const merge = (ra: number, rb: number): void => {
    const A = membersOf(ra)
    const B = membersOf(rb)
    const keep = A.length >= B.length ? ra : rb
    const drop = keep === ra ? rb : ra
    parent[drop] = keep
    members.set(keep, membersOf(keep).concat(membersOf(drop)))
    members.delete(drop)
  }
  let decidedMerges = 0
  let decisionConflicts = 0
  const mustLink = constraints?.mustLink ?? new Int32Array(0)
  for (let k = 0; k + 1 < mustLink.length; k += 2) {
    const ra = find(mustLink[k] as number)
    const rb = find(mustLink[k + 1] as number)
    if (ra === rb) continue
    if (decidedApart(ra, rb)) {
      decisionConflicts++
      continue
    }
    merge(ra, rb)
    decidedMerges++
  }

  // Two groups, each holding one given name on two records or more, and the names differ (even as
  // variants: Isabella and Isabelle): two children, most likely twins. A single record with a
  // variant spelling can still join a group.
  const givenCol = scorer.comparer.prepared.columns.given
  const guardNames = settings.familyGuard
  const consistentName = (list: readonly number[]): number => {
    let name = -1
    let named = 0
    for (const x of list) {
      const g = givenCol[x] as number
      if (g < 0) continue
      if (name >= 0 && g !== name) return -1
      name = g
      named++
    }
    return named >= 2 ? name : -1
  }

  /** The one given name every named record of a group carries (-1 when none, or several). */
  const onlyName = (root: number): number => {
    let name = -1
    for (const x of membersOf(root)) {
      const g = givenCol[x] as number
      if (g < 0) continue
      if (name >= 0 && g !== name) return -1
      name = g
    }
    return name
  }
  const carriesName = (root: number, name: number): boolean => membersOf(root).some((x) => givenCol[x] === name)

  const middleCol = scorer.comparer.prepared.columns.middle
  /** A record of group `ra` without middle names whose given name is a given or middle name in group `rb`. */
  const namedLike = (ra: number, rb: number): boolean => {
    const names = new Set<number>()
    for (const y of membersOf(rb)) {
      const g = givenCol[y] as number
      if (g >= 0) names.add(g)
      for (let k = middleCol.offsets[y] as number; k < (middleCol.offsets[y + 1] as number); k++) names.add(middleCol.values[k] as number)
    }
    for (const x of membersOf(ra)) {
      const g = givenCol[x] as number
      if (g >= 0 && middleCol.offsets[x] === middleCol.offsets[x + 1] && names.has(g)) return true
    }
    return false
  }

  const assess = (ra: number, rb: number): Assessment => {
    if (decidedApart(ra, rb)) return { mean: -Infinity, forbidden: true, byNames: false, decided: true }
    const A = membersOf(ra)
    const B = membersOf(rb)
    if (guardNames && A.length >= 2 && B.length >= 2) {
      const na = consistentName(A)
      const nb = consistentName(B)
      if (na >= 0 && nb >= 0 && na !== nb) return { mean: -Infinity, forbidden: true, byNames: true }
    }
    const total = A.length * B.length
    const stride = total > maxCrossPairs ? Math.ceil(total / maxCrossPairs) : 1
    let sum = 0
    let count = 0
    let k = 0
    for (const x of A) {
      for (const y of B) {
        if (k++ % stride !== 0) continue
        const w = scorer.score(Math.min(x, y), Math.max(x, y))
        if ((scorer.flags & CANNOT_LINK) !== 0) return { mean: -Infinity, forbidden: true, byNames: (scorer.flags & CANNOT_LINK & ~NAME_GUARDS) === 0 }
        sum += w > CLAMP ? CLAMP : w < -CLAMP ? -CLAMP : w
        count++
      }
    }
    return { mean: sum / Math.max(1, count), forbidden: false, byNames: false }
  }

  // pairs of groups already refused, with the size they had then (a group that has grown is asked again)
  const refused = new Map<number, number>()
  const seen: number[] = []
  let merges = 0
  let refusedGuard = 0
  let refusedDisagree = 0
  let refusedRunnerUp = 0
  for (const k of order) {
    const a = pairs.a[k] as number
    const b = pairs.b[k] as number
    const w = pairs.weight[k] as number
    const ra = find(a)
    const rb = find(b)
    if (ra === rb) continue
    const A = membersOf(ra)
    const B = membersOf(rb)
    const key = Math.min(ra, rb) * 134_217_728 + Math.max(ra, rb)
    if (refused.get(key) === A.length + B.length) continue
    const here = assess(ra, rb)
    if (here.decided) {
      // a person has already said these are different children: not proposed again
      refused.set(key, A.length + B.length)
      continue
    }
    if (here.forbidden || here.mean < mergeWeight) {
      refused.set(key, A.length + B.length)
      if (here.forbidden) refusedGuard++
      else refusedDisagree++
      review.push({ a: Math.min(a, b), b: Math.max(a, b), weight: w, reason: here.forbidden ? 'guarded' : 'groups-disagree' })
      continue
    }
    // runner-up: does the smaller group fit another group almost as well, one that cannot join this one?
    // (not asked when the two records share an identifier: then they are one child whatever else fits)
    const small = A.length < B.length || (A.length === B.length && ra > rb) ? ra : rb
    const large = small === ra ? rb : ra
    let conflict = false
    seen.length = 0
    seen.push(ra, rb)
    const idMatch = ((pairs.flags[k] as number) & FLAG_ID_MATCH) !== 0
    for (const x of idMatch ? [] : membersOf(small)) {
      for (let e = degree[x] as number; e < (degree[x + 1] as number) && !conflict; e++) {
        const rc = find(adjOther[e] as number)
        if (seen.includes(rc)) continue
        seen.push(rc)
        const alt = assess(small, rc)
        if (alt.forbidden) {
          // the group's given name is also a name of the other child (Charlie; Arthur Charlie, a
          // twin): which child it is, a person decides
          if (alt.byNames && namedLike(small, rc)) conflict = true
          continue
        }
        if (alt.mean < mergeWeight) continue
        // it fits a child of exactly its given name as well, and is about to join a child called
        // otherwise (Henry next to twins Henry and Harry): which one, a person decides
        if (guardNames) {
          const name = onlyName(small)
          if (name >= 0 && onlyName(rc) === name && !carriesName(large, name)) {
            conflict = true
            continue
          }
        }
        const between = assess(large, rc)
        // fits two children who cannot be one (twins, two NHS numbers): always a person's decision;
        // fits two groups that do not agree with each other almost equally: also
        if (between.forbidden || (between.mean < mergeWeight && here.mean - alt.mean < runnerUpMargin)) conflict = true
      }
      if (conflict) break
    }
    if (conflict) {
      refused.set(key, A.length + B.length)
      refusedRunnerUp++
      review.push({ a: Math.min(a, b), b: Math.max(a, b), weight: w, reason: 'runner-up' })
      continue
    }
    // merge the smaller group into the larger
    merge(ra, rb)
    merges++
  }

  const clusterOf = new Int32Array(n)
  const numberOf = new Map<number, number>()
  let count = 0
  let largest = n > 0 ? 1 : 0
  for (let i = 0; i < n; i++) {
    const r = find(i)
    let c = numberOf.get(r)
    if (c === undefined) {
      c = count++
      numberOf.set(r, c)
    }
    clusterOf[i] = c
  }
  for (const list of members.values()) if (list.length > largest) largest = list.length
  // pairs already decided by a person, or between children a person has told apart, are not proposed again
  const finalReview = review.filter((r) => clusterOf[r.a] !== clusterOf[r.b] && !decidedApart(find(r.a), find(r.b)))
  finalReview.sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b)
  return {
    clusterOf,
    count,
    review: dedupeReview(finalReview),
    stats: { linkPairs: order.length, merges, refusedGuard, refusedDisagree, refusedRunnerUp, largestCluster: largest, decidedMerges, decisionConflicts },
  }
}

/**
 * Pair indices ordered by weight, strongest first; equal weights keep their order (the order the
 * pairs were generated in, which does not depend on the number of threads). A radix sort on the
 * float32 bit patterns: linear, where a comparison sort of millions of links is not.
 */
export function sortByWeight(indices: Uint32Array, weight: Float32Array): Uint32Array {
  const n = indices.length
  const bits = new Uint32Array(weight.buffer, weight.byteOffset, weight.length)
  // descending order of the float = ascending order of this key
  const key = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const b = bits[indices[i] as number] as number
    const asc = (b & 0x80000000) !== 0 ? ~b >>> 0 : (b | 0x80000000) >>> 0
    key[i] = ~asc >>> 0
  }
  let src = indices.slice()
  let srcKey = key
  let dst = new Uint32Array(n)
  let dstKey = new Uint32Array(n)
  const count = new Uint32Array(256)
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0)
    for (let i = 0; i < n; i++) count[((srcKey[i] as number) >>> shift) & 255] = (count[((srcKey[i] as number) >>> shift) & 255] as number) + 1
    let sum = 0
    for (let b = 0; b < 256; b++) {
      const c = count[b] as number
      count[b] = sum
      sum += c
    }
    for (let i = 0; i < n; i++) {
      const d = ((srcKey[i] as number) >>> shift) & 255
      const at = count[d] as number
      dst[at] = src[i] as number
      dstKey[at] = srcKey[i] as number
      count[d] = at + 1
    }
    const t = src
    src = dst
    dst = t
    const tk = srcKey
    srcKey = dstKey
    dstKey = tk
  }
  return src
}

function dedupeReview(list: readonly ReviewPair[]): ReviewPair[] {
  const seen = new Set<string>()
  const out: ReviewPair[] = []
  for (const r of list) {
    const key = `${r.a}:${r.b}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(r)
  }
  return out
}
