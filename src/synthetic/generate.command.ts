// `contactpoint generate`: writes a synthetic population to a folder.

import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import { wholeNumber } from '../cli/options.ts'
import { progressReporter } from '../cli/progress.ts'
import { AppError } from '../errors.ts'
import { DEFAULT_REFERENCE_DATE, DEFAULT_SEED, isIsoDate, MAX_AUTHORITIES, MAX_CHILDREN } from './options.ts'
import type { OutputFormat, PopulationSummary } from './output.ts'
import { OUTPUT_FORMATS, writePopulation } from './output.ts'
import { SOURCE_PROFILES } from './sources.ts'

interface GenerateOptions {
  out: string
  children: number
  seed: string
  authorities?: number
  format: OutputFormat[]
  withChildren?: boolean
  referenceDate: string
}

function formats(value: string): OutputFormat[] {
  const list = value.split(',').map((f) => f.trim().toLowerCase()).filter((f) => f !== '')
  const unknown = list.filter((f) => !(OUTPUT_FORMATS as readonly string[]).includes(f))
  if (list.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of ${OUTPUT_FORMATS.join(', ')}`)
  return list as OutputFormat[]
}

function isoDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('expected a real date written YYYY-MM-DD')
  return value
}

const n = (value: number): string => value.toLocaleString('en-GB')
const plural = (value: number, noun: string): string => `${n(value)} ${noun}${value === 1 ? '' : 's'}`

/** The summary: one line, then the records of each source (local sources added up across authorities). */
export function summaryText(summary: PopulationSummary): string {
  const perSource = new Map<string, { records: number; duplicates: number; feeds: number }>()
  const localSuffixes = SOURCE_PROFILES.filter((p) => p.scope === 'local').map((p) => p.key)
  for (const [code, counts] of Object.entries(summary.sources)) {
    const suffix = localSuffixes.find((s) => code.endsWith(`-${s}`) && !SOURCE_PROFILES.some((p) => p.key === code))
    const label = suffix === undefined ? code : `*-${suffix}`
    const entry = perSource.get(label) ?? { records: 0, duplicates: 0, feeds: 0 }
    entry.records += counts.records
    entry.duplicates += counts.duplicates
    entry.feeds++
    perSource.set(label, entry)
  }
  const width = Math.max(...[...perSource.keys()].map((k) => k.length))
  const lines = [...perSource].map(([label, c]) =>
    `  ${label.padEnd(width)}  ${plural(c.records, 'record').padStart(16)}${c.duplicates > 0 ? ` (${plural(c.duplicates, 'duplicate')})` : ''}${c.feeds > 1 ? ` in ${c.feeds} feeds` : ''}`)
  const header = `Generated ${n(summary.children)} children in ${n(summary.households)} households (${n(summary.twinGroups)} multiple births): ` +
    `${n(summary.records)} records, ${(summary.bytes / 1e6).toFixed(1)} MB in ${summary.seconds.toFixed(1)} s → ${summary.outDir}`
  return `${[header, ...lines].join('\n')}\n`
}

export function registerGenerateCommand(program: Command): void {
  program.command('generate')
    .description('Generate a synthetic population of children in England, seen by national and local data sources ' +
      'with their own realistic errors. Writes one feed per source, the ground truth and a manifest; the same seed ' +
      'and options always give the same files. Streams, so 12 million children run in bounded memory.')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--children <n>', 'number of children', wholeNumber(1, MAX_CHILDREN), 1000)
    .option('--seed <s>', 'seed of the population', DEFAULT_SEED)
    .option('--authorities <n>', 'number of local authorities (default: 1 below 200,000 children, else about one per 100,000)', wholeNumber(1, MAX_AUTHORITIES))
    .addOption(new Option('--format <list>', `feed formats, comma-separated: ${OUTPUT_FORMATS.join(', ')}`)
      .argParser(formats).default([...OUTPUT_FORMATS], OUTPUT_FORMATS.join(',')))
    .option('--with-children', 'also write children.jsonl, the true child records (about 1 KB a child)')
    .option('--reference-date <date>', 'the day the population is as of, YYYY-MM-DD', isoDate, DEFAULT_REFERENCE_DATE)
    .addHelpText('after', `
Files written:
  <source>.jsonl        one feed record (JSON Lines, op "upsert") per child the source holds
  <source>.csv          the same records as identity CSV
  truth.csv             source,record_id,child: the true child of every record
  organisations.jsonl   organisations and practitioners named in involvements
  children.jsonl        with --with-children: the true children, households and twin groups
  manifest.json         options and counts (records, duplicates and errors per source)

Example:
  contactpoint generate --children 100000 --seed 7 --out data/synthetic`)
    .action(async (options: GenerateOptions, command: Command) => {
      const report = progressReporter('children')
      let reported = 0
      try {
        const summary = await writePopulation({
          outDir: options.out, children: options.children, seed: options.seed, authorities: options.authorities,
          formats: options.format, withChildren: options.withChildren ?? false, referenceDate: options.referenceDate,
          onProgress: (p) => {
            reported = p.children
            report(p.children, p.total)
          },
        })
        if (reported < summary.children) report(summary.children, summary.children)
        // Commander's output (stdout unless configured), so callers can capture the summary.
        const write = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text))
        write(summaryText(summary))
      } catch (error) {
        if (error instanceof AppError) command.error(error.message, { exitCode: 2 })
        throw error
      }
    })
}
