// `npm run bench:demo [-- --children N]`: what a newcomer waits for on the first `npm start` —
// loading the demo local authority (20,000 children by default) into a fresh embedded store on
// disk, then the second start's cost of opening it. Prints and records the figures.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { openDatabase } from '../src/db/client.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { DemoLoader } from '../src/demo/demo-loader.ts'
import { loadConfig } from '../src/config/config.ts'

const KEY = loadConfig({}).dataEncryptionKey
import { machineFacts, writeBenchmarkSection } from './report.ts'

const loadAtStart = loadavg()[0] ?? 0
const { values } = parseArgs({ options: { children: { type: 'string', default: '20000' } } })
const children = Number(values.children)
const dir = await mkdtemp(join(tmpdir(), 'contactpoint-bench-demo-'))
const n = (value: number): string => Math.round(value).toLocaleString('en-GB')
try {
  let started = performance.now()
  const first = await openDatabase({ kind: 'pglite', dataDir: dir })
  await migrateToLatest(first.db)
  const migrateSeconds = (performance.now() - started) / 1000
  const summary = await new DemoLoader(first, KEY).load({ children, seed: 1 })
  await first.close()
  started = performance.now()
  const second = await openDatabase({ kind: 'pglite', dataDir: dir })
  const pending = await migrateToLatest(second.db)
  const loaded = await new DemoLoader(second, KEY).isLoaded()
  await second.close()
  const reopenSeconds = (performance.now() - started) / 1000
  if (!loaded || pending.applied.length) throw new Error('the second start did not find the loaded demo')
  const peakRssMb = process.resourceUsage().maxRSS / 1024
  const rows: [string, string][] = [
    ['Children', n(summary.children)],
    ['Source records', n(summary.sourceRecords)],
    ['Involvements', n(summary.involvements)],
    ['Shielded children', n(summary.shielded)],
    ['Create store and migrate', `${migrateSeconds.toFixed(1)} s`],
    ['Load the demo authority', `${summary.seconds.toFixed(1)} s`],
    ['Children loaded per second', n(summary.children / summary.seconds)],
    ['Second start: open, check migrations and demo', `${reopenSeconds.toFixed(1)} s`],
    ['Peak resident memory (maxRSS)', `${n(peakRssMb)} MB`],
  ]
  const table = ['| Measure | Value |', '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n')
  console.log(table)
  await writeBenchmarkSection('demo', `## First start: the demo local authority\n\n` +
    `\`npm run bench:demo\` loads the demo authority (${n(children)} children, seed 1) into a new embedded store on disk, ` +
    `as the first \`npm start\` does, then reopens it as the second start does.\n\n${table}\n\nMachine: ${machineFacts()} Load average (1 minute) at the start and end: ${loadAtStart.toFixed(2)} and ${loadavg()[0]?.toFixed(2)} — other work on the machine slows these figures.`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
