// Writes a population to files: one feed per source (JSON Lines, identity CSV), the ground
// truth, the organisations catalogue, optionally the true children, and a manifest. Households
// stream through buffered sinks that wait for 'drain', so memory stays flat at any size.

import { once } from 'node:events'
import type { WriteStream } from 'node:fs'
import { createWriteStream } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../errors.ts'
import { csvField, csvRow, IDENTITY_CSV_HEADER, identityCsvRow } from './csv.ts'
import { generateHouseholds } from './generator.ts'
import type { PopulationOptions } from './options.ts'
import { resolveOptions } from './options.ts'
import type { ErrorKind } from './sources.ts'
import type { Authority, SourceInfo } from './world.ts'
import { createWorld } from './world.ts'

export const OUTPUT_FORMATS = ['jsonl', 'csv'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export interface WriteOptions extends PopulationOptions {
  readonly outDir: string
  /** Feed formats to write; both by default. */
  readonly formats?: readonly OutputFormat[]
  /** Also write children.jsonl, the true child records (large: about 1 KB a child). */
  readonly withChildren?: boolean
  /** Called about every 1,000 children. */
  readonly onProgress?: (progress: GenerationProgress) => void
}

export interface GenerationProgress {
  readonly children: number
  readonly total: number
  readonly households: number
  readonly records: number
}

export interface SourceCounts {
  records: number
  duplicates: number
  errors: Partial<Record<ErrorKind, number>>
}

export interface PopulationSummary {
  readonly outDir: string
  readonly children: number
  readonly households: number
  readonly twinGroups: number
  readonly records: number
  readonly sources: Readonly<Record<string, SourceCounts>>
  readonly files: ReadonlyArray<{ name: string; bytes: number }>
  readonly bytes: number
  readonly seconds: number
}

/** Characters buffered per file before a write: large writes are fast, and 30 open files stay small. */
const FLUSH_AT = 256 * 1024
const PROGRESS_EVERY = 1000

class FileSink {
  readonly name: string
  bytes = 0
  private readonly stream: WriteStream
  private chunks: string[] = []
  private pending = 0
  private failure: Error | null = null

  constructor(dir: string, name: string) {
    this.name = name
    this.stream = createWriteStream(join(dir, name))
    this.stream.on('error', (error) => {
      this.failure = error
    })
  }

  /** Buffers text; true when the buffer should be flushed. */
  write(text: string): boolean {
    this.chunks.push(text)
    this.pending += text.length
    return this.pending >= FLUSH_AT
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (this.chunks.length === 0) return
    const data = Buffer.from(this.chunks.join(''), 'utf8')
    this.chunks = []
    this.pending = 0
    this.bytes += data.length
    if (!this.stream.write(data)) await once(this.stream, 'drain')
  }

  async close(): Promise<void> {
    await this.flush()
    this.stream.end()
    if (!this.stream.writableFinished) await once(this.stream, 'finish')
    if (this.failure) throw this.failure
  }
}

interface Feed {
  readonly jsonl: FileSink | null
  readonly csv: FileSink | null
}

function checkFormats(formats: readonly string[]): OutputFormat[] {
  const unknown = formats.filter((f) => !(OUTPUT_FORMATS as readonly string[]).includes(f))
  if (unknown.length > 0 || formats.length === 0) {
    const message = `format must be a list of ${OUTPUT_FORMATS.join(', ')}${unknown.length > 0 ? ` (not ${unknown.join(', ')})` : ''}`
    throw new AppError('validation_failed', message, { fields: [{ field: 'format', message }] })
  }
  return OUTPUT_FORMATS.filter((f) => formats.includes(f))
}

export async function writePopulation(options: WriteOptions): Promise<PopulationSummary> {
  const started = performance.now()
  const resolved = resolveOptions(options)
  const formats = checkFormats(options.formats ?? OUTPUT_FORMATS)
  const withChildren = options.withChildren ?? false
  const world = createWorld(resolved)
  const { outDir } = options
  await mkdir(outDir, { recursive: true })

  const sinks: FileSink[] = []
  const open = (name: string): FileSink => {
    const sink = new FileSink(outDir, name)
    sinks.push(sink)
    return sink
  }
  const organisations = open('organisations.jsonl')
  for (const organisation of world.organisations) if (organisations.write(`${JSON.stringify(organisation)}\n`)) await organisations.flush()
  await organisations.close()

  const truth = open('truth.csv')
  truth.write(csvRow(['source', 'record_id', 'child']))
  const childrenFile = withChildren ? open('children.jsonl') : null
  const feeds = new Map<string, Feed>()
  const counts: Record<string, SourceCounts> = {}
  const openFeed = (source: SourceInfo): void => {
    const csv = formats.includes('csv') ? open(`${source.code}.csv`) : null
    csv?.write(IDENTITY_CSV_HEADER)
    feeds.set(source.code, { jsonl: formats.includes('jsonl') ? open(`${source.code}.jsonl`) : null, csv })
    counts[source.code] = { records: 0, duplicates: 0, errors: {} }
  }
  const closeFeed = async (code: string): Promise<void> => {
    const feed = feeds.get(code)
    await feed?.jsonl?.close()
    await feed?.csv?.close()
    feeds.delete(code)
  }
  for (const source of world.sources) if (source.kind === 'national') openFeed(source)

  // Authorities hold consecutive children, so only one authority's local feeds are open at once.
  const authorityIndex = new Map(world.authorities.map((a) => [a.code, a.index]))
  const authorityChildren = new Map<string, number>()
  let nextAuthority = 0
  let openLocal: string[] = []
  const advanceTo = async (index: number): Promise<void> => {
    while (nextAuthority <= index) {
      for (const code of openLocal) await closeFeed(code)
      const authority = world.authorities[nextAuthority] as Authority
      const local = world.sources.filter((s) => s.authority === authority.code)
      local.forEach(openFeed)
      openLocal = local.map((s) => s.code)
      nextAuthority++
    }
  }

  let children = 0
  let households = 0
  let twinGroups = 0
  let records = 0
  let nextProgress = PROGRESS_EVERY
  const full = new Set<FileSink>()
  const put = (sink: FileSink | null, text: string): void => {
    if (sink?.write(text)) full.add(sink)
  }
  for (const generated of generateHouseholds(world)) {
    const { household } = generated
    await advanceTo(authorityIndex.get(household.authority) as number)
    authorityChildren.set(household.authority, (authorityChildren.get(household.authority) ?? 0) + generated.children.length)
    twinGroups += new Set(generated.children.map((c) => c.twin_group).filter((t) => t !== null)).size
    for (const child of generated.children) put(childrenFile, `${JSON.stringify(child)}\n`)
    for (const { source, child, record, errors } of generated.records) {
      const feed = feeds.get(source)
      const count = counts[source]
      if (!feed || !count) throw new Error(`no open feed for source ${source}`)
      put(feed.jsonl, `${JSON.stringify(record)}\n`)
      put(feed.csv, identityCsvRow(source, record))
      put(truth, `${csvField(source)},${csvField(record.record_id)},${child}\n`)
      count.records++
      for (const kind of errors) {
        if (kind === 'duplicate') count.duplicates++
        else count.errors[kind] = (count.errors[kind] ?? 0) + 1
      }
    }
    for (const sink of full) await sink.flush()
    full.clear()
    children += generated.children.length
    records += generated.records.length
    households++
    if (children >= nextProgress) {
      options.onProgress?.({ children, total: resolved.children, households, records })
      nextProgress += PROGRESS_EVERY
    }
  }
  await advanceTo(world.authorities.length - 1)
  for (const code of [...feeds.keys()]) await closeFeed(code)
  await truth.close()
  await childrenFile?.close()

  const files = sinks.map((s) => ({ name: s.name, bytes: s.bytes }))
  const manifest = {
    generator: 'contactpoint synthetic population',
    format_version: 1,
    options: {
      children: resolved.children, seed: resolved.seed, authorities: resolved.authorities, reference_date: resolved.referenceDate,
      formats, with_children: withChildren,
    },
    counts: { children, households, twin_groups: twinGroups, records },
    authorities: world.authorities.map((a) => ({
      code: a.code, name: a.name, slug: a.slug, la_number: a.laNumber, postcode_area: a.postcodeArea, children: authorityChildren.get(a.code) ?? 0,
    })),
    sources: world.sources.map((s) => ({ ...s, ...counts[s.code] })),
    files,
  }
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`
  await writeFile(join(outDir, 'manifest.json'), manifestText)
  const allFiles = [...files, { name: 'manifest.json', bytes: Buffer.byteLength(manifestText) }]
  return {
    outDir, children, households, twinGroups, records, sources: counts, files: allFiles,
    bytes: allFiles.reduce((sum, f) => sum + f.bytes, 0), seconds: (performance.now() - started) / 1000,
  }
}
