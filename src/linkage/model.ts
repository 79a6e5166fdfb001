// The trained model (what is saved and reused) and the scorer that applies it to prepared records.
//
// Fellegi–Sunter: for each comparison level, m = P(level | same child) and u = P(level | different
// children). A pair's match weight is log2 of the prior odds plus, for each comparison, log2(m/u)
// of the level it reached, plus a term-frequency adjustment when a rare value agrees (two records
// sharing "Okonkwo-Mensah" are stronger evidence than two sharing "Smith").

import { AppError } from '../errors.ts'
import { comparisonKey, comparisonName, extrasNeeded, guardFunction, idfTable, LEVELS, levelFunction, tfTable, wordShapes } from './comparisons.ts'
import type { LevelFn, WordShapes } from './comparisons.ts'
import type { Prepared } from './prepare.ts'
import { validateSettings } from './settings.ts'
import type { ComparisonKind, ModelSettings } from './settings.ts'

export const MODEL_FORMAT = 'contactpoint-linkage-model'
export const MODEL_VERSION = 1

export interface ModelLevel {
  readonly key: string
  readonly label: string
  /** P(level | same child); for level 0 (missing) not used */
  readonly m: number
  /** P(level | different children) */
  readonly u: number
}

export interface ModelComparison {
  readonly kind: ComparisonKind
  readonly field?: string
  readonly name: string
  readonly levels: readonly ModelLevel[]
}

export interface FrequencyTable {
  /** relative frequency of the commonest values in the training data */
  readonly values: Readonly<Record<string, number>>
  /** frequency used for a value not in the table (as rare as a value seen once) */
  readonly unseen: number
}

export interface WordWeights {
  readonly docs: number
  /** number of training records holding each common word */
  readonly df: Readonly<Record<string, number>>
}

export interface TrainingReport {
  readonly records: number
  readonly randomPairs: number
  readonly priorPairs: number
  readonly priorRecall: number
  readonly sessions: readonly { readonly rule: string; readonly pairs: number; readonly iterations: number; readonly converged: boolean; readonly matchShare: number; readonly estimated: readonly string[] }[]
  readonly notes: readonly string[]
}

export interface TrainedModel {
  readonly format: typeof MODEL_FORMAT
  readonly version: typeof MODEL_VERSION
  readonly settings: ModelSettings
  /** prior probability that two random records are the same child (λ) */
  readonly prior: number
  readonly comparisons: readonly ModelComparison[]
  readonly frequencies: Readonly<Record<string, FrequencyTable>>
  readonly wordWeights: Readonly<Record<string, WordWeights>>
  readonly training: TrainingReport
}

/** log2(m/u) for every level (0 for level 0, "missing"). */
export function levelWeights(model: TrainedModel): Float64Array[] {
  return model.comparisons.map((c) => Float64Array.from(c.levels, (l, i) => (i === 0 ? 0 : Math.log2(l.m / l.u))))
}

export function priorWeight(model: TrainedModel): number {
  return Math.log2(model.prior / (1 - model.prior))
}

/** The model as JSON text (stable key order, so the same model always gives the same bytes). */
export function serialiseModel(model: TrainedModel): string {
  return `${JSON.stringify(model, null, 2)}\n`
}

/** Read a saved model, checking its format and version. */
export function parseModel(text: string, origin = 'the model file'): TrainedModel {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new AppError('validation_failed', `${origin} is not valid JSON`, { cause })
  }
  const m = value as Partial<TrainedModel> | null
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) throw new AppError('validation_failed', `${origin} is not a ContactPoint linkage model`)
  if (m.version !== MODEL_VERSION) throw new AppError('validation_failed', `${origin} is model format version ${String(m.version)}; this engine reads version ${MODEL_VERSION}`)
  if (!m.settings || !Array.isArray(m.comparisons) || typeof m.prior !== 'number' || !m.frequencies || !m.wordWeights || !m.training) {
    throw new AppError('validation_failed', `${origin} is incomplete`)
  }
  validateSettings(m.settings)
  if (m.comparisons.length !== m.settings.comparisons.length) throw new AppError('validation_failed', `${origin} does not have one set of parameters per comparison`)
  ;(m.comparisons as readonly ModelComparison[]).forEach((c, i) => {
    const spec = m.settings?.comparisons[i]
    if (!spec || spec.kind !== c.kind || spec.field !== c.field || c.levels.length !== LEVELS[c.kind].length) {
      throw new AppError('validation_failed', `${origin}: comparison ${i + 1} does not match its settings`)
    }
    for (const l of c.levels.slice(1)) {
      if (!(l.m > 0 && l.m <= 1 && l.u > 0 && l.u <= 1)) throw new AppError('validation_failed', `${origin}: ${c.name} level "${l.key}" has m or u outside (0, 1]`)
    }
  })
  return m as TrainedModel
}

