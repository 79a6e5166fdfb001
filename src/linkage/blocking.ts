// Blocking: which pairs are compared at all. Each rule groups records that agree on its key
// (e.g. date of birth and given-name initial); the candidate pairs are the union over the rules,
// each pair generated once. Blocks larger than the cap are skipped and reported, so one very
// common key (a default date, a placeholder name) cannot make the work quadratic.

import { doubleMetaphone } from './metaphone.ts'
import type { Csr, Prepared } from './prepare.ts'
import type { BlockingRule, KeyPart } from './settings.ts'

export interface RuleBlocks {
  readonly name: string
  /** the blocks with 2..cap records: block b is members[blockOffsets[b] .. blockOffsets[b+1]) */
  readonly blockOffsets: Int32Array
  readonly members: Int32Array
  /** per record, the ids of its usable blocks under this rule, ascending */
  readonly recordBlocks: Csr
  /** when no record has two usable blocks under this rule: each record's block id (-1 for none) */
  readonly single: Int32Array | null
  readonly stats: RuleStats
}

export interface RuleStats {
  readonly rule: string
  /** records with a key under this rule */
  readonly recordsWithKey: number
  readonly blocks: number
  readonly oversizedBlocks: number
  readonly recordsInOversizedBlocks: number
  readonly largestBlock: number
  /** pairs in usable blocks, before removing pairs already found by an earlier rule */
  readonly pairs: number
}

export interface Blocking {
  readonly rules: readonly RuleBlocks[]
  /** link-only: pairs within a source are not candidates */
  readonly linkOnly: boolean
  readonly source: Int32Array
}

export function ruleName(rule: BlockingRule): string {
  return rule.keys.join(' + ')
}

// ---------------------------------------------------------------------------------------------
// Key values

