// Bulk linkage, end to end: prepare → block → train (or reuse a saved model) → score candidate
// pairs → cluster. Pure and deterministic: the same records and settings give the same clusters,
// whatever the number of worker threads.

import { availableParallelism } from 'node:os'
import { assembleBlocking, buildBlocking, planTasks } from './blocking.ts'
import type { Blocking, BlockTask, RuleStats } from './blocking.ts'
import { clusterRecords } from './cluster.ts'
import { adjustWithDecisions, checkWithDecisions, constraintsFor } from './decisions.ts'
import type { DecisionCheck, PersonDecision } from './decisions.ts'
import type { Clusters } from './cluster.ts'
import { Comparer, modelExtras, Scorer } from './model.ts'
import type { TrainedModel } from './model.ts'
import { WorkerPool } from './parallel.ts'
import { Preparer } from './prepare.ts'
import type { Prepared } from './prepare.ts'
import { concatScored, countPatterns, scoreTask } from './score.ts'
import type { ScoredPairs } from './score.ts'
import { DEFAULT_SETTINGS, probabilityToWeight } from './settings.ts'
import type { BlockingRule, ModelSettings } from './settings.ts'
import { mergePatterns, trainModel } from './training.ts'
import type { PatternCounts } from './training.ts'
import type { LinkRecord } from './types.ts'

/** Below this many candidate pairs (counted in the blocks, before pairs found by two rules are removed) scoring stays on the calling thread. */
const INLINE_SCORING_PAIRS = 1_000_000

export type LinkStage = 'preparing' | 'blocking' | 'training' | 'scoring' | 'clustering'

export interface LinkProgress {
  readonly stage: LinkStage
  /** for scoring: candidate pairs (estimated) done and in all */
  readonly done?: number
  readonly total?: number
  readonly detail?: string
}

export interface LinkOptions {
  /** used to train a model when `model` is not given (default: DEFAULT_SETTINGS) */
  readonly settings?: ModelSettings
  /** a trained model to reuse (its settings, thresholds apart, are used as they are) */
  readonly model?: TrainedModel
  /** replace the model's thresholds (from configuration) */
  readonly thresholds?: ModelSettings['thresholds']
  /**
   * People's kept decisions about pairs of records: "the same child" pairs are put in one cluster,
   * "different children" pairs never are, and neither is proposed for review again.
   */
  readonly decisions?: readonly PersonDecision[]
  /** after training, move m towards what the decisions show (see checkWithDecisions); default false */
  readonly adjustWithDecisions?: boolean
  /** worker threads: 0 runs inline; default all cores for 20,000 records or more */
  readonly workers?: number
  readonly progress?: (p: LinkProgress) => void
}

export interface LinkResult {
  readonly model: TrainedModel
  readonly prepared: Prepared
  readonly blocking: Blocking
  /** candidate pairs at or above the review threshold (the rest are certain non-links) */
  readonly pairs: ScoredPairs
  readonly clusters: Clusters
  /** with `decisions`: the model checked against them */
  readonly decisionCheck?: DecisionCheck
  readonly report: {
    readonly records: number
    readonly candidatePairs: number
    readonly rules: readonly RuleStats[]
    readonly workers: number
    /** threads that scored the candidate pairs (1 when few enough to score here) */
    readonly scoringThreads: number
  }
}

/** Standardise and prepare records for a model's comparisons (shared memory for worker threads). */
export function prepareForModel(records: Iterable<LinkRecord>, settings: ModelSettings, shared = true): Prepared {
  const p = new Preparer({ extras: modelExtras(settings), shared })
  for (const r of records) p.add(r)
  return p.finish()
}

/** A Preparer for a model, to add records one at a time (e.g. while reading a file). */
export function preparerForModel(settings: ModelSettings, shared = true): Preparer {
  return new Preparer({ extras: modelExtras(settings), shared })
}

function withThresholds(model: TrainedModel, thresholds: ModelSettings['thresholds'] | undefined): TrainedModel {
  if (!thresholds) return model
  return { ...model, settings: { ...model.settings, thresholds } }
}

