// Prepared records: every record standardised once and stored column by column in typed arrays
// (strings interned to integer ids), so that comparing a pair is integer work and the columns
// can be shared with worker threads without copying.

import { doubleMetaphone } from './metaphone.ts'
import { variantGroups } from './name-variants.ts'
import { isValidNhsNumber, isValidUpn, standardiseNhsNumber, standardiseUpn } from './identifiers.ts'
import { addressTokens, parseDate, standardiseCarers, standardiseFamilyName, standardiseGender, standardiseNames, standardisePostcode, standardiseText, textTokens } from './standardise.ts'
import type { LinkRecord } from './types.ts'

/** Compressed rows: the values of record i are values[offsets[i] .. offsets[i+1]). */
export interface Csr {
  readonly offsets: Int32Array
  readonly values: Int32Array
}

export type ExtraKind = 'value' | 'tokens'

export interface ExtraColumn {
  readonly field: string
  readonly kind: ExtraKind
  /** value: one id per record (-1 when missing) */
  readonly ids?: Int32Array
  /** tokens: word ids per record */
  readonly tokens?: Csr
}

/** Everything about the records that comparisons need, as typed arrays. */
export interface Columns {
  readonly n: number
  readonly source: Int32Array
  readonly given: Int32Array
  /** two per record: primary and alternate Double Metaphone code ids (-1 when none) */
  readonly givenMeta: Int32Array
  readonly givenGroups: Csr
  readonly middle: Csr
  readonly family: Int32Array
  readonly familyMeta: Int32Array
  readonly familyParts: Csr
  readonly former: Csr
  /** YYYYMMDD, -1 when missing */
  readonly dob: Int32Array
  /** days since 1970-01-01; NO_DAYS for an impossible or missing date */
  readonly dobDays: Int32Array
  readonly gender: Int8Array
  readonly pcFull: Int32Array
  readonly pcSector: Int32Array
  readonly pcDistrict: Int32Array
  readonly pcArea: Int32Array
  readonly address: Csr
  /** the address words run together ("24farrerpl"), for addresses whose spacing differs; -1 when none */
  readonly addressJoined: Int32Array
  readonly nhs: Int32Array
  readonly nhsValid: Uint8Array
  readonly upn: Int32Array
  readonly upnValid: Uint8Array
  /** parents and carers: given name ids (-1 when only a family name) and family name ids, aligned */
  readonly carerGiven: Csr
  readonly carerFamily: Csr
  readonly extras: readonly ExtraColumn[]
}

export const NO_DAYS = -2147483648

/** Prepared records plus the tables comparisons read. */
export interface Prepared {
  readonly columns: Columns
  /** interned strings: id → text */
  readonly strings: readonly string[]
  /** names of the sources, by source index */
  readonly sourceNames: readonly string[]
  /** record ids, by record index */
  readonly recordIds: readonly string[]
  /** per-field relative frequency of each value (by string id), for term-frequency adjustments */
  readonly frequencies: Readonly<Record<string, Float64Array>>
  /** per token field: number of records holding each word (by string id), and how many records have the field */
  readonly documentFrequencies: Readonly<Record<string, { readonly df: Int32Array; readonly docs: number }>>
}

/** Fields whose value frequencies are counted (term-frequency adjustment). */
export const TF_FIELDS = ['given', 'family', 'postcode'] as const

class GrowInt32 {
  data: Int32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
  /** A copy of the used part in (optionally shared) memory. */
  finish(shared: boolean): Int32Array {
    const out = shared ? new Int32Array(new SharedArrayBuffer(Math.max(4, this.length * 4))).subarray(0, this.length) : new Int32Array(this.length)
    out.set(this.data.subarray(0, this.length))
    return out
  }
}