function hashMix(h: number, v: number): number {
  // murmur3-style mixing of a 32-bit word into h
  let k = Math.imul(v, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  let x = h ^ k
  x = (x << 13) | (x >>> 19)
  return (Math.imul(x, 5) + 0xe6546b64) | 0
}

function hashFinal(h: number): number {
  let x = h
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return x >>> 0
}

/** Values of one key part for a record (several for multi-valued parts; none when missing). */
export type PartFn = (i: number, out: number[]) => void

function codeOf(text: string, chars: number): number {
  let v = 0
  for (let k = 0; k < chars; k++) v = v * 128 + (k < text.length ? text.charCodeAt(k) & 127 : 0)
  return v
}

export function partFunction(part: KeyPart, p: Prepared): PartFn {
  const c = p.columns
  const S = p.strings
  const metaIds = new Map<string, number>()
  const metaOfId = new Map<number, readonly number[]>()
  const metaCodes = (id: number): readonly number[] => {
    let codes = metaOfId.get(id)
    if (!codes) {
      const [a, b] = doubleMetaphone(S[id] as string)
      const list: number[] = []
      for (const code of [a, b]) {
        if (!code) continue
        let k = metaIds.get(code)
        if (k === undefined) {
          k = metaIds.size
          metaIds.set(code, k)
        }
        if (!list.includes(k)) list.push(k)
      }
      codes = list
      metaOfId.set(id, codes)
    }
    return codes
  }
  const one = (col: Int32Array): PartFn => (i, out) => {
    const v = col[i] as number
    if (v >= 0) out.push(v)
  }
  const dob = c.dob
  switch (part) {
    case 'dob': return one(dob)
    case 'dob-unordered': return (i, out) => {
      const d = dob[i] as number
      if (d < 0) return
      const y = Math.floor(d / 10000)
      const m = Math.floor(d / 100) % 100
      const day = d % 100
      out.push(y * 10000 + Math.min(m, day) * 100 + Math.max(m, day))
    }
    case 'birth-year': return (i, out) => {
      const d = dob[i] as number
      if (d >= 0) out.push(Math.floor(d / 10000))
    }
    case 'birth-month': return (i, out) => {
      const d = dob[i] as number
      if (d >= 0) out.push(Math.floor(d / 100) % 100)
    }
    case 'birth-day': return (i, out) => {
      const d = dob[i] as number
      if (d >= 0) out.push(d % 100)
    }
    case 'given': return one(c.given)
    case 'given-initial': return (i, out) => {
      const g = c.given[i] as number
      if (g >= 0) out.push((S[g] as string).charCodeAt(0))
    }
    case 'given-prefix3': return (i, out) => {
      const g = c.given[i] as number
      if (g >= 0) out.push(codeOf(S[g] as string, 3))
    }
    case 'given-metaphone': return (i, out) => {
      const a = c.givenMeta[2 * i] as number
      const b = c.givenMeta[2 * i + 1] as number
      if (a >= 0) out.push(a)
      if (b >= 0 && b !== a) out.push(b)
    }
    case 'given-variant': return (i, out) => {
      const g = c.given[i] as number
      if (g < 0) return
      const s = c.givenGroups.offsets[i] as number
      const e = c.givenGroups.offsets[i + 1] as number
      if (s === e) out.push(g)
      for (let k = s; k < e; k++) out.push(-1 - (c.givenGroups.values[k] as number))
    }
    case 'family': return one(c.family)
    case 'family-initial': return (i, out) => {
      const f = c.family[i] as number
      if (f >= 0) out.push((S[f] as string).charCodeAt(0))
    }
    case 'family-prefix4': return (i, out) => {
      const f = c.family[i] as number
      if (f >= 0) out.push(codeOf(S[f] as string, 4))
    }
    case 'family-metaphone': return (i, out) => {
      const a = c.familyMeta[2 * i] as number
      const b = c.familyMeta[2 * i + 1] as number
      if (a >= 0) out.push(a)
      if (b >= 0 && b !== a) out.push(b)
    }
    case 'family-any':
    case 'family-any-metaphone': {
      const phonetic = part === 'family-any-metaphone'
      return (i, out) => {
        const f = c.family[i] as number
        const names: number[] = []
        if (f >= 0) names.push(f)
        for (const col of [c.former, c.familyParts]) {
          for (let k = col.offsets[i] as number; k < (col.offsets[i + 1] as number); k++) names.push(col.values[k] as number)
        }
        for (const id of names) {
          if (!phonetic) out.push(id)
          else for (const code of metaCodes(id)) out.push(code)
        }
      }
    }
    case 'names-unordered': return (i, out) => {
      const g = c.given[i] as number
      const f = c.family[i] as number
      if (g < 0 || f < 0) return
      out.push(Math.min(g, f) * 67_108_864 + Math.max(g, f))
    }
    case 'gender': return (i, out) => {
      const g = c.gender[i] as number
      if (g > 0) out.push(g)
    }
    case 'address': return (i, out) => {
      // the whole address: its words' ids, folded into one number
      const o = c.address.offsets
      const s = o[i] as number
      const e = o[i + 1] as number
      if (s === e) return
      let h1 = 0x3c6ef372
      let h2 = 0x1b873593
      for (let k = s; k < e; k++) {
        h1 = hashMix(h1, c.address.values[k] as number)
        h2 = hashMix(h2 ^ 0x5f356495, c.address.values[k] as number)
      }
      out.push((hashFinal(h1) & 0x3ffffff) * 67_108_864 + (hashFinal(h2) & 0x3ffffff))
    }
    case 'postcode': return one(c.pcFull)
    case 'postcode-sector': return one(c.pcSector)
    case 'postcode-district': return one(c.pcDistrict)
    case 'postcode-area': return one(c.pcArea)
    case 'nhs-number': return one(c.nhs)
    case 'upn': return one(c.upn)
    default: {
      const tokens = part.startsWith('extra-token:')
      const field = part.slice(tokens ? 'extra-token:'.length : 'extra:'.length)
      const col = c.extras.find((e) => e.field === field)
      if (!col) throw new Error(`blocking key ${part}: attribute ${field} is not compared by the model`)
      if (col.ids) return one(col.ids)
      const t = col.tokens as Csr
      return (i, out) => {
        for (let k = t.offsets[i] as number; k < (t.offsets[i + 1] as number); k++) out.push(t.values[k] as number)
      }
    }
  }
}

let idxScratch: number[] = []

/** The key hashes (pairs of 32-bit words) of record i under a rule: the product of its parts' values. */
function ruleKeys(parts: readonly PartFn[], i: number, scratch: number[][], out1: number[], out2: number[]): void {
  out1.length = 0
  out2.length = 0
  for (let p = 0; p < parts.length; p++) {
    const vals = scratch[p] as number[]
    vals.length = 0
    ;(parts[p] as PartFn)(i, vals)
    if (vals.length === 0) return
    if (vals.length > 1) {
      // drop repeated values (lists are short)
      let w = 1
      for (let r = 1; r < vals.length; r++) {
        const v = vals[r] as number
        let dup = false
        for (let q = 0; q < w; q++) if (vals[q] === v) dup = true
        if (!dup) vals[w++] = v
      }
      vals.length = w
    }
  }
  const idx = idxScratch.length >= parts.length ? idxScratch : (idxScratch = new Array<number>(parts.length))
  for (let p = 0; p < parts.length; p++) idx[p] = 0
  for (;;) {
    let h1 = 0x9747b28c
    let h2 = 0x2c1b3c6d
    for (let p = 0; p < parts.length; p++) {
      const v = (scratch[p] as number[])[idx[p] as number] as number
      const lo = v | 0
      const hi = Math.floor(v / 4294967296) | 0
      h1 = hashMix(hashMix(hashMix(h1, p), lo), hi)
      h2 = hashMix(hashMix(hashMix(h2, p + 0x51), hi), lo)
    }
    out1.push(hashFinal(h1))
    out2.push(hashFinal(h2 ^ 0x5bd1e995))
    let p = parts.length - 1
    while (p >= 0) {
      idx[p] = (idx[p] as number) + 1
      if ((idx[p] as number) < (scratch[p] as number[]).length) break
      idx[p] = 0
      p--
    }
    if (p < 0) return
  }
}

function sharedInt32(length: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(Math.max(4, length * 4))).subarray(0, length) : new Int32Array(length)
}