/** Link prepared records (see prepareForModel). */
export async function linkPrepared(prepared: Prepared, options: LinkOptions = {}): Promise<LinkResult> {
  const progress = options.progress ?? (() => undefined)
  const baseSettings = options.model?.settings ?? options.settings ?? DEFAULT_SETTINGS
  const settings = options.thresholds ? { ...baseSettings, thresholds: options.thresholds } : baseSettings
  const n = prepared.columns.n
  const workers = options.workers ?? (n >= 20_000 ? Math.min(availableParallelism(), 8) : 0)

  const linkOnly = settings.linkType === 'link-only'
  const pool = workers > 0 ? await WorkerPool.start(workers, prepared, null) : null
  try {
    progress({ stage: 'blocking' })
    const blocking = pool
      ? assembleBlocking(await pool.buildRuleBlocks(settings.blocking, settings.maxBlockSize), linkOnly, prepared.columns.source)
      : buildBlocking(prepared, settings.blocking, settings.maxBlockSize, linkOnly)
    if (pool) await pool.setBlocking(blocking)

    let model: TrainedModel
    if (options.model) {
      model = withThresholds(options.model, options.thresholds)
    } else {
      const inline = pool ? null : new Comparer(settings, prepared)
      const counter = async (pairs: Int32Array): Promise<PatternCounts> => {
        const out: PatternCounts = new Map()
        if (pool) for (const part of await pool.countPatterns(settings, pairs)) mergePatterns(out, part)
        else mergePatterns(out, countPatterns(inline as Comparer, pairs))
        return out
      }
      progress({ stage: 'training' })
      const blocks = pool ? (rules: readonly BlockingRule[], cap: number) => pool.buildRuleBlocks(rules, cap) : undefined
      model = await trainModel(prepared, settings, counter, (detail) => progress({ stage: 'training', detail }), blocks)
      if (options.adjustWithDecisions && options.decisions && options.decisions.length > 0) {
        model = adjustWithDecisions(model, checkWithDecisions(model, prepared, options.decisions))
      }
    }

    const floor = probabilityToWeight(model.settings.thresholds.review)
    const tasks = planTasks(blocking, 50_000)
    const total = tasks.reduce((s, t) => s + t.weight, 0)
    let done = 0
    const onTask = (t: BlockTask): void => {
      done += t.weight
      progress({ stage: 'scoring', done, total })
    }
    // A few hundred thousand pairs are scored here: handing them to threads (each compiling the
    // scoring code afresh) costs more than it saves. Each thread builds its scorer (word weights,
    // value frequencies) before the clock for scoring starts.
    const inline = !pool || total < INLINE_SCORING_PAIRS
    if (pool && !inline) await pool.setModel(model)
    const scorer = inline ? new Scorer(model, prepared, 'data') : null
    progress({ stage: 'scoring', done: 0, total })
    let parts: ScoredPairs[]
    if (pool && !inline) {
      parts = await pool.scoreTasks(tasks, floor, onTask)
    } else {
      parts = tasks.map((t) => {
        const r = scoreTask(scorer as Scorer, blocking, t, floor)
        onTask(t)
        return r
      })
    }
    const pairs = concatScored(parts)

    progress({ stage: 'clustering' })
    const decisions = options.decisions ?? []
    const constraints = decisions.length > 0 ? constraintsFor(prepared, decisions) : undefined
    const clusters = clusterRecords(n, pairs, scorer ?? new Scorer(model, prepared, 'data'), model.settings, constraints)
    return {
      model,
      prepared,
      blocking,
      pairs,
      clusters,
      ...(decisions.length > 0 ? { decisionCheck: checkWithDecisions(model, prepared, decisions) } : {}),
      report: { records: n, candidatePairs: pairs.scored, rules: blocking.rules.map((r) => r.stats), workers, scoringThreads: inline ? 1 : workers },
    }
  } finally {
    await pool?.close()
  }
}

/** Link records: the whole bulk process in one call. */
export async function linkRecords(records: Iterable<LinkRecord>, options: LinkOptions = {}): Promise<LinkResult> {
  const settings = options.model?.settings ?? options.settings ?? DEFAULT_SETTINGS
  options.progress?.({ stage: 'preparing' })
  const n = Array.isArray(records) ? records.length : Infinity
  const workers = options.workers ?? (n >= 20_000 ? Math.min(availableParallelism(), 8) : 0)
  const prepared = prepareForModel(records, settings, workers > 0)
  return linkPrepared(prepared, { ...options, workers })
}

/** Train a model only (no scoring or clustering), e.g. to save it and reuse it. */
export async function trainOnPrepared(prepared: Prepared, settings: ModelSettings = DEFAULT_SETTINGS): Promise<TrainedModel> {
  const comparer = new Comparer(settings, prepared)
  return trainModel(prepared, settings, async (pairs) => {
    const out: PatternCounts = new Map()
    mergePatterns(out, countPatterns(comparer, pairs))
    return out
  })
}
