// The comparisons: for each kind, its graded levels (level 0 is always "missing on one side",
// which carries no weight) and a function giving the level of a pair of prepared records.
// Levels are tested in order and the first that applies is the pair's level.

import { NO_DAYS } from './prepare.ts'
import type { Columns, Csr, Prepared } from './prepare.ts'
import type { ComparisonKind, ComparisonSpec } from './settings.ts'
import { jaroWinkler, oneEditApart } from './strings.ts'
import { areVariants, VARIANT_FULL_AND_SHORT, variantRelation } from './name-variants.ts'

export interface LevelDef {
  readonly key: string
  /** plain words for the explanation: "<comparison>: <label>" */
  readonly label: string
  /** the frequency table whose term-frequency adjustment applies at this level */
  readonly tf?: string
}

const NULL_LEVEL: LevelDef = { key: 'missing', label: 'missing on one or both records' }

export const LEVELS: Readonly<Record<ComparisonKind, readonly LevelDef[]>> = {
  'given-name': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same', tf: 'given' },
    { key: 'variant', label: 'forms of the same name (e.g. Alex and Alexander, Mohammed and Muhammad)' },
    { key: 'jw92', label: 'almost the same spelling (one keying error or close)' },
    { key: 'swapped', label: 'given and family names exchanged' },
    { key: 'middle', label: 'the given name on one record is a middle name on the other' },
    { key: 'metaphone', label: 'sound the same (Double Metaphone)' },
    { key: 'jw80', label: 'similar spelling' },
    { key: 'initial', label: 'only an initial on one record, and it agrees' },
    { key: 'different', label: 'different' },
  ],
  'family-name': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same', tf: 'family' },
    { key: 'swapped', label: 'given and family names exchanged' },
    { key: 'former', label: 'matches a former family name' },
    { key: 'part', label: 'share part of a double-barrelled name' },
    { key: 'jw92', label: 'almost the same spelling' },
    { key: 'metaphone', label: 'sound the same (Double Metaphone)' },
    { key: 'jw80', label: 'similar spelling' },
    { key: 'different', label: 'different' },
  ],
  'date-of-birth': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same' },
    { key: 'transposed', label: 'day and month exchanged' },
    { key: 'one-digit', label: 'one digit different' },
    { key: 'one-day', label: 'one day apart' },
    { key: 'month', label: 'same month and year, different day' },
    { key: 'year', label: 'same year only' },
    { key: 'different', label: 'different' },
  ],
  gender: [
    { key: 'missing', label: 'not recorded on one or both records' },
    { key: 'same', label: 'the same' },
    { key: 'different', label: 'different' },
  ],
  postcode: [
    NULL_LEVEL,
    { key: 'full', label: 'the same', tf: 'postcode' },
    { key: 'sector', label: 'same postcode sector (e.g. SW1A 1)' },
    { key: 'district', label: 'same postcode district (e.g. SW1A)' },
    { key: 'area', label: 'same postcode area (e.g. SW)' },
    { key: 'different', label: 'different areas' },
  ],
  residence: [
    { key: 'missing', label: 'no address or postcode to compare' },
    { key: 'same', label: 'same address and postcode', tf: 'postcode' },
    { key: 'postcode', label: 'same postcode, and the addresses agree or one is missing' },
    { key: 'same-words', label: 'same address words, postcode different or missing' },
    { key: 'postcode-only', label: 'same postcode but a different address (e.g. another house in the street)' },
    { key: 'similar', label: 'similar addresses, postcode different or missing' },
    { key: 'sector', label: 'different addresses in the same postcode sector (e.g. SW1A 1)' },
    { key: 'district', label: 'different addresses in the same postcode district (e.g. SW1A)' },
    { key: 'area', label: 'different addresses in the same postcode area (e.g. SW)' },
    { key: 'different', label: 'different addresses in different areas' },
  ],
  address: [
    NULL_LEVEL,
    { key: 'same', label: 'the same words' },
    { key: 'most', label: 'most words in common' },
    { key: 'half', label: 'about half the words in common' },
    { key: 'some', label: 'a few words in common' },
    { key: 'different', label: 'no words in common' },
  ],
  'nhs-number': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same' },
    { key: 'one-error', label: 'one digit wrong or two digits exchanged' },
    { key: 'different-valid', label: 'different, and both pass the check-digit test' },
    { key: 'different', label: 'different' },
  ],
  upn: [
    NULL_LEVEL,
    { key: 'exact', label: 'the same' },
    { key: 'one-error', label: 'one character wrong or two exchanged' },
    { key: 'different-valid', label: 'different, and both pass the check-letter test' },
    { key: 'different', label: 'different' },
  ],
  carers: [
    { key: 'missing', label: 'no parents or carers named on one or both records' },
    { key: 'same', label: 'the same parents or carers (every carer on the shorter list is on the other)' },
    { key: 'one', label: 'one parent or carer in common, another different' },
    { key: 'family', label: 'no carer in common, but a carer with the same family name' },
    { key: 'different', label: 'different parents or carers' },
  ],
  'extra-exact': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same', tf: 'extra' },
    { key: 'different', label: 'different' },
  ],
  'extra-text': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same', tf: 'extra' },
    { key: 'jw92', label: 'almost the same' },
    { key: 'jw80', label: 'similar' },
    { key: 'different', label: 'different' },
  ],
  'extra-tokens': [
    NULL_LEVEL,
    { key: 'same', label: 'the same words' },
    { key: 'most', label: 'most words in common' },
    { key: 'half', label: 'about half the words in common' },
    { key: 'some', label: 'a few words in common' },
    { key: 'different', label: 'no words in common' },
  ],
  'extra-id': [
    NULL_LEVEL,
    { key: 'exact', label: 'the same' },
    { key: 'one-error', label: 'one character wrong or two exchanged' },
    { key: 'different', label: 'different' },
  ],
}