/** Group records into blocks under one rule (deterministic: blocks numbered by first record). */
export function buildRuleBlocks(p: Prepared, rule: BlockingRule, cap: number, shared = false): RuleBlocks {
  const n = p.columns.n
  const parts = rule.keys.map((k) => partFunction(k, p))
  const scratch = parts.map(() => [] as number[])
  const k1: number[] = []
  const k2: number[] = []
  // open-addressing table from key hash to provisional block id
  let capacity = 1024
  while (capacity < n * 2) capacity *= 2
  let tableH1 = new Uint32Array(capacity)
  let tableH2 = new Uint32Array(capacity)
  let tableId = new Int32Array(capacity).fill(-1)
  let keys = 0
  let entryRecord = new Int32Array(Math.max(16, n))
  let entryBlock = new Int32Array(Math.max(16, n))
  let entries = 0
  let counts = new Int32Array(1024)
  let recordsWithKey = 0

  const grow = (): void => {
    const oldH1 = tableH1
    const oldH2 = tableH2
    const oldId = tableId
    capacity *= 2
    tableH1 = new Uint32Array(capacity)
    tableH2 = new Uint32Array(capacity)
    tableId = new Int32Array(capacity).fill(-1)
    for (let s = 0; s < oldId.length; s++) {
      const id = oldId[s] as number
      if (id < 0) continue
      let slot = (oldH1[s] as number) & (capacity - 1)
      while ((tableId[slot] as number) >= 0) slot = (slot + 1) & (capacity - 1)
      tableH1[slot] = oldH1[s] as number
      tableH2[slot] = oldH2[s] as number
      tableId[slot] = id
    }
  }

  for (let i = 0; i < n; i++) {
    ruleKeys(parts, i, scratch, k1, k2)
    if (k1.length === 0) continue
    recordsWithKey++
    for (let k = 0; k < k1.length; k++) {
      const h1 = k1[k] as number
      const h2 = k2[k] as number
      let slot = h1 & (capacity - 1)
      let id = -1
      for (;;) {
        const t = tableId[slot] as number
        if (t < 0) break
        if (tableH1[slot] === h1 && tableH2[slot] === h2) {
          id = t
          break
        }
        slot = (slot + 1) & (capacity - 1)
      }
      if (id < 0) {
        id = keys++
        tableH1[slot] = h1
        tableH2[slot] = h2
        tableId[slot] = id
        if (id >= counts.length) {
          const next = new Int32Array(counts.length * 2)
          next.set(counts)
          counts = next
        }
        if (keys * 2 > capacity) grow()
      }
      if (entries === entryRecord.length) {
        const r = new Int32Array(entries * 2)
        r.set(entryRecord)
        entryRecord = r
        const b = new Int32Array(entries * 2)
        b.set(entryBlock)
        entryBlock = b
      }
      entryRecord[entries] = i
      entryBlock[entries] = id
      entries++
      counts[id] = (counts[id] as number) + 1
    }
  }

  // keep blocks of 2..cap records, renumbered in order of first appearance
  const renumber = new Int32Array(keys).fill(-1)
  let active = 0
  let oversized = 0
  let inOversized = 0
  let largest = 0
  let pairs = 0
  for (let e = 0; e < entries; e++) {
    const b = entryBlock[e] as number
    if (renumber[b] !== -1) continue
    const size = counts[b] as number
    if (size > largest) largest = size
    if (size > cap) {
      renumber[b] = -2
      oversized++
      inOversized += size
    } else if (size >= 2) {
      renumber[b] = active++
      pairs += (size * (size - 1)) / 2
    } else {
      renumber[b] = -3
    }
  }
  const blockOffsets = sharedInt32(active + 1, shared)
  for (let b = 0; b < keys; b++) {
    const r = renumber[b] as number
    if (r >= 0) blockOffsets[r + 1] = counts[b] as number
  }
  for (let b = 0; b < active; b++) blockOffsets[b + 1] = (blockOffsets[b + 1] as number) + (blockOffsets[b] as number)
  const members = sharedInt32(blockOffsets[active] as number, shared)
  const fill = new Int32Array(active)
  const recOffsets = sharedInt32(n + 1, shared)
  let usable = 0
  for (let e = 0; e < entries; e++) {
    const r = renumber[entryBlock[e] as number] as number
    if (r < 0) continue
    members[(blockOffsets[r] as number) + (fill[r] as number)] = entryRecord[e] as number
    fill[r] = (fill[r] as number) + 1
    recOffsets[(entryRecord[e] as number) + 1] = (recOffsets[(entryRecord[e] as number) + 1] as number) + 1
    usable++
  }
  for (let i = 0; i < n; i++) recOffsets[i + 1] = (recOffsets[i + 1] as number) + (recOffsets[i] as number)
  const recValues = sharedInt32(usable, shared)
  const recFill = new Int32Array(n)
  for (let e = 0; e < entries; e++) {
    const r = renumber[entryBlock[e] as number] as number
    if (r < 0) continue
    const i = entryRecord[e] as number
    recValues[(recOffsets[i] as number) + (recFill[i] as number)] = r
    recFill[i] = (recFill[i] as number) + 1
  }
  // a record's block ids are in entry order; sort each row (rows are tiny)
  let multi = false
  for (let i = 0; i < n; i++) {
    const s = recOffsets[i] as number
    const e = recOffsets[i + 1] as number
    if (e - s > 1) {
      recValues.subarray(s, e).sort()
      multi = true
    }
  }
  let single: Int32Array | null = null
  if (!multi) {
    single = sharedInt32(n, shared)
    for (let i = 0; i < n; i++) single[i] = (recOffsets[i + 1] as number) > (recOffsets[i] as number) ? (recValues[recOffsets[i] as number] as number) : -1
  }
  const name = ruleName(rule)
  return {
    name,
    blockOffsets,
    members,
    single,
    recordBlocks: { offsets: recOffsets, values: recValues },
    stats: { rule: name, recordsWithKey, blocks: active, oversizedBlocks: oversized, recordsInOversizedBlocks: inOversized, largestBlock: largest, pairs },
  }
}