/** A model from m and u values chosen by hand (tests, and the starting point for training). */
export function modelFromParameters(settings: ModelSettings, prior: number, params: readonly { readonly m: readonly number[]; readonly u: readonly number[] }[], training?: Partial<TrainingReport>): TrainedModel {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    settings,
    prior,
    comparisons: settings.comparisons.map((spec, c) => ({
      kind: spec.kind,
      ...(spec.field ? { field: spec.field } : {}),
      name: comparisonName(spec),
      levels: LEVELS[spec.kind].map((l, i) => ({ key: l.key, label: l.label, m: params[c]?.m[i] ?? 0.5, u: params[c]?.u[i] ?? 0.5 })),
    })),
    frequencies: {},
    wordWeights: {},
    training: { records: 0, randomPairs: 0, priorPairs: 0, priorRecall: settings.training.priorRecall, sessions: [], notes: [], ...training },
  }
}

// ---------------------------------------------------------------------------------------------
// Applying comparisons to prepared records

/** Level functions and guards for one set of prepared records (no weights: used in training too). */
export class Comparer {
  readonly count: number
  readonly fns: readonly LevelFn[]
  readonly radix: Float64Array
  readonly levels: Uint8Array
  private readonly guardFn: (i: number, j: number, levels: Uint8Array) => number
  readonly prepared: Prepared

  /** `tables`: word weights and value frequencies saved with a model (scoring a few records); by default the prepared records' own */
  constructor(settings: ModelSettings, prepared: Prepared, tables?: { readonly wordWeights: Readonly<Record<string, WordWeights>>; readonly frequencies: Readonly<Record<string, FrequencyTable>> }) {
    this.prepared = prepared
    const wordWeights = tables?.wordWeights
    const idfCache = new Map<string, Float32Array>()
    const idf = (field: string): Float32Array => {
      let t = idfCache.get(field)
      if (!t) {
        t = wordWeights ? idfFromModel(prepared, wordWeights[field]) : idfTable(prepared.strings.length, prepared.documentFrequencies[field])
        idfCache.set(field, t)
      }
      return t
    }
    let shapes: WordShapes | null = null
    const getShapes = (): WordShapes => (shapes ??= wordShapes(prepared.strings))
    this.fns = settings.comparisons.map((spec) => levelFunction(spec, prepared, idf, getShapes))
    this.count = this.fns.length
    this.levels = new Uint8Array(this.count)
    this.radix = new Float64Array(this.count)
    let r = 1
    for (let c = 0; c < this.count; c++) {
      this.radix[c] = r
      r *= LEVELS[(settings.comparisons[c] as { kind: ComparisonKind }).kind].length
    }
    const index = (kind: ComparisonKind): number => settings.comparisons.findIndex((c) => c.kind === kind)
    const duplicateFree = new Uint8Array(prepared.sourceNames.length)
    prepared.sourceNames.forEach((name, i) => {
      if (settings.duplicateFreeSources.includes(name)) duplicateFree[i] = 1
    })
    const identifiers: number[] = []
    const validDifferent: number[] = []
    settings.comparisons.forEach((c, i) => {
      if (c.kind === 'nhs-number' || c.kind === 'upn' || c.kind === 'extra-id') {
        identifiers.push(i)
        validDifferent.push(c.kind === 'extra-id' ? -1 : 3)
      }
    })
    const given = givenFrequencies(prepared, tables?.frequencies.given)
    this.guardFn = guardFunction(prepared, {
      given: index('given-name'), family: index('family-name'), dob: index('date-of-birth'), carers: index('carers'),
      identifiers, validDifferentLevel: validDifferent, familyGuard: settings.familyGuard,
      givenFrequency: given.frequency, rareFrequency: given.rare,
    }, duplicateFree)
  }

  /** Compute the levels of pair (i, j) into `this.levels` and return the agreement pattern code. */
  pattern(i: number, j: number): number {
    let code = 0
    for (let c = 0; c < this.count; c++) {
      const l = (this.fns[c] as LevelFn)(i, j)
      this.levels[c] = l
      code += l * (this.radix[c] as number)
    }
    return code
  }

  /** Guard flags for the pair whose levels are in `this.levels`. */
  guards(i: number, j: number): number {
    return this.guardFn(i, j, this.levels)
  }
}

/** Relative frequency of each given name (by string id) and the frequency of a name seen once. */
function givenFrequencies(prepared: Prepared, saved: FrequencyTable | undefined): { frequency: Float64Array; rare: number } {
  if (saved) {
    const frequency = new Float64Array(prepared.strings.length)
    prepared.strings.forEach((s, i) => {
      frequency[i] = saved.values[s] ?? saved.unseen
    })
    return { frequency, rare: saved.unseen }
  }
  const frequency = prepared.frequencies.given ?? new Float64Array(prepared.strings.length)
  let rare = 1
  for (let i = 0; i < frequency.length; i++) {
    const f = frequency[i] as number
    if (f > 0 && f < rare) rare = f
  }
  return { frequency, rare }
}

