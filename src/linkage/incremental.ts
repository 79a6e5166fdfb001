// One record at a time: for incremental feed updates and records created by practitioners.
// The caller finds candidate records (those sharing a blocking key: see candidateKeys) with the
// child each belongs to; the record is scored against every candidate with the saved model, the
// candidates are grouped by child, and the same rules as bulk clustering decide: link to one
// child, send to review (below the link threshold, a safeguard, or a close runner-up), or no link.

import { doubleMetaphone } from './metaphone.ts'
import { CANNOT_LINK, GUARD_WORDS, pairOutcome } from './comparisons.ts'
import { decisionsAbout, refKey } from './decisions.ts'
import type { PersonDecision } from './decisions.ts'
import { explainPrepared } from './explain.ts'
import type { Explanation } from './explain.ts'
import { modelExtras, Scorer } from './model.ts'
import type { TrainedModel } from './model.ts'
import { variantGroups } from './name-variants.ts'
import { Preparer } from './prepare.ts'
import { formatYmd, standardiseRecord, standardiseText, textTokens } from './standardise.ts'
import type { StandardRecord } from './standardise.ts'
import { probabilityToWeight, weightToProbability } from './settings.ts'
import type { KeyPart, ModelSettings, Thresholds } from './settings.ts'
import type { LinkRecord, Outcome } from './types.ts'

export interface Candidate {
  readonly record: LinkRecord
  /** the child (cluster) the candidate record currently belongs to */
  readonly childId: string
}

export interface CandidatePair {
  readonly source: string
  readonly recordId: string
  readonly weight: number
  readonly probability: number
  readonly outcome: Outcome
  readonly guards: readonly string[]
  /** a person's kept decision about this pair: true the same child, false different children */
  readonly decided?: boolean
  readonly explanation?: Explanation
}

export interface ChildScore {
  readonly childId: string
  /** mean match weight over the child's records (each clamped to ±30) */
  readonly weight: number
  readonly bestPair: number
  /** a safeguard forbids joining this child, or a person decided a record of it is a different child */
  readonly forbidden: boolean
  /** a person decided: 'same' (a record of this child is the incoming child), 'different', or 'conflict' (both) */
  readonly decided?: 'same' | 'different' | 'conflict'
  readonly pairs: readonly CandidatePair[]
}

export interface IncomingDecision {
  readonly outcome: Outcome
  /** the child to link to (outcome link), or the child to review against (outcome review) */
  readonly childId: string | null
  readonly reason: string
  /** candidate children, best first */
  readonly children: readonly ChildScore[]
}

const CLAMP = 30

export interface IncomingOptions {
  readonly explain?: boolean
  /** thresholds from configuration (default: the model's) */
  readonly thresholds?: Thresholds
  /**
   * People's kept decisions (those about the incoming record are used): a candidate decided to be
   * the same child is linked to, one decided to be a different child is never proposed again.
   */
  readonly decisions?: readonly PersonDecision[]
}

/** Score one incoming record against candidate records of existing children and decide. */
export function scoreIncoming(model: TrainedModel, incoming: LinkRecord, candidates: readonly Candidate[], options: IncomingOptions = {}): IncomingDecision {
  const s = options.thresholds ? { ...model.settings, thresholds: options.thresholds } : model.settings
  const decided = options.decisions && options.decisions.length > 0 ? decisionsAbout(incoming, options.decisions) : null
  const linkW = probabilityToWeight(s.thresholds.link)
  const reviewW = probabilityToWeight(s.thresholds.review)
  const preparer = new Preparer({ extras: modelExtras(s) })
  preparer.add(incoming)
  for (const c of candidates) preparer.add(c.record)
  const prepared = preparer.finish()
  const scorer = new Scorer(model, prepared, 'model')

  const groups = new Map<string, { sum: number; best: number; forbidden: boolean; same: boolean; different: boolean; pairs: CandidatePair[] }>()
  candidates.forEach((c, k) => {
    const j = k + 1
    const weight = scorer.score(0, j)
    const flags = scorer.flags
    const verdict = decided?.get(refKey(c.record))
    const pair: CandidatePair = {
      source: c.record.source,
      recordId: c.record.recordId,
      weight,
      probability: weightToProbability(weight),
      outcome: pairOutcome(weight, flags, linkW, reviewW),
      guards: GUARD_WORDS.filter(([bit]) => (flags & bit) !== 0).map(([, w]) => w),
      ...(verdict === undefined ? {} : { decided: verdict }),
      ...(options.explain ? { explanation: explainPrepared(model, prepared, 0, j, { scorer }) } : {}),
    }
    const g = groups.get(c.childId) ?? { sum: 0, best: -Infinity, forbidden: false, same: false, different: false, pairs: [] }
    g.sum += Math.max(-CLAMP, Math.min(CLAMP, weight))
    g.best = Math.max(g.best, weight)
    if ((flags & CANNOT_LINK) !== 0) g.forbidden = true
    if (verdict === true) g.same = true
    if (verdict === false) g.different = true
    g.pairs.push(pair)
    groups.set(c.childId, g)
  })
  const children: ChildScore[] = [...groups].map(([childId, g]) => ({
    childId,
    weight: g.sum / g.pairs.length,
    bestPair: g.best,
    forbidden: g.forbidden || g.different,
    ...(g.same || g.different ? { decided: g.same && g.different ? 'conflict' as const : g.same ? 'same' as const : 'different' as const } : {}),
    pairs: g.pairs.sort((a, b) => b.weight - a.weight || a.recordId.localeCompare(b.recordId)),
  }))
  children.sort((a, b) => b.weight - a.weight || a.childId.localeCompare(b.childId))

  // people's decisions first: they are not re-opened by the model
  const conflicting = children.filter((c) => c.decided === 'conflict')
  const decidedSame = children.filter((c) => c.decided === 'same')
  if (conflicting.length > 0 || decidedSame.length > 1) {
    const child = (conflicting[0] ?? decidedSame[0]) as ChildScore
    return { outcome: 'review', childId: child.childId, reason: 'people’s earlier decisions about this record disagree with each other', children }
  }
  const same = decidedSame[0]
  if (same) return { outcome: 'link', childId: same.childId, reason: `a person decided this record is child ${same.childId}`, children }

  const eligible = children.filter((c) => !c.forbidden && c.bestPair >= linkW && c.weight >= s.clustering.mergeWeight)
  const best = eligible[0]
  if (best) {
    const runnerUp = eligible[1]
    if (runnerUp && best.weight - runnerUp.weight < s.clustering.runnerUpMargin) {
      return { outcome: 'review', childId: best.childId, reason: `two children fit almost equally well (${best.childId} and ${runnerUp.childId})`, children }
    }
    return { outcome: 'link', childId: best.childId, reason: `matches child ${best.childId}`, children }
  }
  const reviewable = children.find((c) => c.decided !== 'different' && c.pairs.some((p) => p.outcome === 'review' || (p.outcome === 'link' && c.forbidden)))
  if (reviewable) {
    const why = reviewable.forbidden ? `a safeguard applies (${reviewable.pairs.find((p) => p.guards.length > 0)?.guards[0] ?? 'conflicting records'})` : 'the evidence is between the review and link thresholds'
    return { outcome: 'review', childId: reviewable.childId, reason: why, children }
  }
  return { outcome: 'no-link', childId: null, reason: candidates.length === 0 ? 'no candidate records' : 'no candidate is close enough: a new child', children }
}

