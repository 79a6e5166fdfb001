// Training without labelled data (the Splink recipe, written for this engine):
//  1. u — P(level | different children) — from random pairs, which are almost all non-matches;
//  2. the prior λ — from pairs agreeing on strict rules (same NHS number; same names and date of
//     birth), divided by the share of true matches those rules are assumed to find;
//  3. m — P(level | same child) — by expectation–maximisation on the pairs of a few training
//     blocks, u held fixed; a comparison used by a training block is not estimated in that
//     session (the block forces its agreement); each level's m is the median across sessions.
// Everything is deterministic: random pairs come from a seeded generator.

import { buildRuleBlocks, ruleName } from './blocking.ts'
import type { RuleBlocks } from './blocking.ts'
import { comparisonName, LEVELS } from './comparisons.ts'
import { MODEL_FORMAT, MODEL_VERSION } from './model.ts'
import type { FrequencyTable, ModelComparison, TrainedModel, TrainingReport, WordWeights } from './model.ts'
import type { Prepared } from './prepare.ts'
import type { BlockingRule, ComparisonKind, ComparisonSpec, KeyPart, ModelSettings } from './settings.ts'

/** A small, fast, seeded generator (mulberry32): deterministic "random" pairs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Aggregated agreement patterns: code → number of pairs. */
export type PatternCounts = Map<number, number>

export function mergePatterns(into: PatternCounts, from: PatternCounts | { codes: Float64Array; counts: Float64Array }): void {
  if (from instanceof Map) {
    for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v)
    return
  }
  for (let i = 0; i < from.codes.length; i++) {
    const k = from.codes[i] as number
    into.set(k, (into.get(k) ?? 0) + (from.counts[i] as number))
  }
}

/** A deterministic sample of `count` random pairs (a ≠ b; different sources when link-only). */
export function randomPairs(p: Prepared, count: number, seed: number, linkOnly: boolean): Int32Array {
  const n = p.columns.n
  const out = new Int32Array(count * 2)
  if (n < 2) return out.subarray(0, 0)
  const rnd = seededRandom(seed)
  const source = p.columns.source
  let k = 0
  let attempts = 0
  while (k < count && attempts < count * 50) {
    attempts++
    const a = Math.floor(rnd() * n)
    const b = Math.floor(rnd() * n)
    if (a === b) continue
    if (linkOnly && source[a] === source[b]) continue
    out[2 * k] = Math.min(a, b)
    out[2 * k + 1] = Math.max(a, b)
    k++
  }
  return out.subarray(0, 2 * k)
}

/**
 * Pairs within the blocks of a rule (blocks up to `cap` records), thinned to about `maxPairs` by
 * taking every k-th pair. Deterministic.
 */
export function blockPairs(blocks: RuleBlocks, maxPairs: number, linkOnly: boolean, source: Int32Array): { pairs: Int32Array; total: number } {
  const total = blocks.stats.pairs
  const stride = Math.max(1, Math.ceil(total / Math.max(1, maxPairs)))
  const out = new Int32Array(Math.min(total, maxPairs + 1) * 2 + 2)
  let k = 0
  let base = 0 // pairs in the blocks before this one
  const { blockOffsets, members } = blocks
  const nb = blockOffsets.length - 1
  outer: for (let b = 0; b < nb; b++) {
    const s = blockOffsets[b] as number
    const size = (blockOffsets[b + 1] as number) - s
    // the pairs of a block in order: (0,1) (0,2) … (0,size-1) (1,2) …; take those whose overall
    // position is a multiple of the stride, jumping straight to them
    let rowStart = 0
    for (let x = 0; x < size - 1; x++) {
      const rowLength = size - 1 - x
      const first = Math.ceil((base + rowStart) / stride) * stride - base
      for (let t = first; t < rowStart + rowLength; t += stride) {
        const y = x + 1 + (t - rowStart)
        const a = members[s + x] as number
        const c = members[s + y] as number
        if (linkOnly && source[a] === source[c]) continue
        if (2 * k + 1 >= out.length) break outer
        out[2 * k] = a
        out[2 * k + 1] = c
        k++
      }
      rowStart += rowLength
    }
    base += (size * (size - 1)) / 2
  }
  return { pairs: out.subarray(0, 2 * k), total }
}

