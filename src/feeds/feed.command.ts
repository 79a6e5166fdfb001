// `contactpoint feed …`: the data sources, loading feed files, and the history of loads.
import { readFile } from 'node:fs/promises'
import { InvalidArgumentError, type Command } from 'commander'
import { fail, withRuntime } from '../cli/runtime.ts'
import { pendingMigrations } from '../db/migrate.ts'
import { createServices } from '../services.ts'
import { parseModel, thresholdsFromConfig, type PairChange, type ShadowReport } from '../linkage/index.ts'
import type { LoadReport } from './feed-loader.service.ts'

export function formatLoadReport(r: LoadReport): string {
  const c = r.counts
  const head = r.outcome === 'refused'
    ? `REFUSED ${r.file} for ${r.source}: ${r.refusal}`
    : r.outcome === 'already_applied'
      ? `${r.file} was already loaded into ${r.source}: nothing to do.`
      : `Loaded ${r.file} into ${r.source}${r.resumed ? ' (resumed)' : ''}${r.method ? `, ${r.method === 'bulk' ? 'linked in bulk' : 'matched record by record'}` : ''} in ${r.seconds.toFixed(1)} s.`
  const lines = [
    head,
    `  rows read ${r.rowsRead}, accepted ${r.accepted}, rejected ${r.rejected}${r.warnings ? `, accepted with warnings ${r.warnings}` : ''}`,
    ...(r.outcome === 'refused' ? [] : [
      `  new children ${c.new_children}, linked ${c.linked}, sent to review ${c.review}, updated ${c.updated}, unchanged ${c.unchanged}`,
      `  deleted ${c.deleted}, ended by the full extract ${c.ended_by_extract}, involvements ended ${c.involvements_ended}, not found ${c.not_found}`,
    ]),
    ...r.rejections.map((x) => `  line ${x.line}${x.recordId ? ` (${x.recordId})` : ''}: ${x.reason}`),
    ...(r.rejected > r.rejections.length ? [`  … and ${r.rejected - r.rejections.length} more rejected rows (contactpoint feed rejections ${r.loadId})`] : []),
  ]
  return `${lines.join('\n')}\n`
}

