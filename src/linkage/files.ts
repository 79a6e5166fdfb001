// Linkage files: identity CSVs in, clusters (and review pairs) out, truth for evaluation.
// Column names are those of the `link` command; errors name the file and the line.

import { createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { once } from 'node:events'
import { basename } from 'node:path'
import { AppError } from '../errors.ts'
import type { Clusters } from './cluster.ts'
import { csvLine, readCsvFile } from './csv.ts'
import { explainPrepared } from './explain.ts'
import type { Scorer, TrainedModel } from './model.ts'
import type { Prepared, Preparer } from './prepare.ts'
import type { LinkRecord } from './types.ts'

export const INPUT_COLUMNS = ['source', 'record_id', 'given_name', 'middle_names', 'family_name', 'former_family_names', 'date_of_birth', 'gender', 'address', 'postcode', 'nhs_number', 'upn', 'carers'] as const

type Column = (typeof INPUT_COLUMNS)[number]

function fail(file: string, line: number, message: string): AppError {
  return new AppError('validation_failed', `${file}, line ${line}: ${message}`, { fields: [{ field: file, message: `line ${line}: ${message}` }] })
}

/**
 * (source, record_id) → record number, as an open-addressing hash table over typed arrays: a
 * JavaScript Map of millions of strings costs far more memory and time.
 */
export class RecordIndex {
  private readonly preparer: Preparer
  private readonly sourceIds = new Map<string, number>()
  private slots = new Int32Array(1 << 16).fill(-1)
  private hashes = new Uint32Array(1 << 16)
  private size = 0
  /** source number of each record, by record number */
  private sourceOf: number[] = []

  constructor(preparer: Preparer) {
    this.preparer = preparer
  }

  private static hash(source: number, id: string): number {
    let h = (0x811c9dc5 ^ source) >>> 0
    for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193)
    return (h ^ (h >>> 15)) >>> 0
  }

  private sourceNumber(source: string, create: boolean): number {
    let s = this.sourceIds.get(source)
    if (s === undefined && create) {
      s = this.sourceIds.size
      this.sourceIds.set(source, s)
    }
    return s ?? -1
  }

  private find(source: number, id: string, hash: number): number {
    const mask = this.slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const r = this.slots[slot] as number
      if (r < 0) return -(slot + 1)
      if (this.hashes[slot] === hash && this.sourceOf[r] === source && this.preparer.recordIdAt(r) === id) return r
    }
  }

  /** The record number already holding (source, id), or -1 after adding `index` for it. */
  add(source: string, id: string, index: number): number {
    const s = this.sourceNumber(source, true)
    const h = RecordIndex.hash(s, id)
    const found = this.find(s, id, h)
    if (found >= 0) return found
    this.sourceOf[index] = s
    const slot = -found - 1
    this.slots[slot] = index
    this.hashes[slot] = h
    this.size++
    if (this.size * 2 > this.slots.length) this.grow()
    return -1
  }

  get(source: string, id: string): number | undefined {
    const s = this.sourceNumber(source, false)
    if (s < 0) return undefined
    const r = this.find(s, id, RecordIndex.hash(s, id))
    return r >= 0 ? r : undefined
  }

  private grow(): void {
    const oldSlots = this.slots
    const oldHashes = this.hashes
    this.slots = new Int32Array(oldSlots.length * 2).fill(-1)
    this.hashes = new Uint32Array(oldSlots.length * 2)
    const mask = this.slots.length - 1
    for (let k = 0; k < oldSlots.length; k++) {
      const r = oldSlots[k] as number
      if (r < 0) continue
      let slot = (oldHashes[k] as number) & mask
      while ((this.slots[slot] as number) >= 0) slot = (slot + 1) & mask
      this.slots[slot] = r
      this.hashes[slot] = oldHashes[k] as number
    }
  }
}

/** Where each record came from, and a lookup from (source, record_id) to record number. */
export interface InputIndex {
  readonly records: RecordIndex
  readonly files: readonly string[]
  /** per input file, the number of records read */
  readonly counts: readonly number[]
}

/**
 * Read identity CSV files into a Preparer (records numbered in file order). Rejects a missing
 * `source` or `record_id` column, rows with the wrong number of fields, empty keys and a
 * (source, record_id) seen twice.
 */