// ---------------------------------------------------------------------------------------------
// Blocking keys as text, to find candidates in a store (the same rules as bulk blocking)

function partValues(part: KeyPart, s: StandardRecord, record: LinkRecord): string[] {
  const dob = s.dob
  const y = dob ? Math.floor(dob.ymd / 10000) : 0
  const m = dob ? Math.floor(dob.ymd / 100) % 100 : 0
  const d = dob ? dob.ymd % 100 : 0
  const meta = (name: string): string[] => [...new Set(doubleMetaphone(name).filter(Boolean))]
  const familyAny = s.family ? [...new Set([s.family, ...s.former, ...s.familyParts])] : [...s.former]
  switch (part) {
    case 'dob': return dob ? [formatYmd(dob.ymd)] : []
    case 'dob-unordered': return dob ? [`${y}-${Math.min(m, d)}-${Math.max(m, d)}`] : []
    case 'birth-year': return dob ? [String(y)] : []
    case 'birth-month': return dob ? [String(m)] : []
    case 'birth-day': return dob ? [String(d)] : []
    case 'given': return s.given ? [s.given] : []
    case 'given-initial': return s.given ? [s.given.charAt(0)] : []
    case 'given-prefix3': return s.given ? [s.given.slice(0, 3)] : []
    case 'given-metaphone': return s.given ? meta(s.given) : []
    case 'given-variant': {
      if (!s.given) return []
      const groups = variantGroups(s.given)
      return groups.length > 0 ? groups.map((g) => `#${g}`) : [s.given]
    }
    case 'family': return s.family ? [s.family] : []
    case 'family-initial': return s.family ? [s.family.charAt(0)] : []
    case 'family-prefix4': return s.family ? [s.family.slice(0, 4)] : []
    case 'family-metaphone': return s.family ? meta(s.family) : []
    case 'family-any': return familyAny
    case 'family-any-metaphone': return [...new Set(familyAny.flatMap(meta))]
    case 'names-unordered': return s.given && s.family ? [[s.given, s.family].sort().join('|')] : []
    case 'gender': return s.gender > 0 ? [String(s.gender)] : []
    case 'address': return s.address.length > 0 ? [s.address.join(' ')] : []
    case 'postcode': return s.postcode ? [s.postcode.full] : []
    case 'postcode-sector': return s.postcode?.sector ? [s.postcode.sector] : []
    case 'postcode-district': return s.postcode?.district ? [s.postcode.district] : []
    case 'postcode-area': return s.postcode?.area ? [s.postcode.area] : []
    case 'nhs-number': return s.nhs ? [s.nhs] : []
    case 'upn': return s.upn ? [s.upn] : []
    default: {
      if (part.startsWith('extra-token:')) return textTokens(record.extra?.[part.slice('extra-token:'.length)])
      const v = standardiseText(record.extra?.[part.slice('extra:'.length)])
      return v ? [v] : []
    }
  }
}

/**
 * The record's blocking keys under the model's rules, as text (`3|dob=2015-03-12|given-initial=o`).
 * Two records are candidates for each other when they share a key.
 */
export function candidateKeys(settings: ModelSettings, record: LinkRecord): string[] {
  const s = standardiseRecord(record)
  const keys: string[] = []
  settings.blocking.forEach((rule, r) => {
    let combos: string[] = [String(r)]
    for (const part of rule.keys) {
      const values = partValues(part, s, record)
      if (values.length === 0) {
        combos = []
        break
      }
      combos = combos.flatMap((prefix) => values.map((v) => `${prefix}|${part}=${v}`))
    }
    keys.push(...combos)
  })
  return [...new Set(keys)]
}
