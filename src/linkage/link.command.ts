// `contactpoint link --out CLUSTERS.csv INPUT.csv [INPUT.csv …] [--truth TRUTH.csv]`
// Links identity records from any number of sources into one cluster per child.

import { readFile, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { progressReporter } from '../cli/progress.ts'
import { AppError } from '../errors.ts'
import { linkPrepared, preparerForModel } from './engine.ts'
import type { LinkProgress, LinkResult } from './engine.ts'
import { evaluateLinkage } from './evaluate.ts'
import type { Evaluation, Scores } from './evaluate.ts'
import { readLinkInputs, readTruth, writeClusters, writeReview } from './files.ts'
import type { Truth } from './files.ts'
import { blockingRecall } from './blocking.ts'
import { parseModel, Scorer, serialiseModel } from './model.ts'
import type { TrainedModel } from './model.ts'
import { DEFAULT_SETTINGS } from './settings.ts'
import type { ModelSettings } from './settings.ts'

export interface LinkCommandOptions {
  readonly inputs: readonly string[]
  readonly out: string
  readonly truth?: string
  readonly model?: string
  readonly saveModel?: string
  readonly review?: string
  readonly linkThreshold?: number
  readonly reviewThreshold?: number
  readonly workers?: number
}

export interface LinkCommandReport {
  readonly result: LinkResult
  readonly evaluation: Evaluation | null
  readonly truth: Truth | null
  readonly blockingRecall: number | null
  readonly unlabelled: number
  /** reading the inputs to writing the clusters (evaluation against truth not included) */
  readonly seconds: number
}

function probability(value: string): number {
  const n = Number(value)
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a probability between 0 and 1, e.g. 0.99')
  return n
}

function workerCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 64) throw new InvalidArgumentError('expected a whole number from 0 to 64')
  return Number(value)
}

const fmt = (n: number): string => n.toLocaleString('en-GB')
const pct = (s: Scores): string => `precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)}`

/** Link the files; the whole command without the terminal output (the benchmark calls it too). */
export type RunProgress = LinkProgress | { readonly stage: 'reading'; readonly done: number; readonly total: number } | { readonly stage: 'writing' | 'evaluating' }

export async function runLink(options: LinkCommandOptions, progress: (p: RunProgress) => void = () => undefined): Promise<LinkCommandReport> {
  const started = performance.now()
  let model: TrainedModel | undefined
  if (options.model) {
    let text: string
    try {
      text = await readFile(options.model, 'utf8')
    } catch (cause) {
      throw new AppError('validation_failed', `${options.model}: the model file cannot be read`, { cause })
    }
    model = parseModel(text, options.model)
  }
  const base: ModelSettings = model?.settings ?? DEFAULT_SETTINGS
  const thresholds = {
    link: options.linkThreshold ?? base.thresholds.link,
    review: options.reviewThreshold ?? base.thresholds.review,
  }
  if (thresholds.review > thresholds.link) throw new AppError('validation_failed', `the review threshold (${thresholds.review}) must not be above the link threshold (${thresholds.link})`)
  const preparer = preparerForModel(base, (options.workers ?? 1) > 0)
  const index = await readLinkInputs(options.inputs, preparer, (done, total) => progress({ stage: 'reading', done, total }))
  const prepared = preparer.finish()
  if (prepared.columns.n === 0) throw new AppError('validation_failed', 'the input files hold no records')
  const result = await linkPrepared(prepared, {
    ...(model ? { model } : { settings: base }),
    thresholds,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    progress,
  })
  progress({ stage: 'writing' })
  await writeClusters(options.out, prepared, result.clusters)
  if (options.review) await writeReview(options.review, result.model, prepared, result.clusters, new Scorer(result.model, prepared, 'data'))
  if (options.saveModel) await writeFile(options.saveModel, serialiseModel(result.model))
  const seconds = (performance.now() - started) / 1000
  let evaluation: Evaluation | null = null
  let truth: Truth | null = null
  let recall: number | null = null
  let unlabelled = 0
  if (options.truth) {
    progress({ stage: 'evaluating' })
    truth = await readTruth(options.truth, index, prepared.columns.n)
    unlabelled = truth.unknown
    evaluation = evaluateLinkage({
      entityOf: truth.entityOf,
      clusterOf: result.clusters.clusterOf,
      pairs: result.pairs,
      thresholds: result.model.settings.thresholds,
      linkOnly: result.model.settings.linkType === 'link-only',
      source: prepared.columns.source,
    })
    const br = blockingRecall(result.blocking, truth.entityOf)
    recall = br.truePairs > 0 ? br.kept / br.truePairs : 1
  }
  return { result, evaluation, truth, blockingRecall: recall, unlabelled, seconds }
}