export async function readLinkInputs(paths: readonly string[], preparer: Preparer, onBytes: (done: number, total: number) => void = () => undefined): Promise<InputIndex> {
  let total = 0
  for (const path of paths) {
    try {
      total += (await stat(path)).size
    } catch {
      // a missing file is reported when it is read
    }
  }
  let before = 0
  const records = new RecordIndex(preparer)
  // where each record came from, for the message about a record seen twice
  const fileOf: number[] = []
  const lineOf: number[] = []
  const counts: number[] = []
  for (const [fileIndex, path] of paths.entries()) {
    const name = path
    let header: string[] | null = null
    let sourceAt = -1
    let idAt = -1
    let at: Record<string, number> = {}
    let count = 0
    for await (const row of readCsvFile(path, name, (bytes) => onBytes(before + bytes, total))) {
      if (!header) {
        header = row.fields.map((h) => h.trim().toLowerCase())
        sourceAt = header.indexOf('source')
        idAt = header.indexOf('record_id')
        const missing = [sourceAt < 0 ? 'source' : null, idAt < 0 ? 'record_id' : null].filter(Boolean)
        if (missing.length > 0) throw fail(name, row.line, `the header has no ${missing.join(' or ')} column (required: source, record_id)`)
        const dup = header.find((h, i) => h !== '' && header?.indexOf(h) !== i)
        if (dup) throw fail(name, row.line, `the header names the column ${dup} twice`)
        at = Object.fromEntries(INPUT_COLUMNS.map((c) => [c, header?.indexOf(c) ?? -1]))
        continue
      }
      const f = row.fields
      if (f.length === 1 && f[0]?.trim() === '') continue
      if (f.length !== header.length) throw fail(name, row.line, `expected ${header.length} fields as in the header, found ${f.length}`)
      const source = (f[sourceAt] as string).trim()
      const recordId = (f[idAt] as string).trim()
      if (source === '') throw fail(name, row.line, 'source is empty')
      if (recordId === '') throw fail(name, row.line, 'record_id is empty')
      const value = (column: Column): string | undefined => {
        const k = at[column] as number
        if (k < 0) return undefined
        const v = (f[k] as string).trim()
        return v === '' ? undefined : v
      }
      const record: LinkRecord = {
        source,
        recordId,
        givenName: value('given_name'),
        middleNames: value('middle_names'),
        familyName: value('family_name'),
        formerFamilyNames: value('former_family_names'),
        dateOfBirth: value('date_of_birth'),
        gender: value('gender'),
        address: value('address'),
        postcode: value('postcode'),
        nhsNumber: value('nhs_number'),
        upn: value('upn'),
        carers: value('carers'),
      }
      const index = preparer.add(record)
      const seen = records.add(source, recordId, index)
      if (seen >= 0) throw fail(name, row.line, `record ${source} ${recordId} appears twice (first ${basename(paths[fileOf[seen] as number] as string)} line ${lineOf[seen] as number})`)
      fileOf.push(fileIndex)
      lineOf.push(row.line)
      count++
    }
    if (!header) throw fail(name, 1, 'the file is empty (a header line is required)')
    counts.push(count)
    try {
      before += (await stat(path)).size
    } catch {
      // read already, so present
    }
  }
  onBytes(total, total)
  return { records, files: paths, counts }
}

export interface Truth {
  /** entity number of each record (-1 when the truth file does not mention it) */
  readonly entityOf: Int32Array
  readonly unknown: number
  readonly entities: ReadonlyMap<string, number>
}

