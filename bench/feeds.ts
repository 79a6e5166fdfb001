// `npm run bench:feeds [-- --children 100000,1000000 --store pglite|postgres --updates 0.01]`:
// load throughput through the real feed path. For each population size, in a new store:
//   1. the initial load — every source's full extract of the synthetic authority (national and local
//      sources), validated, linked in bulk by the engine and applied in checkpointed batches;
//   2. a month of updates — each source sends an incremental file: a share of its records changed
//      (a household moved: new address), and records about newly born or newly arrived children
//      (a second synthetic population from the national sources), each matched one at a time
//      against the index (link, review or new child).
// Records per second count the file rows applied. Prints and records the figures.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../src/db/client.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { DemoLoader } from '../src/demo/demo-loader.ts'
import { loadConfig } from '../src/config/config.ts'
import type { LoadReport } from '../src/feeds/feed-loader.service.ts'
import { createServices } from '../src/services.ts'
import { writePopulation } from '../src/synthetic/output.ts'
import { machineFacts, writeBenchmarkSection } from './report.ts'

const { values } = parseArgs({
  options: {
    children: { type: 'string', default: '100000,1000000' },
    store: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    updates: { type: 'string', default: '0.01' },
    note: { type: 'string', default: '' },
  },
})
const sizes = values.children.split(',').map(Number)
const store = values.store === 'postgres' ? 'postgres' : 'pglite'
const updateShare = Number(values.updates)
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const KEY = loadConfig({}).dataEncryptionKey
const NATIONAL = ['gro-births', 'nhs-pds', 'dwp-child-benefit', 'dfe-school-census']
const n = (value: number): string => Math.round(value).toLocaleString('en-GB')
const loadAtStart = loadavg()[0] ?? 0

interface Row { children: number; initial: Phase; updates: Phase; childrenAfter: number; peakRssMb: number }
interface Phase { rows: number; seconds: number; counts: Record<string, number> }

