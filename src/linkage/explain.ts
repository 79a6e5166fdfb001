// Explanations: for a pair of records, how each comparison moved the decision — a waterfall from
// the starting point (how often two random records are the same child) through each comparison's
// contribution to the final match weight, with plain words a data-quality officer can read.

import { comparisonName, GUARD_WORDS, pairOutcome } from './comparisons.ts'
import { modelExtras, Scorer } from './model.ts'
import type { TrainedModel } from './model.ts'
import type { Csr, Prepared } from './prepare.ts'
import { Preparer } from './prepare.ts'
import { formatYmd } from './standardise.ts'
import { probabilityToWeight, weightToProbability } from './settings.ts'
import type { ComparisonSpec } from './settings.ts'
import type { LinkRecord, Outcome } from './types.ts'

export interface ExplanationStep {
  readonly comparison: string
  /** the level's key, e.g. `exact`, `transposed` */
  readonly level: string
  /** the level in words, e.g. "day and month exchanged" */
  readonly levelLabel: string
  /** the two values as compared (after standardisation); omitted when values are hidden */
  readonly values?: readonly [string, string]
  readonly m: number
  readonly u: number
  /** log2(m/u): 0 when a value is missing */
  readonly weight: number
  /** term-frequency adjustment: positive for a rare value, negative for a common one */
  readonly termFrequency: number
  /** weight + termFrequency */
  readonly contribution: number
  readonly words: string
}

export interface Explanation {
  readonly records: readonly [{ readonly source: string; readonly recordId: string }, { readonly source: string; readonly recordId: string }]
  readonly prior: { readonly weight: number; readonly words: string }
  readonly steps: readonly ExplanationStep[]
  /** guards that apply (possible twins, different identifiers, …), in words */
  readonly guards: readonly string[]
  /** prior + Σ contributions */
  readonly weight: number
  readonly probability: number
  readonly outcome: Outcome
  readonly summary: string
}

export interface ExplainOptions {
  /** include the compared values (default true); false for practitioner-facing use */
  readonly values?: boolean
}

function strength(x: number): string {
  const a = Math.abs(x)
  if (a >= 10) return 'very strong'
  if (a >= 5) return 'strong'
  if (a >= 2) return 'moderate'
  if (a >= 0.5) return 'weak'
  return 'almost no'
}

function signed(x: number): string {
  const r = x.toFixed(1)
  return x > 0 && r !== '0.0' ? `+${r}` : r === '-0.0' ? '0.0' : r.replace('-', '−')
}

export function evidenceWords(contribution: number): string {
  if (contribution === 0) return 'no evidence either way'
  return `${strength(contribution)} evidence ${contribution > 0 ? 'for the same child' : 'for different children'}`
}

function csrText(c: Csr, i: number, S: readonly string[], sep = ' '): string {
  const out: string[] = []
  for (let k = c.offsets[i] as number; k < (c.offsets[i + 1] as number); k++) out.push(S[c.values[k] as number] as string)
  return out.join(sep)
}

/** The value a comparison looked at on record i, as text. */
function valueText(spec: ComparisonSpec, p: Prepared, i: number): string {
  const c = p.columns
  const S = p.strings
  const str = (id: number): string => (id >= 0 ? (S[id] as string) : '')
  switch (spec.kind) {
    case 'given-name': {
      const middle = csrText(c.middle, i, S)
      return [str(c.given[i] as number), middle ? `(${middle})` : ''].filter(Boolean).join(' ')
    }
    case 'family-name': {
      const former = csrText(c.former, i, S, ', ')
      return [str(c.family[i] as number), former ? `(formerly ${former})` : ''].filter(Boolean).join(' ')
    }
    case 'date-of-birth': {
      const d = c.dob[i] as number
      return d >= 0 ? formatYmd(d) : ''
    }
    case 'gender': return ['', 'male', 'female'][c.gender[i] as number] ?? ''
    case 'postcode': return str(c.pcFull[i] as number)
    case 'address': return csrText(c.address, i, S)
    case 'residence': return [csrText(c.address, i, S), str(c.pcFull[i] as number)].filter(Boolean).join(', ')
    case 'nhs-number': return str(c.nhs[i] as number)
    case 'upn': return str(c.upn[i] as number)
    case 'carers': {
      const out: string[] = []
      for (let k = c.carerFamily.offsets[i] as number; k < (c.carerFamily.offsets[i + 1] as number); k++) {
        out.push([str(c.carerGiven.values[k] as number), str(c.carerFamily.values[k] as number)].filter(Boolean).join(' '))
      }
      return out.join('; ')
    }
    default: {
      const col = c.extras.find((e) => e.field === spec.field)
      if (!col) return ''
      return col.ids ? str(col.ids[i] as number) : csrText(col.tokens as Csr, i, S)
    }
  }
}