/** Human name of a comparison, for explanations and reports. */
export function comparisonName(spec: ComparisonSpec): string {
  switch (spec.kind) {
    case 'given-name': return 'Given name'
    case 'family-name': return 'Family name'
    case 'date-of-birth': return 'Date of birth'
    case 'gender': return 'Gender'
    case 'postcode': return 'Postcode'
    case 'address': return 'Address'
    case 'residence': return 'Address and postcode'
    case 'nhs-number': return 'NHS number'
    case 'upn': return 'Unique pupil number'
    case 'carers': return 'Parents and carers'
    default: return (spec.field ?? spec.kind).replace(/[_-]/g, ' ').replace(/^./, (c) => c.toUpperCase())
  }
}

/** A stable key for a comparison within a model (`given-name`, `extra-exact:occupation`). */
export function comparisonKey(spec: ComparisonSpec): string {
  return spec.field ? `${spec.kind}:${spec.field}` : spec.kind
}

/** The frequency table a comparison's term-frequency level reads. */
export function tfTable(spec: ComparisonSpec): string | null {
  const level = LEVELS[spec.kind].find((l) => l.tf)
  if (!level?.tf) return null
  return level.tf === 'extra' ? `extra:${spec.field}` : level.tf
}

// ---------------------------------------------------------------------------------------------
// Level functions

export type LevelFn = (i: number, j: number) => number

const DIMINUTIVE = /(?:ie|ey|ee|ye|y|i)$/

/** Spellings of one familiar ending: Hollie and Holly, Freddie and Freddy, Kellie and Kelly. */
export function sameDiminutive(a: string, b: string): boolean {
  const ma = DIMINUTIVE.exec(a)
  const mb = DIMINUTIVE.exec(b)
  if (!ma || !mb || ma[0] === mb[0]) return false
  const stem = a.length - ma[0].length
  return stem >= 3 && stem === b.length - mb[0].length && a.startsWith(b.slice(0, stem))
}


function csrHas(c: Csr, row: number, value: number): boolean {
  const end = c.offsets[row + 1] as number
  for (let k = c.offsets[row] as number; k < end; k++) if (c.values[k] === value) return true
  return false
}

function csrIntersects(c: Csr, a: number, b: number): boolean {
  const ea = c.offsets[a + 1] as number
  const sb = c.offsets[b] as number
  const eb = c.offsets[b + 1] as number
  if (sb === eb) return false
  for (let k = c.offsets[a] as number; k < ea; k++) {
    const v = c.values[k]
    for (let l = sb; l < eb; l++) if (c.values[l] === v) return true
  }
  return false
}

