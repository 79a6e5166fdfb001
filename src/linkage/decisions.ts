// People's decisions fed back into the engine. When a person reviews a pair and decides "the same
// child" or "different children", the decision is kept (by the application) and given back here:
//   - as constraints, so that the decided pair is never proposed again: bulk clustering and
//     scoreIncoming keep "different children" apart and put "the same child" together;
//   - as labels, to check the trained model: for each comparison, how often the pairs people said
//     were one child reached each level (an observed m), beside the model's m — and, when asked,
//     to move the model's m towards what people decided.
// Reviewed pairs are the hard cases, not a random sample of matches, so the check is a check: an
// adjustment is only made on request, and weighs the labels against the trained m (pseudo-pairs).

import { LEVELS, pairOutcome } from './comparisons.ts'
import type { TrainedModel } from './model.ts'
import { Scorer } from './model.ts'
import type { Prepared } from './prepare.ts'
import { probabilityToWeight } from './settings.ts'
import { AppError } from '../errors.ts'

export interface RecordRef {
  readonly source: string
  readonly recordId: string
}

/** A person's decision about two records: `same` true for one child, false for different children. */
export interface PersonDecision {
  readonly a: RecordRef
  readonly b: RecordRef
  readonly same: boolean
}

/** Decisions resolved to record numbers of a set of prepared records (pairs a < b, interleaved). */
export interface Constraints {
  readonly mustLink: Int32Array
  readonly cannotLink: Int32Array
  /** decisions naming a record that is not among the records */
  readonly unmatched: number
}

const refKey = (r: RecordRef): string => `${r.source}\u0000${r.recordId}`

/** Resolve decisions to record numbers (one pass over the records). */
export function constraintsFor(prepared: Prepared, decisions: readonly PersonDecision[]): Constraints {
  const wanted = new Map<string, number>()
  for (const d of decisions) {
    wanted.set(refKey(d.a), -1)
    wanted.set(refKey(d.b), -1)
  }
  const { source } = prepared.columns
  for (let i = 0; i < prepared.columns.n && wanted.size > 0; i++) {
    const key = `${prepared.sourceNames[source[i] as number] as string}\u0000${prepared.recordIds[i] as string}`
    if (wanted.get(key) === -1) wanted.set(key, i)
  }
  const must: number[] = []
  const cannot: number[] = []
  let unmatched = 0
  for (const d of decisions) {
    const a = wanted.get(refKey(d.a)) ?? -1
    const b = wanted.get(refKey(d.b)) ?? -1
    if (a < 0 || b < 0 || a === b) {
      unmatched++
      continue
    }
    ;(d.same ? must : cannot).push(Math.min(a, b), Math.max(a, b))
  }
  return { mustLink: Int32Array.from(must), cannotLink: Int32Array.from(cannot), unmatched }
}

/** Whether (source, recordId) pairs were decided, and how: a lookup for one incoming record. */
export function decisionsAbout(record: RecordRef, decisions: readonly PersonDecision[]): Map<string, boolean> {
  const key = refKey(record)
  const out = new Map<string, boolean>()
  for (const d of decisions) {
    const ka = refKey(d.a)
    const kb = refKey(d.b)
    if (ka === key && kb !== key) out.set(kb, d.same)
    else if (kb === key && ka !== key) out.set(ka, d.same)
  }
  return out
}

export { refKey }

// ---------------------------------------------------------------------------------------------
// Decisions as labels

export interface LevelCheck {
  readonly key: string
  /** the model's m for this level */
  readonly modelM: number
  /** pairs people said were one child that reached this level */
  readonly labelled: number
  /** labelled / all labelled pairs with a value on both records */
  readonly observedM: number
  /** the m this level would have after adjusting (see adjustWithDecisions) */
  readonly adjustedM: number
}

export interface DecisionCheck {
  /** pairs decided "the same child" and "different children" among the records */
  readonly samePairs: number
  readonly differentPairs: number
  readonly unmatched: number
  readonly comparisons: readonly { readonly name: string; readonly levels: readonly LevelCheck[] }[]
  /** decided pairs the model (with its thresholds and safeguards) would decide the other way */
  readonly disagreements: { readonly sameNotLinked: number; readonly differentLinked: number }
  /** pseudo-pairs the trained m counted for in the adjusted figures */
  readonly pseudoPairs: number
}

