// The two kinds of pair work, identical whether run inline or in a worker thread:
// counting agreement patterns (training) and scoring the candidate pairs of some blocks (prediction).

import { forEachPair } from './blocking.ts'
import type { Blocking, BlockTask } from './blocking.ts'
import type { Comparer, Scorer } from './model.ts'

export interface PatternArrays {
  readonly codes: Float64Array
  readonly counts: Float64Array
}

/** Agreement-pattern counts for a list of pairs (a, b interleaved). */
export function countPatterns(comparer: Comparer, pairs: Int32Array): PatternArrays {
  const counts = new Map<number, number>()
  for (let k = 0; k + 1 < pairs.length; k += 2) {
    const code = comparer.pattern(pairs[k] as number, pairs[k + 1] as number)
    counts.set(code, (counts.get(code) ?? 0) + 1)
  }
  const codes = new Float64Array(counts.size)
  const values = new Float64Array(counts.size)
  let i = 0
  for (const [code, count] of counts) {
    codes[i] = code
    values[i] = count
    i++
  }
  return { codes, counts: values }
}

/** Scored pairs kept from some blocks: those at or above the keep floor, in generation order. */
export interface ScoredPairs {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly weight: Float32Array
  readonly flags: Uint8Array
  /** every pair scored, kept or not */
  readonly scored: number
}

/** Score every candidate pair of a task's blocks; keep those with weight ≥ floor. */
export function scoreTask(scorer: Scorer, blocking: Blocking, task: BlockTask, floor: number): ScoredPairs {
  let cap = 1024
  let a = new Int32Array(cap)
  let b = new Int32Array(cap)
  let w = new Float32Array(cap)
  let f = new Uint8Array(cap)
  let kept = 0
  const scored = forEachPair(blocking, task.rule, task.from, task.to, (x, y) => {
    const weight = scorer.score(x, y)
    if (weight < floor) return
    if (kept === cap) {
      cap *= 2
      const na = new Int32Array(cap)
      na.set(a)
      a = na
      const nb = new Int32Array(cap)
      nb.set(b)
      b = nb
      const nw = new Float32Array(cap)
      nw.set(w)
      w = nw
      const nf = new Uint8Array(cap)
      nf.set(f)
      f = nf
    }
    a[kept] = x
    b[kept] = y
    w[kept] = weight
    f[kept] = scorer.flags
    kept++
  })
  return { a: a.slice(0, kept), b: b.slice(0, kept), weight: w.slice(0, kept), flags: f.slice(0, kept), scored }
}

/** Concatenate scored pairs in order. */
export function concatScored(parts: readonly ScoredPairs[]): ScoredPairs {
  const total = parts.reduce((s, p) => s + p.a.length, 0)
  const a = new Int32Array(total)
  const b = new Int32Array(total)
  const weight = new Float32Array(total)
  const flags = new Uint8Array(total)
  let o = 0
  let scored = 0
  for (const p of parts) {
    a.set(p.a, o)
    b.set(p.b, o)
    weight.set(p.weight, o)
    flags.set(p.flags, o)
    o += p.a.length
    scored += p.scored
  }
  return { a, b, weight, flags, scored }
}