/** Which comparisons a blocking rule forces to agree (not estimated in that EM session). */
export function comparisonsUsedBy(rule: BlockingRule, comparisons: readonly ComparisonSpec[]): boolean[] {
  const kindsFor = (part: KeyPart): ComparisonKind[] => {
    if (part.startsWith('dob') || part.startsWith('birth')) return ['date-of-birth']
    if (part.startsWith('given')) return ['given-name']
    if (part.startsWith('family')) return ['family-name']
    if (part === 'names-unordered') return ['given-name', 'family-name']
    if (part === 'gender') return ['gender']
    if (part.startsWith('postcode')) return ['postcode', 'residence']
    if (part === 'address') return ['address', 'residence']
    if (part === 'nhs-number') return ['nhs-number']
    if (part === 'upn') return ['upn']
    return []
  }
  const kinds = new Set(rule.keys.flatMap(kindsFor))
  const fields = new Set(rule.keys.filter((k) => k.startsWith('extra')).map((k) => k.slice(k.indexOf(':') + 1)))
  return comparisons.map((c) => kinds.has(c.kind) || (c.field !== undefined && fields.has(c.field)))
}

// ---------------------------------------------------------------------------------------------
// Default parameters: the starting point of EM and the weak prior that keeps rare levels sane.

const DEFAULT_M: Readonly<Record<ComparisonKind, readonly number[]>> = {
  'given-name': [0, 0.82, 0.04, 0.04, 0.005, 0.01, 0.01, 0.02, 0.01, 0.045],
  'family-name': [0, 0.84, 0.005, 0.03, 0.02, 0.03, 0.01, 0.015, 0.05],
  'date-of-birth': [0, 0.9, 0.01, 0.03, 0.005, 0.01, 0.01, 0.035],
  gender: [0, 0.97, 0.03],
  postcode: [0, 0.75, 0.04, 0.05, 0.04, 0.12],
  address: [0, 0.6, 0.15, 0.08, 0.05, 0.12],
  residence: [0, 0.6, 0.08, 0.03, 0.02, 0.02, 0.03, 0.05, 0.07, 0.1],
  'nhs-number': [0, 0.95, 0.02, 0.005, 0.025],
  upn: [0, 0.95, 0.02, 0.005, 0.025],
  carers: [0, 0.8, 0.1, 0.04, 0.06],
  'extra-exact': [0, 0.8, 0.2],
  'extra-text': [0, 0.75, 0.08, 0.05, 0.12],
  'extra-tokens': [0, 0.5, 0.2, 0.1, 0.08, 0.12],
  'extra-id': [0, 0.9, 0.04, 0.06],
}

export function defaultM(kind: ComparisonKind): readonly number[] {
  return DEFAULT_M[kind]
}

/** Strength of the default m (pseudo-pairs) in EM's m-step. */
const M_PSEUDO_PAIRS = 20

export interface EmResult {
  readonly m: number[][]
  readonly lambda: number
  readonly iterations: number
  readonly converged: boolean
}

/**
 * Expectation–maximisation of m (u fixed) on aggregated agreement patterns.
 * Comparisons with `include[c] === false` take no part (neither in the likelihood nor estimated).
 */
