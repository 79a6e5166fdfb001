// Benchmark results live in docs/benchmarks.md, one section per benchmark between
// `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`, so each benchmark rewrites only its own.

import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

const BENCHMARKS_FILE = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url))

/** Replaces (or appends) the named section of docs/benchmarks.md, creating the file if needed. */
export async function writeBenchmarkSection(name: string, markdown: string, file = BENCHMARKS_FILE): Promise<void> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`benchmark section names are lower-case words: ${name}`)
  const start = `<!-- bench:${name}:start -->`
  const end = `<!-- bench:${name}:end -->`
  const section = `${start}\n${markdown.trim()}\n${end}`
  const current = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n'
  const from = current.indexOf(start)
  const to = current.indexOf(end)
  const next = from >= 0 && to > from
    ? `${current.slice(0, from)}${section}${current.slice(to + end.length)}`
    : `${current.trimEnd()}\n\n${section}\n`
  await writeFile(file, next)
}

/** One line about the machine and the run, for every benchmark section. */
export function machineFacts(): string {
  const cpus = os.cpus()
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${memory} memory, ${os.type()} ${os.release()}, ` +
    `Node ${process.version}; run on ${new Date().toISOString().slice(0, 10)}.`
}
