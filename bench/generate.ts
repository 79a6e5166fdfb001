// `npm run bench:generate [-- --children N]`: generates a synthetic population (1,000,000
// children by default, JSON Lines and CSV feeds) into a temporary folder, measures wall time,
// peak memory and throughput, prints them and records them in docs/benchmarks.md.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writePopulation } from '../src/synthetic/output.ts'
import { machineFacts, writeBenchmarkSection } from './report.ts'

const { values } = parseArgs({ options: { children: { type: 'string', default: '1000000' }, seed: { type: 'string', default: 'bench' } } })
const children = Number(values.children.replace(/[_,]/g, ''))
if (!Number.isInteger(children) || children < 1) throw new Error('--children must be a whole number')

const n = (value: number): string => Math.round(value).toLocaleString('en-GB')
const dir = await mkdtemp(join(tmpdir(), 'contactpoint-bench-generate-'))
try {
  const started = performance.now()
  const summary = await writePopulation({
    children, seed: values.seed, outDir: dir,
    onProgress: (p) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${n(p.children)}/${n(p.total)} children`)
    },
  })
  const seconds = (performance.now() - started) / 1000
  if (process.stderr.isTTY) process.stderr.write('\n')
  const peakRssMb = process.resourceUsage().maxRSS / 1024
  const rows: Array<[string, string]> = [
    ['Children', n(summary.children)],
    ['Households', n(summary.households)],
    ['Source records written', n(summary.records)],
    ['Feeds', `${n(Object.keys(summary.sources).length)} sources, JSON Lines and CSV`],
    ['Bytes written', `${(summary.bytes / 1e9).toFixed(2)} GB in ${summary.files.length} files`],
    ['Wall time', `${seconds.toFixed(1)} s`],
    ['Children per second', n(summary.children / seconds)],
    ['Records per second', n(summary.records / seconds)],
    ['Peak resident memory (maxRSS)', `${n(peakRssMb)} MB`],
  ]
  for (const [measure, value] of rows) console.log(`${measure.padEnd(30)} ${value}`)
  await writeBenchmarkSection('generate', `
## Synthetic population generator

\`npm run bench:generate\` writes ${n(children)} synthetic children (seed \`${values.seed}\`, default authorities and options,
no \`children.jsonl\`) to a temporary folder on one thread, then deletes it. Memory is bounded: households stream
through buffered file writers, so peak memory is about the same at 100,000 and at 1,000,000 children.

| Measure | Value |
| --- | ---: |
${rows.map(([measure, value]) => `| ${measure} | ${value} |`).join('\n')}

Machine: ${machineFacts()}
`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