export function expectationMaximisation(options: {
  readonly patterns: PatternCounts
  readonly levelCounts: readonly number[]
  readonly include: readonly boolean[]
  readonly u: readonly (readonly number[])[]
  readonly mStart: readonly (readonly number[])[]
  readonly mPrior: readonly (readonly number[])[]
  readonly lambdaStart: number
  readonly maxIterations: number
  readonly tolerance: number
}): EmResult {
  const { patterns, levelCounts, include, u } = options
  const nc = levelCounts.length
  const codes = [...patterns.keys()].sort((a, b) => a - b)
  const np = codes.length
  const levels = new Uint8Array(np * nc)
  const counts = new Float64Array(np)
  let total = 0
  codes.forEach((code, p) => {
    let rest = code
    for (let c = 0; c < nc; c++) {
      const n = levelCounts[c] as number
      levels[p * nc + c] = rest % n
      rest = Math.floor(rest / n)
    }
    const count = patterns.get(code) as number
    counts[p] = count
    total += count
  })
  const m = options.mStart.map((row) => [...row])
  const logU = u.map((row) => row.map((x) => Math.log(x)))
  let lambda = Math.min(0.99, Math.max(1e-6, options.lambdaStart))
  let iterations = 0
  let converged = false
  const expected = levelCounts.map((n) => new Float64Array(n))
  while (iterations < options.maxIterations && total > 0) {
    iterations++
    const logM = m.map((row) => row.map((x) => Math.log(x)))
    for (const e of expected) e.fill(0)
    let matchMass = 0
    const logPriorOdds = Math.log(lambda / (1 - lambda))
    for (let p = 0; p < np; p++) {
      let lr = logPriorOdds
      for (let c = 0; c < nc; c++) {
        if (!include[c]) continue
        const l = levels[p * nc + c] as number
        if (l === 0) continue
        lr += (logM[c] as number[])[l] as number
        lr -= (logU[c] as number[])[l] as number
      }
      const post = lr > 40 ? 1 : lr < -40 ? 0 : 1 / (1 + Math.exp(-lr))
      const w = (counts[p] as number) * post
      matchMass += w
      for (let c = 0; c < nc; c++) {
        if (!include[c]) continue
        const l = levels[p * nc + c] as number
        if (l !== 0) (expected[c] as Float64Array)[l] = ((expected[c] as Float64Array)[l] as number) + w
      }
    }
    let change = Math.abs(matchMass / total - lambda)
    lambda = Math.min(0.999, Math.max(1e-9, matchMass / total))
    for (let c = 0; c < nc; c++) {
      if (!include[c]) continue
      const e = expected[c] as Float64Array
      const prior = options.mPrior[c] as readonly number[]
      let sum = 0
      for (let l = 1; l < e.length; l++) sum += e[l] as number
      const row = m[c] as number[]
      for (let l = 1; l < e.length; l++) {
        const next = ((e[l] as number) + M_PSEUDO_PAIRS * (prior[l] as number)) / (sum + M_PSEUDO_PAIRS)
        change = Math.max(change, Math.abs(next - (row[l] as number)))
        row[l] = Math.max(next, 1e-9)
      }
    }
    if (change < options.tolerance) {
      converged = true
      break
    }
  }
  return { m, lambda, iterations, converged }
}

/** u per level from random-pair patterns: share of non-missing pairs at each level. */
export function uFromPatterns(patterns: PatternCounts, levelCounts: readonly number[]): { u: number[][]; counts: number[][] } {
  const nc = levelCounts.length
  const counts = levelCounts.map((n) => new Array<number>(n).fill(0))
  for (const [code, count] of patterns) {
    let rest = code
    for (let c = 0; c < nc; c++) {
      const n = levelCounts[c] as number
      const l = rest % n
      rest = Math.floor(rest / n)
      ;(counts[c] as number[])[l] = ((counts[c] as number[])[l] as number) + count
    }
  }
  const u = counts.map((row) => {
    let sum = 0
    for (let l = 1; l < row.length; l++) sum += row[l] as number
    return row.map((x, l) => (l === 0 ? 1 : Math.max(x, 0.5) / Math.max(sum, 1)))
  })
  return { u, counts }
}

/** Expected matches a random sample must hold before its share of matches is used as the prior. */
const MIN_MATCHES_FOR_PRIOR = 30

/**
 * EM over the random pairs with m fixed: u becomes the level shares among the pairs expected to
 * be non-matches, and λ the expected share of matches.
 */