function metaMatch(meta: Int32Array, a: number, b: number): boolean {
  const a0 = meta[2 * a] as number
  if (a0 < 0) return false
  const a1 = meta[2 * a + 1] as number
  const b0 = meta[2 * b] as number
  const b1 = meta[2 * b + 1] as number
  return a0 === b0 || a0 === b1 || (a1 >= 0 && (a1 === b0 || a1 === b1))
}

/** Given and family names exchanged between the records (allowing a keying error in each). */
function swappedNames(given: Int32Array, family: Int32Array, S: readonly string[], i: number, j: number): boolean {
  const gi = given[i] as number
  const fi = family[i] as number
  const gj = given[j] as number
  const fj = family[j] as number
  if (gi < 0 || fi < 0 || gj < 0 || fj < 0) return false
  if (gi === fj && fi === gj) return true
  const a = S[gi] as string
  const b = S[fj] as string
  const c = S[fi] as string
  const d = S[gj] as string
  if (a.charCodeAt(0) !== b.charCodeAt(0) || c.charCodeAt(0) !== d.charCodeAt(0)) return false
  return jaroWinkler(a, b) >= 0.9 && jaroWinkler(c, d) >= 0.9
}

/** True when two YYYYMMDD numbers differ in exactly one decimal digit. */
function oneDigitApart(a: number, b: number): boolean {
  let d = a > b ? a - b : b - a
  while (d % 10 === 0) d = (d / 10) | 0
  if (d > 9) return false
  // a difference of one digit's worth can still come from a borrow (19991231 vs 20000101 is not one)
  let x = a
  let y = b
  let differing = 0
  while (x > 0 || y > 0) {
    if (x % 10 !== y % 10) differing++
    x = (x / 10) | 0
    y = (y / 10) | 0
  }
  return differing === 1
}

/** Per word: letters present (a bit per letter a–z) and whether it can be fuzzily matched (4+ letters, no digit). */
export interface WordShapes {
  readonly mask: Int32Array
  readonly fuzzy: Uint8Array
}

export function wordShapes(strings: readonly string[]): WordShapes {
  const mask = new Int32Array(strings.length)
  const fuzzy = new Uint8Array(strings.length)
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i] as string
    let m = 0
    let digit = false
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k)
      if (c >= 97 && c <= 122) m |= 1 << (c - 97)
      else if (c >= 48 && c <= 57) digit = true
    }
    mask[i] = m
    fuzzy[i] = !digit && s.length >= 4 ? 1 : 0
  }
  return { mask, fuzzy }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24)
}

/** Weighted word overlap: shared weight / combined weight (words weighted by rarity; near-identical words count as shared). */
function tokenSimilarity(c: Csr, a: number, b: number, strings: readonly string[], idf: Float32Array, shapes: WordShapes): number {
  const sa = c.offsets[a] as number
  const ea = c.offsets[a + 1] as number
  const sb = c.offsets[b] as number
  const eb = c.offsets[b + 1] as number
  if (ea - sa === eb - sb) {
    let same = true
    for (let k = 0; k < ea - sa; k++) {
      if (c.values[sa + k] !== c.values[sb + k]) {
        same = false
        break
      }
    }
    if (same) return 1
  }
  let total = 0
  let shared = 0
  for (let k = sa; k < ea; k++) total += idf[c.values[k] as number] as number
  for (let l = sb; l < eb; l++) total += idf[c.values[l] as number] as number
  if (total === 0) return 0
  let usedMask = 0 // words of b already matched (first 31)
  for (let k = sa; k < ea; k++) {
    const v = c.values[k] as number
    let found = -1
    for (let l = sb; l < eb; l++) {
      if (c.values[l] === v && (l - sb >= 31 || (usedMask & (1 << (l - sb))) === 0)) {
        found = l
        break
      }
    }
    if (found < 0 && shapes.fuzzy[v] === 1) {
      const mv = shapes.mask[v] as number
      const pv = popcount(mv)
      for (let l = sb; l < eb; l++) {
        if (l - sb < 31 && (usedMask & (1 << (l - sb))) !== 0) continue
        const w = c.values[l] as number
        if (shapes.fuzzy[w] !== 1) continue
        const mw = shapes.mask[w] as number
        if (popcount(mv & mw) * 4 < Math.max(pv, popcount(mw)) * 3) continue
        if (jaroWinkler(strings[v] as string, strings[w] as string) >= 0.9) {
          found = l
          break
        }
      }
    }
    if (found >= 0) {
      if (found - sb < 31) usedMask |= 1 << (found - sb)
      shared += (idf[v] as number) + (idf[c.values[found] as number] as number)
    }
  }
  return shared / total
}

