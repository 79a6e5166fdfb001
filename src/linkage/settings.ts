// Model settings: which comparisons, which blocking rules, how to train, and the decision
// thresholds. Defaults are for ContactPoint's child records; benchmarks on other data sets
// choose their own comparisons and rules from the same vocabulary.

import { AppError } from '../errors.ts'
import type { LinkType } from './types.ts'

export type ComparisonKind =
  | 'given-name'
  | 'family-name'
  | 'date-of-birth'
  | 'gender'
  | 'postcode'
  | 'address'
  /** address words and postcode together: they describe one fact (where the child lives), so it counts once */
  | 'residence'
  | 'nhs-number'
  | 'upn'
  /** parents and carers by name: all the same, one in common, a family name in common, different */
  | 'carers'
  /** an extra attribute compared as a category (exact or not, term-frequency adjusted) */
  | 'extra-exact'
  /** an extra attribute compared as text (exact, Jaro–Winkler bands) */
  | 'extra-text'
  /** an extra attribute compared as a set of words */
  | 'extra-tokens'
  /** an extra attribute that is an identifier without a check digit (exact, one keying error, different) */
  | 'extra-id'

export interface ComparisonSpec {
  readonly kind: ComparisonKind
  /** for extra-* kinds: the attribute name in LinkRecord.extra */
  readonly field?: string
}

/**
 * Parts of a blocking key. A rule is a list of parts; two records are a candidate pair under a
 * rule when they agree on every part. Parts with several values (both metaphone codes, current
 * and former family names) give a record several keys.
 */
export const KEY_PARTS = [
  'dob', 'dob-unordered', 'birth-year', 'birth-month', 'birth-day',
  'given', 'given-initial', 'given-prefix3', 'given-metaphone', 'given-variant',
  'family', 'family-initial', 'family-prefix4', 'family-metaphone', 'family-any', 'family-any-metaphone',
  'names-unordered', 'gender',
  'postcode', 'postcode-sector', 'postcode-district', 'postcode-area', 'address',
  'nhs-number', 'upn',
] as const
export type KeyPart = (typeof KEY_PARTS)[number] | `extra:${string}` | `extra-token:${string}`

export interface BlockingRule {
  readonly keys: readonly KeyPart[]
}

export interface Thresholds {
  /** match probability at or above which a pair links automatically */
  readonly link: number
  /** match probability at or above which a pair goes to a person for review */
  readonly review: number
}

export interface ModelSettings {
  readonly linkType: LinkType
  readonly comparisons: readonly ComparisonSpec[]
  /** candidate pairs: the union of these rules */
  readonly blocking: readonly BlockingRule[]
  /** blocks larger than this are skipped (counted in the blocking report) */
  readonly maxBlockSize: number
  /** sources known to hold each child at most once (a cluster takes at most one record from each) */
  readonly duplicateFreeSources: readonly string[]
  /**
   * Never link automatically two records with the same family name but different given names
   * (twins and triplets when the dates of birth agree, brothers and sisters otherwise), unless an
   * identifier agrees. Children keep their given names; data sets whose errors replace given names
   * wholesale (FEBRL, historical_50k) turn it off.
   */
  readonly familyGuard: boolean
  readonly training: {
    /** one EM session per rule; comparisons on the rule's fields are not estimated in that session */
    readonly emBlocking: readonly BlockingRule[]
    /** pairs agreeing on any of these rules are assumed to match, for the prior */
    readonly priorRules: readonly BlockingRule[]
    /** the share of all true matches those rules are assumed to find */
    readonly priorRecall: number
    /** random pairs sampled for u */
    readonly uPairs: number
    readonly emMaxIterations: number
    readonly emTolerance: number
    /** most pairs used by one EM session (a deterministic sample beyond it) */
    readonly emMaxPairs: number
    readonly seed: number
  }
  readonly thresholds: Thresholds
  readonly clustering: {
    /**
     * Two groups of records merge only if the average weight of all pairs between them (each pair
     * scored, blocked or not) is at least this (in match-weight bits, prior included).
     */
    readonly mergeWeight: number
    /** a record whose two best candidate children are within this many bits goes to review */
    readonly runnerUpMargin: number
    /** largest product of group sizes scored in full when deciding a merge */
    readonly maxCrossPairs: number
  }
}

export const DEFAULT_SETTINGS: ModelSettings = {
  linkType: 'dedupe',
  comparisons: [
    { kind: 'given-name' },
    { kind: 'family-name' },
    { kind: 'date-of-birth' },
    { kind: 'gender' },
    { kind: 'residence' },
    { kind: 'nhs-number' },
    { kind: 'upn' },
    { kind: 'carers' },
  ],
  // Identifiers; date of birth with a phonetic family name (current, former or part of a
  // double-barrelled name); given and family names in either order with the year of birth (a
  // wrong date); the home postcode with a phonetic given name (a changed family name and date);
  // the postcode with the date of birth (day and month either way round: a newborn still called
  // "Baby"); a transposed date with a phonetic given name; and a transposed date with a nickname
  // and family initial. Rules without an identifier or a date and family name stay within a
  // postcode area, so blocks do not grow with the size of the country.
  blocking: [
    { keys: ['nhs-number'] },
    { keys: ['upn'] },
    { keys: ['dob', 'family-any-metaphone'] },
    { keys: ['names-unordered', 'birth-year', 'postcode-area'] },
    { keys: ['postcode', 'given-metaphone'] },
    { keys: ['postcode', 'dob-unordered'] },
    { keys: ['dob-unordered', 'given-metaphone', 'postcode-area'] },
    { keys: ['dob-unordered', 'given-variant', 'family-initial'] },
  ],
  maxBlockSize: 400,
  duplicateFreeSources: [],
  familyGuard: true,
  training: {
    // blocks where pairs that agree are mostly the same child, not the same household
    emBlocking: [
      { keys: ['nhs-number'] },
      { keys: ['upn'] },
      { keys: ['dob'] },
      { keys: ['family', 'given'] },
    ],
    priorRules: [
      { keys: ['nhs-number'] },
      { keys: ['given', 'family', 'dob'] },
    ],
    priorRecall: 0.7,
    uPairs: 1_000_000,
    emMaxIterations: 50,
    emTolerance: 1e-5,
    emMaxPairs: 500_000,
    seed: 20_100_806,
  },
  thresholds: { link: 0.99, review: 0.5 },
  clustering: {
    mergeWeight: 0,
    runnerUpMargin: 2,
    maxCrossPairs: 2500,
  },
}