export function registerLinkCommand(program: Command): void {
  program.command('link')
    .description('Link identity records from several sources into one cluster per child (writes source,record_id,cluster_id).')
    .argument('<input...>', 'identity CSV files (header with source, record_id and any of given_name, middle_names, family_name, former_family_names, date_of_birth, gender, address, postcode, nhs_number, upn)')
    .requiredOption('--out <file>', 'where to write the clusters CSV')
    .option('--truth <file>', 'CSV of source, record_id and child (or cluster): print precision, recall and F1')
    .option('--model <file>', 'use a saved model instead of training one')
    .option('--save-model <file>', 'save the trained model (JSON) for reuse')
    .option('--review <file>', 'write the pairs a person should review, with their explanations')
    .option('--link-threshold <p>', `match probability for an automatic link (default ${DEFAULT_SETTINGS.thresholds.link})`, probability)
    .option('--review-threshold <p>', `match probability for review (default ${DEFAULT_SETTINGS.thresholds.review})`, probability)
    .option('--workers <n>', 'worker threads (default: all cores for 20,000 records or more; 0 runs in one thread)', workerCount)
    .action(async (inputs: string[], opts: { out: string; truth?: string; model?: string; saveModel?: string; review?: string; linkThreshold?: number; reviewThreshold?: number; workers?: number }, command: Command) => {
      try {
        await linkAction(inputs, opts, (text) => (command.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t)))(text))
      } catch (error) {
        if (error instanceof AppError) command.error(error.message, { exitCode: 2 })
        throw error
      }
    })
}

async function linkAction(inputs: string[], opts: { out: string; truth?: string; model?: string; saveModel?: string; review?: string; linkThreshold?: number; reviewThreshold?: number; workers?: number }, write: (text: string) => void): Promise<void> {
  const bars = new Map<string, (done: number, total: number) => void>()
  let lastStage = ''
  const tty = process.stderr.isTTY
  const report = await runLink({ inputs, ...opts }, (p) => {
    if (!tty) return
    if (p.stage === 'reading') {
      let bar = bars.get('reading')
      if (!bar) {
        bar = progressReporter('kB read')
        bars.set('reading', bar)
      }
      bar(Math.round(p.done / 1024), Math.round(p.total / 1024))
      return
    }
    if (p.stage === 'scoring' && p.total !== undefined && p.done !== undefined) {
      let bar = bars.get('scoring')
      if (!bar) {
        bar = progressReporter('pairs in blocks examined')
        bars.set('scoring', bar)
      }
      bar(Math.round(p.done), Math.round(p.total))
      return
    }
    const label = 'detail' in p && p.detail ? `${p.stage}: ${p.detail}` : p.stage
    if (label !== lastStage) process.stderr.write(`${label}…\n`)
    lastStage = label
  })
  const { result, evaluation } = report
  const c = result.clusters
  write(`Linked ${fmt(result.report.records)} records from ${fmt(inputs.length)} file${inputs.length === 1 ? '' : 's'} into ${fmt(c.count)} clusters ` +
    `(${fmt(result.report.candidatePairs)} candidate pairs scored, ${fmt(c.review.length)} pairs for review) in ${report.seconds.toFixed(1)} s → ${opts.out}\n`)
  if (evaluation) {
    write(`Pairwise (linked pairs): ${pct(evaluation.pairwise)} (${fmt(evaluation.pairwise.truePositives)} of ${fmt(evaluation.pairwise.actual)} true pairs)\n`)
    write(`Clusters (pairs in a cluster): ${pct(evaluation.cluster)}\n`)
    write(`Blocking kept ${((report.blockingRecall ?? 1) * 100).toFixed(2)}% of true pairs${report.unlabelled > 0 ? `; ${fmt(report.unlabelled)} records are not in the truth file and were left out` : ''}\n`)
  }
}