/**
 * Addresses whose words were run together or split differently ("24 farrerplace", "24 farrer
 * place"): the words run together compared as one string. Only when both start alike (the house
 * number), which keeps it cheap for pairs that have nothing in common.
 */
function joinedSimilar(joined: Int32Array, strings: readonly string[], i: number, j: number): boolean {
  const a = joined[i] as number
  const b = joined[j] as number
  if (a < 0 || b < 0) return false
  const sa = strings[a] as string
  const sb = strings[b] as string
  if (sa.length < 6 || sb.length < 6 || sa.charCodeAt(0) !== sb.charCodeAt(0) || sa.charCodeAt(1) !== sb.charCodeAt(1)) return false
  return jaroWinkler(sa, sb) >= 0.93
}

function tokenLevel(sim: number): number {
  if (sim >= 0.99) return 1
  if (sim >= 0.7) return 2
  if (sim >= 0.4) return 3
  if (sim > 0.1) return 4
  return 5
}

/** Inverse document frequency of every word (by string id), from a document-frequency table. */
export function idfTable(size: number, table: { readonly df: Int32Array; readonly docs: number } | undefined): Float32Array {
  const idf = new Float32Array(size)
  const docs = Math.max(2, table?.docs ?? 2)
  const df = table?.df
  for (let i = 0; i < size; i++) {
    const d = df && i < df.length ? (df[i] as number) : 0
    idf[i] = Math.log(docs / Math.max(1, d)) + 0.1
  }
  return idf
}

/**
 * The level function of one comparison over a set of prepared records.
 * `idf` gives word weights for address/token comparisons (see idfTable).
 */