class GrowCsr {
  readonly offsets = new GrowInt32()
  readonly values = new GrowInt32()
  constructor() {
    this.offsets.push(0)
  }
  pushRow(values: Iterable<number>): void {
    for (const v of values) this.values.push(v)
    this.offsets.push(this.values.length)
  }
  finish(shared: boolean): Csr {
    return { offsets: this.offsets.finish(shared), values: this.values.finish(shared) }
  }
}

class Counter {
  counts = new Int32Array(1024)
  total = 0
  add(id: number): void {
    if (id < 0) return
    if (id >= this.counts.length) {
      let size = this.counts.length
      while (size <= id) size *= 2
      const next = new Int32Array(size)
      next.set(this.counts)
      this.counts = next
    }
    this.counts[id] = (this.counts[id] as number) + 1
    this.total++
  }
}

export interface PrepareOptions {
  /** extra attributes to keep, and whether they are compared as one value or as words */
  readonly extras?: readonly { readonly field: string; readonly kind: ExtraKind }[]
  /** put the columns in SharedArrayBuffers (for worker threads) */
  readonly shared?: boolean
}

/**
 * Builds Prepared records one record at a time (so a large file can be read as a stream).
 * Record order is kept: record i is the i-th record added.
 */
export class Preparer {
  private readonly intern = new Map<string, number>()
  private readonly strings: string[] = []
  private readonly sources = new Map<string, number>()
  private readonly sourceNames: string[] = []
  private readonly recordIds: string[] = []
  private readonly metaCache = new Map<string, readonly [number, number]>()
  private readonly extrasSpec: readonly { readonly field: string; readonly kind: ExtraKind }[]
  private readonly shared: boolean

  private readonly source = new GrowInt32()
  private readonly given = new GrowInt32()
  private readonly givenMeta = new GrowInt32()
  private readonly givenGroups = new GrowCsr()
  private readonly middle = new GrowCsr()
  private readonly family = new GrowInt32()
  private readonly familyMeta = new GrowInt32()
  private readonly familyParts = new GrowCsr()
  private readonly former = new GrowCsr()
  private readonly dob = new GrowInt32()
  private readonly dobDays = new GrowInt32()
  private readonly gender = new GrowInt32()
  private readonly pcFull = new GrowInt32()
  private readonly pcSector = new GrowInt32()
  private readonly pcDistrict = new GrowInt32()
  private readonly pcArea = new GrowInt32()
  private readonly address = new GrowCsr()
  private readonly addressJoined = new GrowInt32()
  private readonly nhs = new GrowInt32()
  private readonly nhsValid = new GrowInt32()
  private readonly upn = new GrowInt32()
  private readonly upnValid = new GrowInt32()
  private readonly carerGiven = new GrowCsr()
  private readonly carerFamily = new GrowCsr()
  private readonly extraValues: (GrowInt32 | GrowCsr)[]
  private readonly counters: Record<string, Counter> = {}
  private readonly dfCounters: Record<string, Counter> = {}

  constructor(options: PrepareOptions = {}) {
    this.extrasSpec = options.extras ?? []
    this.shared = options.shared ?? false
    this.extraValues = this.extrasSpec.map((e) => (e.kind === 'value' ? new GrowInt32() : new GrowCsr()))
    for (const f of TF_FIELDS) this.counters[f] = new Counter()
    this.dfCounters.address = new Counter()
    for (const e of this.extrasSpec) {
      if (e.kind === 'value') this.counters[`extra:${e.field}`] = new Counter()
      else this.dfCounters[`extra:${e.field}`] = new Counter()
    }
  }

  get size(): number {
    return this.recordIds.length
  }

  /** The record id of record i (added so far). */
  recordIdAt(i: number): string | undefined {
    return this.recordIds[i]
  }

  private id(text: string | null): number {
    if (text === null) return -1
    let id = this.intern.get(text)
    if (id === undefined) {
      id = this.strings.length
      this.strings.push(text)
      this.intern.set(text, id)
    }
    return id
  }