/** Settings with any given parts replacing the defaults (one level deep for the nested groups). */
export function makeSettings(overrides: Partial<Omit<ModelSettings, 'training' | 'clustering' | 'thresholds'>> & {
  readonly training?: Partial<ModelSettings['training']>
  readonly clustering?: Partial<ModelSettings['clustering']>
  readonly thresholds?: Partial<Thresholds>
} = {}): ModelSettings {
  const s: ModelSettings = {
    ...DEFAULT_SETTINGS,
    ...overrides,
    training: { ...DEFAULT_SETTINGS.training, ...overrides.training },
    clustering: { ...DEFAULT_SETTINGS.clustering, ...overrides.clustering },
    thresholds: { ...DEFAULT_SETTINGS.thresholds, ...overrides.thresholds },
  }
  validateSettings(s)
  return s
}

export function validateSettings(s: ModelSettings): void {
  const problems: string[] = []
  const { link, review } = s.thresholds
  if (!(link > 0 && link < 1)) problems.push('the link threshold must be a probability between 0 and 1')
  if (!(review > 0 && review < 1)) problems.push('the review threshold must be a probability between 0 and 1')
  if (review > link) problems.push('the review threshold must not be above the link threshold')
  if (s.comparisons.length === 0) problems.push('at least one comparison is needed')
  if (s.blocking.length === 0) problems.push('at least one blocking rule is needed')
  for (const c of s.comparisons) if (c.kind.startsWith('extra-') && !c.field) problems.push(`comparison ${c.kind} needs a field`)
  for (const rule of [...s.blocking, ...s.training.emBlocking, ...s.training.priorRules]) {
    if (rule.keys.length === 0) problems.push('a blocking rule needs at least one key part')
    for (const k of rule.keys) {
      if (!(KEY_PARTS as readonly string[]).includes(k) && !/^extra(-token)?:.+/.test(k)) problems.push(`unknown blocking key part "${k}"`)
    }
  }
  if (!(s.maxBlockSize >= 2)) problems.push('maxBlockSize must be at least 2')
  if (!(s.training.priorRecall > 0 && s.training.priorRecall <= 1)) problems.push('priorRecall must be in (0, 1]')
  if (problems.length > 0) throw new AppError('validation_failed', `Linkage settings are not valid: ${problems.join('; ')}`)
}

/** The environment variables suggested for the thresholds (read by the application's configuration). */
export const THRESHOLD_VARIABLES = { link: 'LINKAGE_LINK_THRESHOLD', review: 'LINKAGE_REVIEW_THRESHOLD' } as const

/** A threshold as configuration gives it: a probability, or its text ("0.99"); empty or absent means the default. */
export type ThresholdValue = number | string | null | undefined

function thresholdValue(value: ThresholdValue, fallback: number, variable: string, problems: string[]): number {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return fallback
  const n = typeof value === 'number' ? value : /^\s*(?:0?\.\d+|0|1)\s*$/.test(value) ? Number(value) : Number.NaN
  if (!(n > 0 && n < 1)) {
    problems.push(`${variable} must be a probability strictly between 0 and 1 (e.g. 0.99), not ${JSON.stringify(value)}`)
    return fallback
  }
  return n
}

/**
 * The link and review thresholds from the application's configuration (suggested variables
 * LINKAGE_LINK_THRESHOLD and LINKAGE_REVIEW_THRESHOLD): match probabilities, as numbers or text. A
 * value left out keeps the default (link 0.99, review 0.5). Pure: throws a validation error naming
 * the variable when a value is not a probability or the review threshold is above the link threshold.
 */
export function thresholdsFromConfig(config: { readonly link?: ThresholdValue; readonly review?: ThresholdValue }, defaults: Thresholds = DEFAULT_SETTINGS.thresholds): Thresholds {
  const problems: string[] = []
  const link = thresholdValue(config.link, defaults.link, THRESHOLD_VARIABLES.link, problems)
  const review = thresholdValue(config.review, defaults.review, THRESHOLD_VARIABLES.review, problems)
  if (problems.length === 0 && review > link) problems.push(`${THRESHOLD_VARIABLES.review} (${review}) must not be above ${THRESHOLD_VARIABLES.link} (${link})`)
  if (problems.length > 0) {
    throw new AppError('validation_failed', `Linkage thresholds are not valid: ${problems.join('; ')}`, {
      fields: problems.map((message) => ({ field: message.startsWith(THRESHOLD_VARIABLES.review) ? THRESHOLD_VARIABLES.review : THRESHOLD_VARIABLES.link, message })),
    })
  }
  return { link, review }
}

/** Match probability → match weight (log2 odds). */
export function probabilityToWeight(p: number): number {
  return Math.log2(p / (1 - p))
}

/** Match weight (log2 odds) → match probability. */
export function weightToProbability(w: number): number {
  return 1 / (1 + 2 ** -w)
}