export function refineOnRandomPairs(patterns: PatternCounts, levelCounts: readonly number[], m: readonly (readonly number[])[], uStart: readonly (readonly number[])[], lambdaStart: number, iterations = 30): { u: number[][]; lambda: number } {
  const nc = levelCounts.length
  const entries = [...patterns.entries()].sort((a, b) => a[0] - b[0])
  const levels = entries.map(([code]) => {
    const out = new Uint8Array(nc)
    let rest = code
    for (let c = 0; c < nc; c++) {
      out[c] = rest % (levelCounts[c] as number)
      rest = Math.floor(rest / (levelCounts[c] as number))
    }
    return out
  })
  const total = entries.reduce((s, [, n]) => s + n, 0)
  let u = uStart.map((row) => [...row])
  let lambda = Math.min(0.5, Math.max(1e-12, lambdaStart))
  for (let it = 0; it < iterations && total > 0; it++) {
    const acc = levelCounts.map((n) => new Float64Array(n))
    let matches = 0
    const logOdds = Math.log(lambda / (1 - lambda))
    entries.forEach(([, count], p) => {
      const lv = levels[p] as Uint8Array
      let lr = logOdds
      for (let c = 0; c < nc; c++) {
        const l = lv[c] as number
        if (l === 0) continue
        lr += Math.log((m[c] as number[])[l] as number) - Math.log((u[c] as number[])[l] as number)
      }
      const post = lr > 40 ? 1 : lr < -40 ? 0 : 1 / (1 + Math.exp(-lr))
      matches += count * post
      const non = count * (1 - post)
      for (let c = 0; c < nc; c++) {
        const l = lv[c] as number
        ;(acc[c] as Float64Array)[l] = ((acc[c] as Float64Array)[l] as number) + non
      }
    })
    lambda = Math.min(0.5, Math.max(1e-12, matches / total))
    u = acc.map((row) => {
      let sum = 0
      for (let l = 1; l < row.length; l++) sum += row[l] as number
      return Array.from(row, (x, l) => (l === 0 ? 1 : Math.max(x, 0.5) / Math.max(sum, 1)))
    })
  }
  return { u: u.map((row) => normalise(row)), lambda }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

function normalise(row: readonly number[]): number[] {
  let sum = 0
  for (let l = 1; l < row.length; l++) sum += row[l] as number
  return row.map((x, l) => (l === 0 ? 1 : x / sum))
}

/** Counts patterns for a list of pairs (a, b interleaved): the function every training step calls. */
export type PatternCounter = (pairs: Int32Array) => Promise<PatternCounts>

/** Count pairs agreeing on any of the prior rules (each pair once). */
function countRulePairs(built: readonly RuleBlocks[], source: Int32Array, linkOnly: boolean): number {
  let count = 0
  built.forEach((rb, r) => {
    const earlier = built.slice(0, r)
    const nb = rb.blockOffsets.length - 1
    for (let b = 0; b < nb; b++) {
      const s = rb.blockOffsets[b] as number
      const e = rb.blockOffsets[b + 1] as number
      for (let x = s; x < e; x++) {
        for (let y = x + 1; y < e; y++) {
          const a = rb.members[x] as number
          const c = rb.members[y] as number
          if (linkOnly && source[a] === source[c]) continue
          if (earlier.some((o) => shareBlock(o, a, c))) continue
          count++
        }
      }
    }
  })
  return count
}

function shareBlock(rb: RuleBlocks, a: number, b: number): boolean {
  const o = rb.recordBlocks.offsets
  const v = rb.recordBlocks.values
  for (let x = o[a] as number; x < (o[a + 1] as number); x++) {
    for (let y = o[b] as number; y < (o[b + 1] as number); y++) if (v[x] === v[y]) return true
  }
  return false
}

function totalPairs(p: Prepared, linkOnly: boolean): number {
  const n = p.columns.n
  if (!linkOnly) return (n * (n - 1)) / 2
  const perSource = new Array<number>(p.sourceNames.length).fill(0)
  for (let i = 0; i < n; i++) perSource[p.columns.source[i] as number] = (perSource[p.columns.source[i] as number] as number) + 1
  let sum = 0
  let pairs = 0
  for (const k of perSource) {
    pairs += sum * k
    sum += k
  }
  return pairs
}

/** Frequencies of the commonest values (saved with the model for scoring single records). */
function frequencyTables(p: Prepared, keep = 5000): Record<string, FrequencyTable> {
  const out: Record<string, FrequencyTable> = {}
  for (const [field, freq] of Object.entries(p.frequencies)) {
    const ids: number[] = []
    let min = 1
    for (let i = 0; i < freq.length; i++) {
      const f = freq[i] as number
      if (f > 0) {
        ids.push(i)
        if (f < min) min = f
      }
    }
    ids.sort((a, b) => (freq[b] as number) - (freq[a] as number) || a - b)
    const values: Record<string, number> = {}
    for (const id of ids.slice(0, keep)) values[p.strings[id] as string] = Number((freq[id] as number).toPrecision(6))
    out[field] = { values, unseen: Number(min.toPrecision(6)) }
  }
  return out
}

function wordWeightTables(p: Prepared, keep = 5000): Record<string, WordWeights> {
  const out: Record<string, WordWeights> = {}
  for (const [field, { df, docs }] of Object.entries(p.documentFrequencies)) {
    const ids: number[] = []
    for (let i = 0; i < df.length; i++) if ((df[i] as number) > 1) ids.push(i)
    ids.sort((a, b) => (df[b] as number) - (df[a] as number) || a - b)
    const table: Record<string, number> = {}
    for (const id of ids.slice(0, keep)) table[p.strings[id] as string] = df[id] as number
    out[field] = { docs, df: table }
  }
  return out
}

export interface TrainProgress {
  (stage: string): void
}

/** Builds the blocks of some rules (in worker threads, or here). */
export type BlockBuilder = (rules: readonly BlockingRule[], cap: number) => Promise<RuleBlocks[]>

/** Train a model on prepared records. `countPatterns` does the pair comparisons (in workers or inline). */
export async function trainModel(p: Prepared, settings: ModelSettings, countPatterns: PatternCounter, progress: TrainProgress = () => undefined, buildBlocks?: BlockBuilder): Promise<TrainedModel> {
  const build: BlockBuilder = buildBlocks ?? (async (rules, cap) => rules.map((r) => buildRuleBlocks(p, r, cap)))
  const t = settings.training
  const linkOnly = settings.linkType === 'link-only'
  const specs = settings.comparisons
  const levelCounts = specs.map((s) => LEVELS[s.kind].length)
  const notes: string[] = []

  progress('estimating u from random pairs')
  const random = randomPairs(p, t.uPairs, t.seed, linkOnly)
  const randomPatterns = await countPatterns(random)
  const { u: uRaw } = uFromPatterns(randomPatterns, levelCounts)

  progress('estimating the prior')
  const priorPairs = countRulePairs(await build(t.priorRules, Math.max(settings.maxBlockSize, 1000)), p.columns.source, linkOnly)
  const emBlocks = await build(t.emBlocking, Math.max(settings.maxBlockSize, 2000))
  const all = Math.max(1, totalPairs(p, linkOnly))
  let prior = priorPairs / t.priorRecall / all
  if (!(prior > 0)) {
    prior = 1 / all
    notes.push('no pair agreed on the prior rules: the prior is one pair in all possible pairs')
  }
  prior = Math.min(prior, 0.5)

  const mPrior = specs.map((s) => [...DEFAULT_M[s.kind]])
  const estimates: number[][][] = specs.map(() => [])
  const sessions: TrainingReport['sessions'][number][] = []
  for (const [r, rule] of t.emBlocking.entries()) {
    const name = ruleName(rule)
    progress(`expectation–maximisation blocked on ${name}`)
    const blocks = emBlocks[r] as RuleBlocks
    const { pairs, total } = blockPairs(blocks, t.emMaxPairs, linkOnly, p.columns.source)
    const include = comparisonsUsedBy(rule, specs).map((used) => !used)
    if (pairs.length === 0) {
      sessions.push({ rule: name, pairs: 0, iterations: 0, converged: false, matchShare: 0, estimated: [] })
      notes.push(`training block ${name} produced no pairs`)
      continue
    }
    const patterns = await countPatterns(pairs)
    const lambdaStart = Math.min(0.5, Math.max(1e-4, (prior * all) / Math.max(1, total)))
    const em = expectationMaximisation({
      patterns, levelCounts, include, u: uRaw, mStart: mPrior, mPrior, lambdaStart, maxIterations: t.emMaxIterations, tolerance: t.emTolerance,
    })
    specs.forEach((_, c) => {
      if (include[c]) (estimates[c] as number[][]).push(em.m[c] as number[])
    })
    sessions.push({
      rule: name,
      pairs: pairs.length / 2,
      iterations: em.iterations,
      converged: em.converged,
      matchShare: Number(em.lambda.toPrecision(4)),
      estimated: specs.filter((_, c) => include[c]).map((s) => comparisonName(s)),
    })
  }

  const m = specs.map((s, c) => {
    const list = estimates[c] as number[][]
    if (list.length === 0) {
      notes.push(`${comparisonName(s)} was not estimated by any training session: default m used`)
      return [...DEFAULT_M[s.kind]]
    }
    return normalise(DEFAULT_M[s.kind].map((_, l) => (l === 0 ? 1 : median(list.map((row) => row[l] as number)))))
  })

  // Random pairs include a few true matches. With m known, the expected matches among them are
  // taken out of u (an E-step over the random pairs, m fixed); when the sample holds enough
  // matches to count, the share it finds is also a direct estimate of the prior.
  progress('refining u and the prior on the random pairs')
  const refined = refineOnRandomPairs(randomPatterns, levelCounts, m, uRaw, prior)
  const u = refined.u
  const randomShare = refined.lambda * (random.length / 2)
  if (randomShare >= MIN_MATCHES_FOR_PRIOR) {
    notes.push(`prior from the random pairs (${Math.round(randomShare)} expected matches in the sample); the strict rules gave ${prior.toPrecision(3)}`)
    prior = refined.lambda
  } else {
    notes.push(`prior from the strict rules (the random pairs hold about ${randomShare.toFixed(1)} matches, too few to count)`)
  }

  // A level that is rare among matches and non-matches alike has an unreliable weight; the last
  // level ("different") must never count for a match: cap its weight at the smallest of the others, and at 0.
  specs.forEach((spec, c) => {
    const mc = m[c] as number[]
    const uc = u[c] as number[]
    const last = mc.length - 1
    let cap = 0
    for (let l = 1; l < last; l++) cap = Math.min(cap, Math.log2((mc[l] as number) / (uc[l] as number)))
    if (Math.log2((mc[last] as number) / (uc[last] as number)) > cap) {
      const capped = (uc[last] as number) * 2 ** cap
      const rest = 1 - (mc[last] as number)
      for (let l = 1; l < last; l++) mc[l] = ((mc[l] as number) / rest) * (1 - capped)
      mc[last] = capped
      notes.push(`${comparisonName(spec)}: the weight of "${LEVELS[spec.kind][last]?.key}" was capped at ${cap.toFixed(2)} (it cannot count for a match)`)
    }
  })

  const comparisons: ModelComparison[] = specs.map((spec, c) => ({
    kind: spec.kind,
    ...(spec.field ? { field: spec.field } : {}),
    name: comparisonName(spec),
    levels: LEVELS[spec.kind].map((l, i) => ({
      key: l.key,
      label: l.label,
      m: Number(((m[c] as number[])[i] as number).toPrecision(6)),
      u: Number(((u[c] as number[])[i] as number).toPrecision(6)),
    })),
  }))

  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    settings,
    prior: Number(prior.toPrecision(6)),
    comparisons,
    frequencies: frequencyTables(p),
    wordWeights: wordWeightTables(p),
    training: { records: p.columns.n, randomPairs: random.length / 2, priorPairs, priorRecall: t.priorRecall, sessions, notes },
  }
}