  private meta(name: string | null): readonly [number, number] {
    if (name === null) return [-1, -1]
    let codes = this.metaCache.get(name)
    if (!codes) {
      const [p, a] = doubleMetaphone(name)
      codes = [p ? this.id(p) : -1, a && a !== p ? this.id(a) : -1]
      this.metaCache.set(name, codes)
    }
    return codes
  }

  // Standardised values remembered by the text a source sent: names, dates, postcodes and
  // addresses repeat across records and sources, so each distinct text is standardised once.
  private readonly givenCache = new Map<string, { id: number; meta: readonly [number, number]; groups: readonly number[]; middle: readonly number[] }>()
  private readonly wordsCache = new Map<string, readonly number[]>()
  private readonly familyCache = new Map<string, { id: number; meta: readonly [number, number]; parts: readonly number[] }>()
  private readonly formerCache = new Map<string, readonly number[]>()
  private readonly dobCache = new Map<string, readonly [number, number]>()
  private readonly postcodeCache = new Map<string, readonly [number, number, number, number]>()
  private readonly addressCache = new Map<string, { readonly words: readonly number[]; readonly joined: number }>()

  private readonly carersCache = new Map<string, { readonly given: readonly number[]; readonly family: readonly number[] }>()
  private static readonly NO_CARERS = { given: [] as number[], family: [] as number[] }

  private carersOf(raw: string | readonly string[] | undefined): { readonly given: readonly number[]; readonly family: readonly number[] } {
    if (!raw || raw.length === 0) return Preparer.NO_CARERS
    const key = typeof raw === 'string' ? raw : raw.join(';')
    let v = this.carersCache.get(key)
    if (!v) {
      const carers = standardiseCarers(raw)
      v = { given: carers.map((c) => this.id(c.given)), family: carers.map((c) => this.id(c.family)) }
      this.carersCache.set(key, v)
    }
    return v
  }

  private static readonly NO_NAME = { id: -1, meta: [-1, -1] as const, groups: [] as number[], middle: [] as number[], parts: [] as number[] }

  private givenOf(raw: string | undefined): { id: number; meta: readonly [number, number]; groups: readonly number[]; middle: readonly number[] } {
    if (!raw) return Preparer.NO_NAME
    let v = this.givenCache.get(raw)
    if (!v) {
      const n = standardiseNames({ givenName: raw })
      v = { id: this.id(n.given), meta: this.meta(n.given), groups: n.given ? variantGroups(n.given) : [], middle: n.middle.map((m) => this.id(m)) }
      this.givenCache.set(raw, v)
    }
    return v
  }

  private middleOf(raw: string | undefined): readonly number[] {
    if (!raw) return []
    let v = this.wordsCache.get(raw)
    if (!v) {
      v = standardiseNames({ middleNames: raw }).middle.map((m) => this.id(m))
      this.wordsCache.set(raw, v)
    }
    return v
  }

  private familyOf(raw: string | undefined): { id: number; meta: readonly [number, number]; parts: readonly number[] } {
    if (!raw) return Preparer.NO_NAME
    let v = this.familyCache.get(raw)
    if (!v) {
      const f = standardiseFamilyName(raw)
      v = { id: this.id(f.family), meta: this.meta(f.family), parts: f.family ? f.parts.map((x) => this.id(x)) : [] }
      this.familyCache.set(raw, v)
    }
    return v
  }

  private formerOf(raw: string | undefined, family: number): readonly number[] {
    if (!raw) return []
    let v = this.formerCache.get(raw)
    if (!v) {
      v = standardiseNames({ formerFamilyNames: raw }).former.map((f) => this.id(f))
      this.formerCache.set(raw, v)
    }
    return v.includes(family) ? v.filter((f) => f !== family) : v
  }