async function openStore(size: number): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (store === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), `contactpoint-bench-feeds-${size}-`))
    const handle = await openDatabase({ kind: 'pglite', dataDir: dir })
    return { handle, drop: async () => { await handle.close(); await rm(dir, { recursive: true, force: true }) } }
  }
  const name = `cp_bench_feeds_${size}`
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try { await client.query(statement) } finally { await client.end() }
  }
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin(`CREATE DATABASE ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 })
  return { handle, drop: async () => { await handle.close(); await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) } }
}

const sum = (reports: readonly LoadReport[]): Phase['counts'] => {
  const out: Record<string, number> = {}
  for (const r of reports) for (const [k, v] of Object.entries({ rejected: r.rejected, ...r.counts })) out[k] = (out[k] ?? 0) + v
  return out
}

/**
 * The month's incremental file for each source: every `1/share`-th record moved house (an address
 * taken from another record of the same file), and, for national sources, the records of new
 * children (a second population, with identifiers of their own and without involvements).
 */
async function writeUpdates(baseDir: string, newDir: string, outDir: string, sources: readonly string[]): Promise<Map<string, number>> {
  await mkdir(outDir, { recursive: true })
  const rows = new Map<string, number>()
  const every = Math.max(1, Math.round(1 / (updateShare * 2)))
  for (const source of sources) {
    const lines = (await readFile(join(baseDir, `${source}.jsonl`), 'utf8')).split('\n').filter(Boolean)
    const out: string[] = []
    for (let i = 0; i < lines.length; i += every) {
      const record = JSON.parse(lines[i] as string)
      const donor = JSON.parse(lines[(i * 7 + 13) % lines.length] as string)
      if (!record.child || !donor.child?.address || record.op !== 'upsert') continue
      record.child.address = donor.child.address
      out.push(JSON.stringify(record))
    }
    if (NATIONAL.includes(source)) {
      const fresh = (await readFile(join(newDir, `${source}.jsonl`), 'utf8')).split('\n').filter(Boolean)
      for (const line of fresh) {
        const record = JSON.parse(line)
        record.record_id = `NEW-${record.record_id}`
        delete record.involvements
        out.push(JSON.stringify(record))
      }
    }
    await writeFile(join(outDir, `${source}.jsonl`), out.length ? `${out.join('\n')}\n` : '')
    rows.set(source, out.length)
  }
  return rows
}

const results: Row[] = []
for (const size of sizes) {
  const work = await mkdtemp(join(tmpdir(), `contactpoint-bench-feeds-files-${size}-`))
  const { handle, drop } = await openStore(size)
  try {
    await migrateToLatest(handle.db)
    const { world, authority } = await new DemoLoader(handle, KEY).setUpWorld({ children: size, seed: 1 })
    const services = createServices(handle, { encryptionKey: KEY })
    const sources = world.sources.map((s) => s.code)
    await writePopulation({ children: size, seed: 1, authorities: 1, outDir: join(work, 'base'), formats: ['jsonl'] })
    await writePopulation({ children: Math.max(1, Math.round(size * updateShare)), seed: 2, authorities: 1, outDir: join(work, 'new'), formats: ['jsonl'] })
    await writeUpdates(join(work, 'base'), join(work, 'new'), join(work, 'updates'), sources)

    let started = performance.now()
    const initial = await services.feedLoader.loadGroup(sources.map((code) => ({
      sourceCode: code, path: join(work, 'base', `${code}.jsonl`), kind: 'full' as const, channel: 'system' as const, actor: null, authorityCode: authority.code,
    })))
    const initialSeconds = (performance.now() - started) / 1000

    started = performance.now()
    const updates: LoadReport[] = []
    for (const code of sources) {
      updates.push(await services.feedLoader.load({
        sourceCode: code, path: join(work, 'updates', `${code}.jsonl`), kind: 'incremental', channel: 'system', actor: null, authorityCode: authority.code,
      }))
    }
    const updateSeconds = (performance.now() - started) / 1000
    const row: Row = {
      children: size,
      initial: { rows: initial.reduce((t, r) => t + r.rowsRead, 0), seconds: initialSeconds, counts: sum(initial) },
      updates: { rows: updates.reduce((t, r) => t + r.rowsRead, 0), seconds: updateSeconds, counts: sum(updates) },
      childrenAfter: await services.repositories.children.count(),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }
    results.push(row)
    console.log(JSON.stringify(row))
  } finally {
    await drop()
    await rm(work, { recursive: true, force: true })
  }
}

const c = (phase: Phase, key: string) => n(phase.counts[key] ?? 0)
const table = [
  '| Children | Phase | File rows | Seconds | Rows per second | New children | Linked | To review | Updated | Unchanged | Rejected |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.flatMap((r) => [
    `| ${n(r.children)} | initial load (bulk linkage) | ${n(r.initial.rows)} | ${r.initial.seconds.toFixed(1)} | ${n(r.initial.rows / r.initial.seconds)} | ${c(r.initial, 'new_children')} | ${c(r.initial, 'linked')} | ${c(r.initial, 'review')} | ${c(r.initial, 'updated')} | ${c(r.initial, 'unchanged')} | ${c(r.initial, 'rejected')} |`,
    `| ${n(r.children)} | updates (one record at a time) | ${n(r.updates.rows)} | ${r.updates.seconds.toFixed(1)} | ${n(r.updates.rows / r.updates.seconds)} | ${c(r.updates, 'new_children')} | ${c(r.updates, 'linked')} | ${c(r.updates, 'review')} | ${c(r.updates, 'updated')} | ${c(r.updates, 'unchanged')} | ${c(r.updates, 'rejected')} |`,
  ]),
].join('\n')
const memory = results.map((r) => `${n(r.children)} children: ${n(r.childrenAfter)} children in the index afterwards, peak resident memory ${n(r.peakRssMb)} MB (whole process so far)`).join('; ')
console.log(table)
console.log(memory)
await writeBenchmarkSection('feeds', `## Feed loads: initial load and updates\n\n` +
  `\`npm run bench:feeds -- --children ${values.children} --store ${store}\` loads the synthetic authority's feeds (every national and local source) into a new ` +
  `${store === 'pglite' ? 'embedded store on disk' : 'PostgreSQL 15 database on loopback'} through the real feed path, then a month of incremental files ` +
  `(${(updateShare * 100).toFixed(1)}% of children new, about ${(updateShare * 200).toFixed(0)}% of records moved house).\n\n${table}\n\n${memory}.\n\n` +
  `Machine: ${machineFacts()} Load average (1 minute) at the start and end: ${loadAtStart.toFixed(2)} and ${loadavg()[0]?.toFixed(2)}.` +
  (values.note ? ` ${values.note}` : ''))