/**
 * Check a trained model against people's decisions on prepared records: for every comparison, the
 * share of "same child" pairs at each level beside the model's m, and how many decided pairs the
 * model would decide differently. `pseudoPairs`: how many labelled pairs the trained m is worth
 * when the adjusted m is worked out (the default, 200, lets a few dozen decisions nudge m, not overturn it).
 */
export function checkWithDecisions(model: TrainedModel, prepared: Prepared, decisions: readonly PersonDecision[], options: { readonly pseudoPairs?: number } = {}): DecisionCheck {
  const pseudo = options.pseudoPairs ?? 200
  if (!(pseudo >= 0)) throw new AppError('validation_failed', 'pseudoPairs must be 0 or more')
  const constraints = constraintsFor(prepared, decisions)
  const scorer = new Scorer(model, prepared, 'data')
  const counts = model.comparisons.map((c) => new Float64Array(c.levels.length))
  const linkW = probabilityToWeight(model.settings.thresholds.link)
  const reviewW = probabilityToWeight(model.settings.thresholds.review)
  let sameNotLinked = 0
  let differentLinked = 0
  const { mustLink, cannotLink } = constraints
  for (let k = 0; k < mustLink.length; k += 2) {
    const w = scorer.score(mustLink[k] as number, mustLink[k + 1] as number)
    scorer.levels.forEach((l, c) => {
      ;(counts[c] as Float64Array)[l] = ((counts[c] as Float64Array)[l] as number) + 1
    })
    if (pairOutcome(w, scorer.flags, linkW, reviewW) !== 'link') sameNotLinked++
  }
  for (let k = 0; k < cannotLink.length; k += 2) {
    const w = scorer.score(cannotLink[k] as number, cannotLink[k + 1] as number)
    if (pairOutcome(w, scorer.flags, linkW, reviewW) === 'link') differentLinked++
  }
  const comparisons = model.comparisons.map((comp, c) => {
    const row = counts[c] as Float64Array
    let present = 0
    for (let l = 1; l < row.length; l++) present += row[l] as number
    return {
      name: comp.name,
      levels: comp.levels.map((level, l) => {
        const labelled = row[l] as number
        const observed = l === 0 || present === 0 ? 0 : labelled / present
        const adjusted = l === 0 ? level.m : present + pseudo === 0 ? level.m : (labelled + pseudo * level.m) / (present + pseudo)
        return { key: level.key, modelM: level.m, labelled, observedM: observed, adjustedM: Math.max(adjusted, 1e-9) }
      }),
    }
  })
  return {
    samePairs: mustLink.length / 2,
    differentPairs: cannotLink.length / 2,
    unmatched: constraints.unmatched,
    comparisons,
    disagreements: { sameNotLinked, differentLinked },
    pseudoPairs: pseudo,
  }
}

/** The model with each comparison's m moved to the adjusted m of a check (u, prior and settings unchanged). */
export function adjustWithDecisions(model: TrainedModel, check: DecisionCheck): TrainedModel {
  if (check.comparisons.length !== model.comparisons.length) throw new AppError('validation_failed', 'the check was made with another model')
  const comparisons = model.comparisons.map((comp, c) => {
    const levels = (check.comparisons[c] as DecisionCheck['comparisons'][number]).levels
    if (levels.length !== LEVELS[comp.kind].length) throw new AppError('validation_failed', 'the check was made with another model')
    return { ...comp, levels: comp.levels.map((level, l) => ({ ...level, m: Number(((levels[l] as LevelCheck).adjustedM).toPrecision(6)) })) }
  })
  const note = `m adjusted with ${check.samePairs} pairs people decided were one child (the trained m counted as ${check.pseudoPairs} pairs)`
  return { ...model, comparisons, training: { ...model.training, notes: [...model.training.notes, note] } }
}