  private dobOf(raw: string | undefined): readonly [number, number] {
    if (!raw) return [-1, NO_DAYS]
    let v = this.dobCache.get(raw)
    if (!v) {
      const d = parseDate(raw)
      v = [d ? d.ymd : -1, d && d.valid ? d.days : NO_DAYS]
      this.dobCache.set(raw, v)
    }
    return v
  }

  private postcodeOf(raw: string | undefined): readonly [number, number, number, number] {
    if (!raw) return [-1, -1, -1, -1]
    let v = this.postcodeCache.get(raw)
    if (!v) {
      const pc = standardisePostcode(raw)
      v = pc ? [this.id(pc.full), this.id(pc.sector), this.id(pc.district), this.id(pc.area)] : [-1, -1, -1, -1]
      this.postcodeCache.set(raw, v)
    }
    return v
  }

  private addressOf(raw: string | undefined): { readonly words: readonly number[]; readonly joined: number } {
    if (!raw) return { words: [], joined: -1 }
    let v = this.addressCache.get(raw)
    if (!v) {
      const words = addressTokens(raw)
      v = { words: words.map((t) => this.id(t)), joined: words.length > 0 ? this.id(words.join('')) : -1 }
      this.addressCache.set(raw, v)
    }
    return v
  }

  add(record: LinkRecord): number {
    let src = this.sources.get(record.source)
    if (src === undefined) {
      src = this.sourceNames.length
      this.sourceNames.push(record.source)
      this.sources.set(record.source, src)
    }
    this.source.push(src)
    this.recordIds.push(record.recordId)

    const g = this.givenOf(record.givenName)
    this.given.push(g.id)
    this.counters.given?.add(g.id)
    this.givenMeta.push(g.meta[0])
    this.givenMeta.push(g.meta[1])
    this.givenGroups.pushRow(g.groups)
    const middle = this.middleOf(record.middleNames)
    this.middle.pushRow(g.middle.length === 0 ? middle : [...g.middle, ...middle])

    const f = this.familyOf(record.familyName)
    this.family.push(f.id)
    this.counters.family?.add(f.id)
    this.familyMeta.push(f.meta[0])
    this.familyMeta.push(f.meta[1])
    this.familyParts.pushRow(f.parts)
    this.former.pushRow(this.formerOf(record.formerFamilyNames, f.id))

    const dob = this.dobOf(record.dateOfBirth)
    this.dob.push(dob[0])
    this.dobDays.push(dob[1])
    this.gender.push(standardiseGender(record.gender))

    const pc = this.postcodeOf(record.postcode)
    this.pcFull.push(pc[0])
    this.counters.postcode?.add(pc[0])
    this.pcSector.push(pc[1])
    this.pcDistrict.push(pc[2])
    this.pcArea.push(pc[3])

    const address = this.addressOf(record.address)
    const addressIds = address.words
    this.address.pushRow(addressIds)
    this.addressJoined.push(address.joined)
    for (const t of addressIds) this.dfCounters.address?.add(t)

    const nhs = standardiseNhsNumber(record.nhsNumber)
    this.nhs.push(this.id(nhs))
    this.nhsValid.push(nhs !== null && isValidNhsNumber(nhs) ? 1 : 0)
    const upn = standardiseUpn(record.upn)
    this.upn.push(this.id(upn))
    this.upnValid.push(upn !== null && isValidUpn(upn) ? 1 : 0)
    const carers = this.carersOf(record.carers)
    this.carerGiven.pushRow(carers.given)
    this.carerFamily.pushRow(carers.family)

    for (let e = 0; e < this.extrasSpec.length; e++) {
      const spec = this.extrasSpec[e] as { field: string; kind: ExtraKind }
      const raw = record.extra?.[spec.field]
      const target = this.extraValues[e] as GrowInt32 | GrowCsr
      if (spec.kind === 'value') {
        const id = this.id(standardiseText(raw))
        ;(target as GrowInt32).push(id)
        this.counters[`extra:${spec.field}`]?.add(id)
      } else {
        const ids = textTokens(raw).map((t) => this.id(t))
        ;(target as GrowCsr).pushRow(ids)
        for (const t of ids) this.dfCounters[`extra:${spec.field}`]?.add(t)
      }
    }
    return this.recordIds.length - 1
  }