/** Read a truth CSV (source, record_id and an entity column named `child` or `cluster`). */
export async function readTruth(path: string, index: InputIndex, records: number): Promise<Truth> {
  const entityOf = new Int32Array(records).fill(-1)
  const entities = new Map<string, number>()
  let header: string[] | null = null
  let s = -1
  let r = -1
  let e = -1
  for await (const row of readCsvFile(path)) {
    if (!header) {
      header = row.fields.map((h) => h.trim().toLowerCase())
      s = header.indexOf('source')
      r = header.indexOf('record_id')
      e = header.indexOf('child') >= 0 ? header.indexOf('child') : header.indexOf('cluster')
      if (s < 0 || r < 0 || e < 0) throw fail(path, row.line, 'a truth file needs the columns source, record_id and child (or cluster)')
      continue
    }
    if (row.fields.length === 1 && row.fields[0]?.trim() === '') continue
    if (row.fields.length !== header.length) throw fail(path, row.line, `expected ${header.length} fields as in the header, found ${row.fields.length}`)
    const i = index.records.get((row.fields[s] as string).trim(), (row.fields[r] as string).trim())
    if (i === undefined) continue
    const label = (row.fields[e] as string).trim()
    let id = entities.get(label)
    if (id === undefined) {
      id = entities.size
      entities.set(label, id)
    }
    entityOf[i] = id
  }
  if (!header) throw fail(path, 1, 'the file is empty (a header line is required)')
  let unknown = 0
  for (let i = 0; i < records; i++) if (entityOf[i] === -1) unknown++
  return { entityOf, unknown, entities }
}

/** Cluster ids: `C` and the cluster number, zero-padded (`C000001`), numbered by first record. */
export function clusterIds(count: number): (c: number) => string {
  const width = Math.max(6, String(count).length)
  return (c) => `C${String(c + 1).padStart(width, '0')}`
}

class Sink {
  private readonly stream: ReturnType<typeof createWriteStream>
  private chunks: string[] = []
  private size = 0
  private failure: Error | null = null
  constructor(path: string) {
    this.stream = createWriteStream(path)
    this.stream.on('error', (error) => {
      this.failure = error
    })
  }
  async write(text: string): Promise<void> {
    this.chunks.push(text)
    this.size += text.length
    if (this.size >= 1 << 20) await this.flush()
  }
  async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (this.chunks.length === 0) return
    const ok = this.stream.write(this.chunks.join(''))
    this.chunks = []
    this.size = 0
    if (!ok) await once(this.stream, 'drain')
  }
  async close(): Promise<void> {
    await this.flush()
    this.stream.end()
    await once(this.stream, 'finish')
    if (this.failure) throw this.failure
  }
}

async function withSink(path: string, write: (sink: Sink) => Promise<void>): Promise<void> {
  let sink: Sink
  try {
    sink = new Sink(path)
    await write(sink)
    await sink.close()
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('validation_failed', `${path}: cannot be written (${(error as Error).message})`, { cause: error })
  }
}

/** Write `source,record_id,cluster_id`, one row per record, in input order. */
export async function writeClusters(path: string, prepared: Prepared, clusters: Clusters): Promise<void> {
  const id = clusterIds(clusters.count)
  await withSink(path, async (sink) => {
    await sink.write(csvLine(['source', 'record_id', 'cluster_id']))
    const { source } = prepared.columns
    for (let i = 0; i < prepared.columns.n; i++) {
      await sink.write(csvLine([prepared.sourceNames[source[i] as number] as string, prepared.recordIds[i] as string, id(clusters.clusterOf[i] as number)]))
    }
  })
}

/** Write the pairs for review, each with its reason and explanation in words. */
export async function writeReview(path: string, model: TrainedModel, prepared: Prepared, clusters: Clusters, scorer: Scorer): Promise<void> {
  const id = clusterIds(clusters.count)
  await withSink(path, async (sink) => {
    await sink.write(csvLine(['source_a', 'record_id_a', 'cluster_a', 'source_b', 'record_id_b', 'cluster_b', 'match_weight', 'probability', 'reason', 'explanation']))
    const reasons: Record<string, string> = {
      'between-thresholds': 'between the review and link thresholds',
      guarded: 'a safeguard forbids an automatic link',
      'runner-up': 'the record fits two children almost equally well',
      'groups-disagree': 'the two groups of records disagree with each other',
    }
    for (const r of clusters.review) {
      const e = explainPrepared(model, prepared, r.a, r.b, { scorer })
      const words = [...e.steps.filter((s) => s.contribution !== 0).map((s) => s.words), ...e.guards].join(' | ')
      await sink.write(csvLine([
        e.records[0].source, e.records[0].recordId, id(clusters.clusterOf[r.a] as number),
        e.records[1].source, e.records[1].recordId, id(clusters.clusterOf[r.b] as number),
        e.weight.toFixed(2), e.probability.toPrecision(4), reasons[r.reason] ?? r.reason, words,
      ]))
    }
  })
}