/**
 * Blocks for every rule. Rules are taken in order of their number of pairs, largest first: a
 * pair found by several rules is scored once, by the first, and the rules after it must check
 * that they are not repeating it — cheapest when the rules with most pairs check least.
 */
export function buildBlocking(p: Prepared, rules: readonly BlockingRule[], cap: number, linkOnly: boolean, shared = false): Blocking {
  return assembleBlocking(rules.map((r) => buildRuleBlocks(p, r, cap, shared)), linkOnly, p.columns.source)
}

/** Blocking from each rule's blocks (built here or by worker threads), ordered as buildBlocking orders them. */
export function assembleBlocking(ruleBlocks: readonly RuleBlocks[], linkOnly: boolean, source: Int32Array): Blocking {
  const built = ruleBlocks.map((blocks, index) => ({ index, blocks }))
  built.sort((x, y) => y.blocks.stats.pairs - x.blocks.stats.pairs || x.index - y.index)
  return { rules: built.map((b) => b.blocks), linkOnly, source }
}

/** Smallest block id shared by records a and b under a rule, or -1. */
function firstSharedBlock(rb: Csr, a: number, b: number): number {
  let x = rb.offsets[a] as number
  const xe = rb.offsets[a + 1] as number
  let y = rb.offsets[b] as number
  const ye = rb.offsets[b + 1] as number
  while (x < xe && y < ye) {
    const va = rb.values[x] as number
    const vb = rb.values[y] as number
    if (va === vb) return va
    if (va < vb) x++
    else y++
  }
  return -1
}