export function levelFunction(spec: ComparisonSpec, p: Prepared, idf: (field: string) => Float32Array, shapes: () => WordShapes): LevelFn {
  const c: Columns = p.columns
  const S = p.strings
  switch (spec.kind) {
    case 'given-name': {
      const { given, family, givenMeta, givenGroups, middle } = c
      return (i, j) => {
        const a = given[i] as number
        const b = given[j] as number
        if (a < 0 || b < 0) return 0
        if (a === b) return 1
        if (csrIntersects(givenGroups, i, j)) return 2
        const sa = S[a] as string
        const sb0 = S[b] as string
        if (sameDiminutive(sa, sb0)) return 2
        const sb = S[b] as string
        const jw = jaroWinkler(S[a] as string, S[b] as string)
        if (jw >= 0.92) return 3
        if (swappedNames(given, family, S, i, j)) return 4
        if (csrHas(middle, j, a) || csrHas(middle, i, b)) return 5
        if (metaMatch(givenMeta, i, j)) return 6
        if (jw >= 0.8) return 7
        if ((sa.length === 1 && sb.charCodeAt(0) === sa.charCodeAt(0)) || (sb.length === 1 && sa.charCodeAt(0) === sb.charCodeAt(0))) return 8
        return 9
      }
    }
    case 'family-name': {
      const { given, family, familyMeta, familyParts, former } = c
      return (i, j) => {
        const a = family[i] as number
        const b = family[j] as number
        if (a < 0 || b < 0) return 0
        if (a === b) return 1
        if (swappedNames(given, family, S, i, j)) return 2
        if (csrHas(former, j, a) || csrHas(former, i, b) || csrIntersects(former, i, j)) return 3
        const sa = S[a] as string
        const sb = S[b] as string
        if (csrIntersects(familyParts, i, j)) return 4
        const short = sa.length <= sb.length ? sa : sb
        const long = sa.length <= sb.length ? sb : sa
        if (short.length >= 3 && long.length - short.length >= 4 && (long.startsWith(short) || long.endsWith(short))) return 4
        const jw = jaroWinkler(S[a] as string, S[b] as string)
        if (jw >= 0.92) return 5
        if (metaMatch(familyMeta, i, j)) return 6
        if (jw >= 0.8) return 7
        return 8
      }
    }
    case 'date-of-birth': {
      const { dob, dobDays } = c
      return (i, j) => {
        const a = dob[i] as number
        const b = dob[j] as number
        if (a < 0 || b < 0) return 0
        if (a === b) return 1
        const ya = (a / 10000) | 0
        const yb = (b / 10000) | 0
        const ma = ((a / 100) | 0) % 100
        const mb = ((b / 100) | 0) % 100
        const da = a % 100
        const db = b % 100
        if (ya === yb && ma === db && da === mb) return 2
        if (oneDigitApart(a, b)) return 3
        const xa = dobDays[i] as number
        const xb = dobDays[j] as number
        if (xa !== NO_DAYS && xb !== NO_DAYS && (xa - xb === 1 || xb - xa === 1)) return 4
        if (ya === yb && ma === mb) return 5
        if (ya === yb) return 6
        return 7
      }
    }
    case 'gender': {
      const { gender } = c
      return (i, j) => {
        const a = gender[i] as number
        const b = gender[j] as number
        if (a === 0 || b === 0) return 0
        return a === b ? 1 : 2
      }
    }
    case 'postcode': {
      const { pcFull, pcSector, pcDistrict, pcArea } = c
      return (i, j) => {
        const a = pcFull[i] as number
        const b = pcFull[j] as number
        if (a < 0 || b < 0) return 0
        if (a === b) return 1
        const s = pcSector[i] as number
        if (s >= 0 && s === pcSector[j]) return 2
        const d = pcDistrict[i] as number
        if (d >= 0 && d === pcDistrict[j]) return 3
        const r = pcArea[i] as number
        if (r >= 0 && r === pcArea[j]) return 4
        return 5
      }
    }
    case 'address': {
      const { address, addressJoined } = c
      const weights = idf('address')
      const sh = shapes()
      return (i, j) => {
        if (address.offsets[i] === address.offsets[i + 1] || address.offsets[j] === address.offsets[j + 1]) return 0
        const level = tokenLevel(tokenSimilarity(address, i, j, S, weights, sh))
        return level > 2 && joinedSimilar(addressJoined, S, i, j) ? 2 : level
      }
    }
    case 'residence': {
      const { address, addressJoined, pcFull, pcSector, pcDistrict, pcArea } = c
      const weights = idf('address')
      const sh = shapes()
      return (i, j) => {
        const hasA = address.offsets[i] !== address.offsets[i + 1] && address.offsets[j] !== address.offsets[j + 1]
        const pa = pcFull[i] as number
        const pb = pcFull[j] as number
        const hasP = pa >= 0 && pb >= 0
        if (!hasA && !hasP) return 0
        let sim = hasA ? tokenSimilarity(address, i, j, S, weights, sh) : -1
        if (sim >= 0 && sim < 0.7 && joinedSimilar(addressJoined, S, i, j)) sim = 0.7
        if (hasP && pa === pb) {
          if (sim >= 0.99) return 1
          if (sim < 0 || sim >= 0.7) return 2
          return 4
        }
        if (sim >= 0.99) return 3
        if (sim >= 0.7) return 5
        if (!hasP) return sim < 0.4 ? 9 : 5
        const sec = pcSector[i] as number
        if (sec >= 0 && sec === pcSector[j]) return 6
        const d = pcDistrict[i] as number
        if (d >= 0 && d === pcDistrict[j]) return 7
        const r = pcArea[i] as number
        if (r >= 0 && r === pcArea[j]) return 8
        return 9
      }
    }
    case 'nhs-number':
    case 'upn': {
      const ids = spec.kind === 'upn' ? c.upn : c.nhs
      const valid = spec.kind === 'upn' ? c.upnValid : c.nhsValid
      return (i, j) => {
        const a = ids[i] as number
        const b = ids[j] as number
        if (a < 0 || b < 0) return 0
        if (a === b) return 1
        if (oneEditApart(S[a] as string, S[b] as string)) return 2
        if (valid[i] === 1 && valid[j] === 1) return 3
        return 4
      }
    }
    case 'carers': {
      const { carerGiven, carerFamily } = c
      const go = carerGiven.offsets
      const gv = carerGiven.values
      const fv = carerFamily.values
      const close = (x: number, y: number, variants: boolean): boolean => {
        if (x === y) return true
        if (x < 0 || y < 0) return false
        const a = S[x] as string
        const b = S[y] as string
        return jaroWinkler(a, b) >= 0.92 || (variants && areVariants(a, b))
      }
      return (i, j) => {
        const si = go[i] as number
        const ei = go[i + 1] as number
        const sj = go[j] as number
        const ej = go[j + 1] as number
        if (si === ei || sj === ej) return 0
        let matched = 0
        let family = false
        for (let k = si; k < ei; k++) {
          for (let l = sj; l < ej; l++) {
            if (!close(fv[k] as number, fv[l] as number, false)) continue
            family = true
            const a = gv[k] as number
            const b = gv[l] as number
            // one record gave only a family name: that carer agrees as far as it goes
            if (a < 0 || b < 0 || close(a, b, true)) {
              matched++
              break
            }
          }
        }
        if (matched > 0) return matched >= Math.min(ei - si, ej - sj) ? 1 : 2
        return family ? 3 : 4
      }
    }
    case 'extra-exact':
    case 'extra-text':
    case 'extra-id': {
      const col = c.extras.find((e) => e.field === spec.field && e.kind === 'value')
      if (!col?.ids) throw new Error(`extra attribute ${spec.field} was not prepared`)
      const ids = col.ids
      const kind = spec.kind
      return (i, j) => {
        const a = ids[i] as number
        const b = ids[j] as number
        if (a < 0 || b < 0) return 0
        if (a === b) return 1
        if (kind === 'extra-exact') return 2
        if (kind === 'extra-id') return oneEditApart(S[a] as string, S[b] as string) ? 2 : 3
        const jw = jaroWinkler(S[a] as string, S[b] as string)
        return jw >= 0.92 ? 2 : jw >= 0.8 ? 3 : 4
      }
    }
    case 'extra-tokens': {
      const col = c.extras.find((e) => e.field === spec.field && e.kind === 'tokens')
      if (!col?.tokens) throw new Error(`extra attribute ${spec.field} was not prepared`)
      const tokens = col.tokens
      const weights = idf(`extra:${spec.field}`)
      const sh = shapes()
      return (i, j) => {
        if (tokens.offsets[i] === tokens.offsets[i + 1] || tokens.offsets[j] === tokens.offsets[j + 1]) return 0
        return tokenLevel(tokenSimilarity(tokens, i, j, S, weights, sh))
      }
    }
  }
}