function idfFromModel(prepared: Prepared, w: WordWeights | undefined): Float32Array {
  const size = prepared.strings.length
  const out = new Float32Array(size)
  const docs = Math.max(2, w?.docs ?? 2)
  for (let i = 0; i < size; i++) out[i] = Math.log(docs / Math.max(1, w?.df[prepared.strings[i] as string] ?? 1)) + 0.1
  return out
}

/** Decode a pattern code into levels. */
export function decodePattern(code: number, levelCounts: readonly number[]): number[] {
  const out: number[] = []
  let rest = code
  for (const n of levelCounts) {
    out.push(rest % n)
    rest = Math.floor(rest / n)
  }
  return out
}

/**
 * Scores pairs of prepared records with a trained model. After `score(i, j)`, `levels` holds the
 * pair's levels, `flags` its guard flags and `tf` the term-frequency adjustment of each comparison.
 */
export class Scorer {
  readonly comparer: Comparer
  readonly weights: readonly Float64Array[]
  readonly prior: number
  readonly tf: Float64Array
  flags = 0
  private readonly tfLevel: Int32Array
  private readonly tfLog2U: Float64Array
  private readonly tfColumn: (Int32Array | null)[]
  private readonly tfNegLog: (Float32Array | null)[]

  /**
   * `frequencies`: 'data' uses the value frequencies of the prepared records themselves (bulk
   * runs); 'model' uses the frequencies saved with the model (scoring a few records).
   */
  constructor(model: TrainedModel, prepared: Prepared, frequencies: 'data' | 'model' = 'data') {
    this.comparer = new Comparer(model.settings, prepared, frequencies === 'model' ? model : undefined)
    this.weights = levelWeights(model)
    this.prior = priorWeight(model)
    const n = model.comparisons.length
    this.tf = new Float64Array(n)
    this.tfLevel = new Int32Array(n).fill(-1)
    this.tfLog2U = new Float64Array(n)
    this.tfColumn = []
    this.tfNegLog = []
    const cols = prepared.columns
    for (let c = 0; c < n; c++) {
      const spec = model.settings.comparisons[c] as { kind: ComparisonKind; field?: string }
      const table = tfTable(spec)
      let column: Int32Array | null = null
      if (table === 'given') column = cols.given
      else if (table === 'family') column = cols.family
      else if (table === 'postcode') column = cols.pcFull
      else if (table?.startsWith('extra:')) column = cols.extras.find((e) => e.field === spec.field && e.kind === 'value')?.ids ?? null
      if (!table || !column) {
        this.tfColumn.push(null)
        this.tfNegLog.push(null)
        continue
      }
      const level = LEVELS[spec.kind].findIndex((l) => l.tf)
      this.tfLevel[c] = level
      this.tfLog2U[c] = Math.log2((model.comparisons[c] as ModelComparison).levels[level]?.u ?? 1)
      this.tfColumn.push(column)
      this.tfNegLog.push(negLogFrequencies(prepared, table, frequencies === 'model' ? model.frequencies[table] : undefined))
    }
  }

  get levels(): Uint8Array {
    return this.comparer.levels
  }

  /** Match weight of pair (i, j): prior + Σ level weights + term-frequency adjustments. */
  score(i: number, j: number): number {
    const cmp = this.comparer
    const levels = cmp.levels
    let w = this.prior
    const n = cmp.count
    for (let c = 0; c < n; c++) {
      const l = (cmp.fns[c] as LevelFn)(i, j)
      levels[c] = l
      w += (this.weights[c] as Float64Array)[l] as number
      if (l !== 0 && l === this.tfLevel[c]) {
        const col = this.tfColumn[c] as Int32Array
        const neg = this.tfNegLog[c] as Float32Array
        const a = neg[col[i] as number] as number
        const b = neg[col[j] as number] as number
        const adj = (this.tfLog2U[c] as number) + (a < b ? a : b)
        this.tf[c] = adj
        w += adj
      } else {
        this.tf[c] = 0
      }
    }
    this.flags = cmp.guards(i, j)
    return w
  }
}

/** −log2 of each value's relative frequency (by string id), floored at the rarest possible value. */
function negLogFrequencies(prepared: Prepared, table: string, saved: FrequencyTable | undefined): Float32Array {
  const size = prepared.strings.length
  const out = new Float32Array(size)
  if (saved) {
    const floor = saved.unseen
    for (let i = 0; i < size; i++) out[i] = -Math.log2(Math.max(saved.values[prepared.strings[i] as string] ?? floor, floor))
    return out
  }
  const freq = prepared.frequencies[table]
  if (!freq) return out
  let min = 1
  for (let i = 0; i < freq.length; i++) {
    const f = freq[i] as number
    if (f > 0 && f < min) min = f
  }
  for (let i = 0; i < size; i++) out[i] = -Math.log2(Math.max(i < freq.length ? (freq[i] as number) : 0, min))
  return out
}

/** The comparisons' extra attributes, for preparing records for this model. */
export function modelExtras(settings: ModelSettings): { field: string; kind: 'value' | 'tokens' }[] {
  return extrasNeeded(settings.comparisons)
}

export { comparisonKey }