  finish(): Prepared {
    const sh = this.shared
    const n = this.recordIds.length
    const int8 = (g: GrowInt32): Int8Array => {
      const out = sh ? new Int8Array(new SharedArrayBuffer(Math.max(1, n))).subarray(0, n) : new Int8Array(n)
      for (let i = 0; i < n; i++) out[i] = g.data[i] as number
      return out
    }
    const uint8 = (g: GrowInt32): Uint8Array => {
      const out = sh ? new Uint8Array(new SharedArrayBuffer(Math.max(1, n))).subarray(0, n) : new Uint8Array(n)
      for (let i = 0; i < n; i++) out[i] = g.data[i] as number
      return out
    }
    const columns: Columns = {
      n,
      source: this.source.finish(sh),
      given: this.given.finish(sh),
      givenMeta: this.givenMeta.finish(sh),
      givenGroups: this.givenGroups.finish(sh),
      middle: this.middle.finish(sh),
      family: this.family.finish(sh),
      familyMeta: this.familyMeta.finish(sh),
      familyParts: this.familyParts.finish(sh),
      former: this.former.finish(sh),
      dob: this.dob.finish(sh),
      dobDays: this.dobDays.finish(sh),
      gender: int8(this.gender),
      pcFull: this.pcFull.finish(sh),
      pcSector: this.pcSector.finish(sh),
      pcDistrict: this.pcDistrict.finish(sh),
      pcArea: this.pcArea.finish(sh),
      address: this.address.finish(sh),
      addressJoined: this.addressJoined.finish(sh),
      nhs: this.nhs.finish(sh),
      nhsValid: uint8(this.nhsValid),
      upn: this.upn.finish(sh),
      upnValid: uint8(this.upnValid),
      carerGiven: this.carerGiven.finish(sh),
      carerFamily: this.carerFamily.finish(sh),
      extras: this.extrasSpec.map((spec, e) => {
        const target = this.extraValues[e] as GrowInt32 | GrowCsr
        return spec.kind === 'value'
          ? { field: spec.field, kind: spec.kind, ids: (target as GrowInt32).finish(sh) }
          : { field: spec.field, kind: spec.kind, tokens: (target as GrowCsr).finish(sh) }
      }),
    }
    const size = this.strings.length
    const frequencies: Record<string, Float64Array> = {}
    for (const [field, counter] of Object.entries(this.counters)) {
      const f = sh ? new Float64Array(new SharedArrayBuffer(Math.max(8, size * 8))).subarray(0, size) : new Float64Array(size)
      const total = Math.max(1, counter.total)
      const m = Math.min(size, counter.counts.length)
      for (let i = 0; i < m; i++) {
        const c = counter.counts[i] as number
        if (c > 0) f[i] = c / total
      }
      frequencies[field] = f
    }
    const documentFrequencies: Record<string, { df: Int32Array; docs: number }> = {}
    for (const [field, counter] of Object.entries(this.dfCounters)) {
      const df = sh ? new Int32Array(new SharedArrayBuffer(Math.max(4, size * 4))).subarray(0, size) : new Int32Array(size)
      df.set(counter.counts.subarray(0, Math.min(size, counter.counts.length)))
      documentFrequencies[field] = { df, docs: n }
    }
    return { columns, strings: this.strings, sourceNames: this.sourceNames, recordIds: this.recordIds, frequencies, documentFrequencies }
  }
}

/** Prepare a list of records in one go. */
export function prepareRecords(records: Iterable<LinkRecord>, options: PrepareOptions = {}): Prepared {
  const p = new Preparer(options)
  for (const r of records) p.add(r)
  return p.finish()
}