/** The extra attributes a list of comparisons needs prepared, and how. */
export function extrasNeeded(comparisons: readonly ComparisonSpec[]): { field: string; kind: 'value' | 'tokens' }[] {
  const out: { field: string; kind: 'value' | 'tokens' }[] = []
  for (const c of comparisons) {
    if (!c.field || !c.kind.startsWith('extra-')) continue
    const kind = c.kind === 'extra-tokens' ? 'tokens' : 'value'
    if (!out.some((e) => e.field === c.field && e.kind === kind)) out.push({ field: c.field, kind })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Guards: facts about a pair that forbid an automatic link whatever the weight says.

/** Same family name or carers, date of birth the same (or one keying error apart), different given names: possibly twins or triplets. */
export const GUARD_TWINS = 1
/** Both records carry valid identifiers of the same kind, and they differ. */
export const GUARD_ID_CONFLICT = 2
/** Same source, and both records carry valid, different identifiers of the same kind. */
export const GUARD_SAME_SOURCE_IDS = 4
/** The given names of a twins or siblings pair are not even similar: never the same child. */
export const GUARD_GIVEN_CERTAIN = 8
/** A duplicate-free source cannot hold the same child twice. */
export const GUARD_DUPLICATE_FREE = 16
/** Same family name or carers, different given names and dates of birth: possibly brothers or sisters. */
export const GUARD_SIBLINGS = 32
/** Not a guard: an identifier (NHS number, UPN, …) is the same on both records. */
export const FLAG_ID_MATCH = 64

export const GUARD_WORDS: readonly [number, string][] = [
  [GUARD_TWINS, 'same date of birth and the same family name or carers, but different given names: possibly twins or triplets, so never linked automatically'],
  [GUARD_SIBLINGS, 'same family name or carers but different given names and dates of birth: possibly brothers or sisters, so never linked automatically'],
  [GUARD_ID_CONFLICT, 'both records carry a valid identifier and the identifiers differ, so never linked automatically'],
  [GUARD_SAME_SOURCE_IDS, 'two records from the same source with different identifiers: the source holds two children'],
  [GUARD_DUPLICATE_FREE, 'both records come from a source that holds each child once'],
]

export interface GuardContext {
  /** index of each comparison in `levels` (-1 when the model has no such comparison) */
  readonly given: number
  readonly family: number
  readonly dob: number
  /** the carers comparison (-1 when the model has none) */
  readonly carers?: number
  /** identifier comparisons (NHS number, UPN, extra identifiers) */
  readonly identifiers: readonly number[]
  /** of `identifiers`: those whose "different" level means two valid, different identifiers */
  readonly validDifferentLevel: readonly number[]
  readonly familyGuard: boolean
  /** relative frequency of each given name (by string id), and the frequency of a name seen once */
  readonly givenFrequency: Float64Array
  readonly rareFrequency: number
}

/** A name this much rarer than a name one keystroke away is taken for a misspelling of it. */
const TYPO_RATIO = 0.01

/** Given and middle names exchanged between the two records (Ryan Freddie and Freddie Ryan). */
function namesSwapped(c: Columns, i: number, j: number): boolean {
  return csrHas(c.middle, j, c.given[i] as number) && csrHas(c.middle, i, c.given[j] as number)
}

/** Both records list middle names and they have none in common (and are not swapped with the given names). */
function middleNamesConflict(c: Columns, i: number, j: number): boolean {
  const m = c.middle
  if (m.offsets[i] === m.offsets[i + 1] || m.offsets[j] === m.offsets[j + 1]) return false
  return !csrIntersects(m, i, j) && !namesSwapped(c, i, j)
}

/**
 * Could two different given names belong to one child, even if the records could be twins'? Yes
 * for a full name and its familiar form (Alexander, Alex), a given/family or given/middle swap, an
 * initial, or a misspelling — a name one keystroke from a name far more common. Not for two
 * spellings of a name (Isabella, Isabelle; Mohammed, Muhammad), two names in common use a keystroke
 * apart (Lily, Lila), a given name that is only the other's middle name (Freddie; Ryan Freddie),
 * middle names that disagree (Muhammad Ibrahim, Muhammad Yusuf), nor two records of one source.
 * Nor when one record says boy and the other girl. Such pairs go to a person unless an identifier agrees.
 */
export function givenNamesCompatible(c: Columns, S: readonly string[], ctx: GuardContext, i: number, j: number, level: number): boolean {
  if (middleNamesConflict(c, i, j)) return false
  const a = c.given[i] as number
  const b = c.given[j] as number
  // one record's given name is the other's middle name, yet their given names differ: the
  // other's sibling may carry it as a middle name (Sofia; Sophia Sofia) — unless fully swapped
  if (a !== b && (csrHas(c.middle, j, a) || csrHas(c.middle, i, b)) && !namesSwapped(c, i, j)) return false
  if (level === 1 || level === 4 || level === 8) return true
  // a boy and a girl: two children unless the names are the same
  const gi = c.gender[i] as number
  const gj = c.gender[j] as number
  if (gi !== 0 && gj !== 0 && gi !== gj) return false
  if (level === 5) return namesSwapped(c, i, j)
  // a source that holds a child twice spells the name the same way; twins are often in the same source
  if (c.source[i] === c.source[j]) return false
  const sa = S[a] as string
  const sb = S[b] as string
  // a full name and a familiar form of it (Alexander, Alex) are one child's; two spellings of a
  // name (Mohammed, Muhammad) or two familiar forms of one name can be twins' names
  if (level === 2) return variantRelation(sa, sb) === VARIANT_FULL_AND_SHORT
  if (!oneEditApart(sa, sb)) return false
  // a misspelling: one keystroke from a name far more common
  const fa = Math.max(ctx.givenFrequency[a] ?? 0, ctx.rareFrequency)
  const fb = Math.max(ctx.givenFrequency[b] ?? 0, ctx.rareFrequency)
  const rare = Math.min(fa, fb)
  return rare <= ctx.rareFrequency || rare <= TYPO_RATIO * Math.max(fa, fb)
}

/** Guard flags for a pair, given its levels. */
export function guardFunction(p: Prepared, ctx: GuardContext, duplicateFree: Uint8Array): (i: number, j: number, levels: Uint8Array) => number {
  const c = p.columns
  const S = p.strings
  const { given, source } = c
  const ids = ctx.identifiers
  const nIds = ids.length
  const checkFamily = ctx.familyGuard && ctx.given >= 0 && ctx.family >= 0
  const carersAt = ctx.carers ?? -1
  return (i, j, levels) => {
    let flags = 0
    let idMatch = false
    const sameSource = source[i] === source[j]
    for (let k = 0; k < nIds; k++) {
      const l = levels[ids[k] as number] as number
      if (l === 1) idMatch = true
      else if (l === ctx.validDifferentLevel[k]) {
        // two different identifiers that both pass their check: two children (or a wrong number)
        flags |= GUARD_ID_CONFLICT
        if (sameSource) flags |= GUARD_SAME_SOURCE_IDS
      }
    }
    if (sameSource && duplicateFree[source[i] as number] === 1) flags |= GUARD_DUPLICATE_FREE
    if (idMatch) flags |= FLAG_ID_MATCH
    if (checkFamily && !idMatch) {
      const dl = ctx.dob >= 0 ? (levels[ctx.dob] as number) : 0
      const fl = levels[ctx.family] as number
      const gl = levels[ctx.given] as number
      const cl = carersAt >= 0 ? (levels[carersAt] as number) : 0
      // the same household: family name the same or a known variation, or a parent or carer in
      // common (half-brothers and sisters, a child recorded under the other parent's name);
      // given names on both records that cannot be one child's
      const household = (fl >= 1 && fl <= 5 && fl !== 2) || cl === 1 || cl === 2
      if (household && gl >= 1 && !givenNamesCompatible(c, S, ctx, i, j, gl)) {
        // date of birth the same or one keying error apart: twins; otherwise brothers or sisters
        flags |= dl >= 1 && dl <= 4 ? GUARD_TWINS : GUARD_SIBLINGS
        if (gl === 9 && !oneEditApart(S[given[i] as number] as string, S[given[j] as number] as string)) flags |= GUARD_GIVEN_CERTAIN
      }
    }
    return flags
  }
}

/** Flags that keep two records out of the same cluster. */
export const CANNOT_LINK = GUARD_TWINS | GUARD_SIBLINGS | GUARD_SAME_SOURCE_IDS | GUARD_DUPLICATE_FREE | GUARD_ID_CONFLICT
/** Flags that make a pair a certain non-match, whatever its weight. */
const NEVER = GUARD_GIVEN_CERTAIN | GUARD_SAME_SOURCE_IDS | GUARD_DUPLICATE_FREE

/**
 * The decision for one pair: link at or above the link weight unless a guard forbids it (then a
 * person reviews it, or for certain non-matches nobody needs to); review between the thresholds.
 */
export function pairOutcome(weight: number, flags: number, linkWeight: number, reviewWeight: number): 'link' | 'review' | 'no-link' {
  if ((flags & NEVER) !== 0) return 'no-link'
  if (weight >= linkWeight) return (flags & CANNOT_LINK) !== 0 ? 'review' : 'link'
  return weight >= reviewWeight ? 'review' : 'no-link'
}