function priorWords(prior: number): string {
  const oneIn = Math.round(1 / prior)
  return `Starting point: two records picked at random are about 1 in ${oneIn.toLocaleString('en-GB')} likely to be the same child`
}

const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  link: 'linked automatically',
  review: 'sent to a person to review',
  'no-link': 'not linked',
}

/** Explain the pair (i, j) of prepared records. */
export function explainPrepared(model: TrainedModel, prepared: Prepared, i: number, j: number, options: ExplainOptions & { readonly scorer?: Scorer } = {}): Explanation {
  const scorer = options.scorer ?? new Scorer(model, prepared, 'data')
  const total = scorer.score(i, j)
  const flags = scorer.flags
  const levels = scorer.levels
  let running = scorer.prior
  const steps: ExplanationStep[] = model.comparisons.map((comparison, c) => {
    const spec = model.settings.comparisons[c] as ComparisonSpec
    const l = levels[c] as number
    const level = comparison.levels[l] as { key: string; label: string; m: number; u: number }
    const weight = (scorer.weights[c] as Float64Array)[l] as number
    const tf = scorer.tf[c] as number
    running += weight
    running += tf
    const contribution = weight + tf
    const name = comparisonName(spec)
    let words = `${name}: ${level.label} — ${evidenceWords(contribution)} (${signed(contribution)})`
    if (tf !== 0) words += tf > 0 ? `; the value is uncommon, which adds ${signed(tf)}` : `; the value is common, which takes ${signed(tf)}`
    return {
      comparison: name,
      level: level.key,
      levelLabel: level.label,
      ...(options.values === false ? {} : { values: [valueText(spec, prepared, i), valueText(spec, prepared, j)] as const }),
      m: level.m,
      u: level.u,
      weight,
      termFrequency: tf,
      contribution,
      words,
    }
  })
  const linkW = probabilityToWeight(model.settings.thresholds.link)
  const reviewW = probabilityToWeight(model.settings.thresholds.review)
  const outcome = pairOutcome(total, flags, linkW, reviewW)
  const guards = GUARD_WORDS.filter(([bit]) => (flags & bit) !== 0).map(([, words]) => words)
  const probability = weightToProbability(total)
  const pct = probability >= 0.9999 ? '>99.99%' : probability < 0.0001 ? '<0.01%' : `${(probability * 100).toFixed(2)}%`
  const summary = `Total match weight ${signed(total)} (probability ${pct}): ${OUTCOME_WORDS[outcome]}` +
    `${guards.length > 0 ? ` because of a safeguard: ${guards.join('; ')}` : outcome === 'review' ? ' (between the review and link thresholds)' : ''}.`
  return {
    records: [
      { source: prepared.sourceNames[prepared.columns.source[i] as number] as string, recordId: prepared.recordIds[i] ?? String(i) },
      { source: prepared.sourceNames[prepared.columns.source[j] as number] as string, recordId: prepared.recordIds[j] ?? String(j) },
    ],
    prior: { weight: scorer.prior, words: `${priorWords(model.prior)} (${signed(scorer.prior)})` },
    steps,
    guards,
    weight: running,
    probability,
    outcome,
    summary,
  }
}

/** Explain two records with a saved model (value frequencies from the model). */
export function explainPair(model: TrainedModel, a: LinkRecord, b: LinkRecord, options: ExplainOptions = {}): Explanation {
  const p = new Preparer({ extras: modelExtras(model.settings) })
  p.add(a)
  p.add(b)
  const prepared = p.finish()
  return explainPrepared(model, prepared, 0, 1, { ...options, scorer: new Scorer(model, prepared, 'model') })
}

/** The explanation as plain text: a waterfall, one line per step. */
export function formatExplanation(e: Explanation): string {
  const lines = [
    `${e.records[0].source} ${e.records[0].recordId}  ↔  ${e.records[1].source} ${e.records[1].recordId}`,
    `  ${signed(e.prior.weight).padStart(7)}  ${e.prior.words}`,
  ]
  let running = e.prior.weight
  for (const s of e.steps) {
    running += s.contribution
    const values = s.values ? `  [${s.values[0] || '—'} | ${s.values[1] || '—'}]` : ''
    lines.push(`  ${signed(s.contribution).padStart(7)}  = ${signed(running).padStart(6)}  ${s.words}${values}`)
  }
  for (const g of e.guards) lines.push(`  Safeguard: ${g}`)
  lines.push(`  ${e.summary}`)
  return `${lines.join('\n')}\n`
}