export function registerFeedCommand(program: Command): void {
  const feed = program.command('feed').description('Data sources and their feed files (see docs/feeds/).')

  feed.command('sources')
    .description('List the registered data sources: code, scope, owner, what each may supply and its precedence.')
    .action(() => withRuntime(async ({ config, database }) => {
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey })
      for (const s of await services.repositories.sources.listSources()) {
        process.stdout.write(`${s.code.padEnd(28)} ${s.scope.padEnd(8)} precedence ${String(s.precedence).padStart(3)}  supplies ${s.supplies.join(', ')}  ${s.name}\n`)
      }
    }))

  feed.command('load')
    .description('Load a feed file (JSON Lines, or identity-only CSV) into a source and print the load report. Loading the same file again does nothing; an interrupted load resumes. Exit status 2 when the file is refused.')
    .requiredOption('--source <code>', 'the data source the file comes from')
    .option('--full', 'the file is a full extract: records it no longer carries are ended', false)
    .option('--authority <code>', 'for a national source: the authority the new children belong to')
    .argument('<files...>', 'feed files; several files for different sources load together (an initial load links them all at once)')
    .action((files: string[], options: { source: string; full: boolean; authority?: string }) => withRuntime(async ({ config, database }) => {
      if ((await pendingMigrations(database.db)).length) fail('the store has pending migrations: run "npx contactpoint migrate" first')
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey, feeds: config.feeds, linkage: config.linkage })
      const sources = options.source.split(',')
      if (sources.length !== files.length && sources.length !== 1) fail('give one --source, or a comma-separated list with one source per file')
      const reports = await services.feedLoader.loadGroup(files.map((path, i) => ({
        sourceCode: (sources[i] ?? sources[0]) as string, path, kind: options.full ? 'full' as const : 'incremental' as const,
        channel: 'cli' as const, actor: null, ...(options.authority ? { authorityCode: options.authority } : {}),
      })))
      for (const r of reports) process.stdout.write(formatLoadReport(r))
      if (reports.some((r) => r.outcome === 'refused')) process.exitCode = 2
    }))

  feed.command('loads')
    .description('The most recent loads, newest first.')
    .option('--source <code>', 'only this source')
    .action((options: { source?: string }) => withRuntime(async ({ config, database }) => {
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey })
      const source = options.source ? await services.repositories.sources.findSourceByCode(options.source) : undefined
      if (options.source && !source) fail(`there is no data source '${options.source}'`)
      for (const l of await services.repositories.feeds.listLoads(source?.id ?? null, 50)) {
        process.stdout.write(`${l.started_at.toISOString()}  ${l.source_code.padEnd(24)} ${l.status.padEnd(8)} ${l.method.padEnd(11)} rows ${l.rows_read} rejected ${l.rows_rejected}  ${l.file_name}  ${l.id}\n`)
      }
    }))

  feed.command('rejections')
    .description('Every rejected row of a load, with its line number and reason.')
    .argument('<load-id>', 'the load (from `feed load` or `feed loads`)')
    .action((loadId: string) => withRuntime(async ({ config, database }) => {
      if (!/^[0-9a-f-]{36}$/.test(loadId)) fail('give the load ID shown by `feed loads`')
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey })
      for (const r of await services.repositories.feeds.rejections(loadId, 1_000_000)) {
        process.stdout.write(`line ${r.line}${r.record_id ? ` (${r.record_id})` : ''}: ${r.reason}\n`)
      }
    }))

  feed.command('rematch')
    .description('Shadow re-match: score every linked record under the model in use and under a proposed model or thresholds, and report what would change. Changes nothing unless --apply is given with --model; even then children are never merged by the engine: each new link between two children goes to the review queue.')
    .option('--model <file>', 'a proposed model (JSON from `contactpoint link --save-model`)')
    .option('--link-threshold <p>', 'proposed match probability for an automatic link', probabilityArg)
    .option('--review-threshold <p>', 'proposed match probability for review', probabilityArg)
    .option('--apply', 'make the proposed --model the one in use and queue its new links for review', false)
    .option('--show <n>', 'changes of each kind to list (default 10)', '10')
    .action((options: { model?: string; linkThreshold?: number; reviewThreshold?: number; apply: boolean; show: string }) => withRuntime(async ({ config, database }) => {
      if ((await pendingMigrations(database.db)).length) fail('the store has pending migrations: run "npx contactpoint migrate" first')
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey, feeds: config.feeds, linkage: config.linkage })
      const model = options.model ? parseModel(await readFile(options.model, 'utf8'), options.model) : undefined
      const thresholds = options.linkThreshold !== undefined || options.reviewThreshold !== undefined
        ? thresholdsFromConfig({ link: options.linkThreshold ?? config.linkage.link, review: options.reviewThreshold ?? config.linkage.review })
        : undefined
      const { report, applied } = await services.rematch.run({ ...(model ? { model } : {}), ...(thresholds ? { thresholds } : {}), apply: options.apply })
      process.stdout.write(formatShadowReport(report, Number(options.show) || 10))
      if (applied) process.stdout.write(`Applied: model ${applied.version} is now in use; ${applied.reviewsQueued} pairs of children queued for review.\n`)
      else process.stdout.write('Shadow run: nothing was changed.\n')
    }))
}

function probabilityArg(value: string): number {
  const n = Number(value)
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a probability between 0 and 1, e.g. 0.99')
  return n
}

export function formatShadowReport(r: ShadowReport, show: number): string {
  const pair = (c: PairChange) => `  ${c.a.source}/${c.a.recordId} ~ ${c.b.source}/${c.b.recordId}: ${c.before.outcome} (${c.before.weight.toFixed(1)}) → ${c.after.outcome} (${c.after.weight.toFixed(1)})`
  const section = (title: string, list: readonly PairChange[]) => [`${title}: ${list.length}`, ...list.slice(0, show).map(pair)]
  return [
    `Records compared ${r.records}, pairs scored ${r.pairsCompared}.`,
    `Children that would be joined to another: ${r.childrenJoined}; children whose records would come apart: ${r.childrenSplit}.`,
    ...section('New links between different children', r.newLinks),
    ...section('Links within a child that would break', r.brokenLinks),
    ...section('Pairs that would newly need review', r.newReviews),
    ...section('Reviews the proposal would decide either way', r.resolvedReviews),
  ].join('\n') + '\n'
}