/** True when some rule puts a and b in the same usable block (the pair is a candidate). */
export function isCandidatePair(blocking: Blocking, a: number, b: number): boolean {
  if (blocking.linkOnly && blocking.source[a] === blocking.source[b]) return false
  for (const r of blocking.rules) if (firstSharedBlock(r.recordBlocks, a, b) >= 0) return true
  return false
}

/**
 * Visit every candidate pair (a < b) of blocks [from, to) of rule `ruleIndex`, skipping pairs an
 * earlier rule (or an earlier block of this rule) already produced. Returns the number visited.
 */
export function forEachPair(blocking: Blocking, ruleIndex: number, from: number, to: number, visit: (a: number, b: number) => void): number {
  const rule = blocking.rules[ruleIndex] as RuleBlocks
  const earlierRules = blocking.rules.slice(0, ruleIndex)
  const earlier = earlierRules.map((r) => r.recordBlocks)
  const earlierSingle = earlierRules.map((r) => r.single)
  const ne = earlier.length
  const { blockOffsets, members, recordBlocks } = rule
  const linkOnly = blocking.linkOnly
  const source = blocking.source
  let visited = 0
  for (let blk = from; blk < to; blk++) {
    const s = blockOffsets[blk] as number
    const e = blockOffsets[blk + 1] as number
    for (let x = s; x < e; x++) {
      const a = members[x] as number
      const multiA = (recordBlocks.offsets[a + 1] as number) - (recordBlocks.offsets[a] as number) > 1
      for (let y = x + 1; y < e; y++) {
        const b = members[y] as number
        if (linkOnly && source[a] === source[b]) continue
        if (multiA && firstSharedBlock(recordBlocks, a, b) !== blk) continue
        let seen = false
        for (let r = 0; r < ne; r++) {
          const single = earlierSingle[r]
          if (single) {
            const x = single[a] as number
            if (x >= 0 && x === single[b]) {
              seen = true
              break
            }
          } else if (firstSharedBlock(earlier[r] as Csr, a, b) >= 0) {
            seen = true
            break
          }
        }
        if (seen) continue
        visited++
        visit(a, b)
      }
    }
  }
  return visited
}

export interface BlockTask {
  readonly rule: number
  readonly from: number
  readonly to: number
  /** pairs in the blocks before de-duplication (for balancing work) */
  readonly weight: number
}

/** Cut the blocks of every rule into tasks of about `target` pairs each, in a fixed order. */
export function planTasks(blocking: Blocking, target: number): BlockTask[] {
  const tasks: BlockTask[] = []
  blocking.rules.forEach((rule, r) => {
    const blocks = rule.blockOffsets.length - 1
    let from = 0
    let acc = 0
    for (let b = 0; b < blocks; b++) {
      const size = (rule.blockOffsets[b + 1] as number) - (rule.blockOffsets[b] as number)
      acc += (size * (size - 1)) / 2
      if (acc >= target) {
        tasks.push({ rule: r, from, to: b + 1, weight: acc })
        from = b + 1
        acc = 0
      }
    }
    if (from < blocks) tasks.push({ rule: r, from, to: blocks, weight: acc })
  })
  return tasks
}

/** Count true pairs (a < b, by entity label) and how many of them blocking keeps. */
export function blockingRecall(blocking: Blocking, entityOf: Int32Array): { truePairs: number; kept: number } {
  const byEntity = new Map<number, number[]>()
  for (let i = 0; i < entityOf.length; i++) {
    const e = entityOf[i] as number
    if (e < 0) continue
    const list = byEntity.get(e)
    if (list) list.push(i)
    else byEntity.set(e, [i])
  }
  let truePairs = 0
  let kept = 0
  for (const list of byEntity.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x] as number
        const b = list[y] as number
        if (blocking.linkOnly && blocking.source[a] === blocking.source[b]) continue
        truePairs++
        if (isCandidatePair(blocking, a, b)) kept++
      }
    }
  }
  return { truePairs, kept }
}
