// Record linkage: the public surface. Pure and deterministic — records in, scored pairs, clusters
// and explanations out; no database, network or clock. See docs/linkage.md.

export type { LinkRecord, LinkType, Outcome } from './types.ts'
export { DEFAULT_SETTINGS, KEY_PARTS, makeSettings, probabilityToWeight, THRESHOLD_VARIABLES, thresholdsFromConfig, validateSettings, weightToProbability } from './settings.ts'
export type { BlockingRule, ComparisonKind, ComparisonSpec, KeyPart, ModelSettings, ThresholdValue, Thresholds } from './settings.ts'

// bulk: a whole population at once (worker threads for large runs)
export { linkPrepared, linkRecords, prepareForModel, preparerForModel, trainOnPrepared } from './engine.ts'
export type { LinkOptions, LinkProgress, LinkResult, LinkStage } from './engine.ts'
export type { Clusters, ReviewPair, ReviewReason } from './cluster.ts'
export type { ScoredPairs } from './score.ts'

// one record at a time: incremental feed updates and practitioner-created records
export { candidateKeys, scoreIncoming } from './incremental.ts'
export type { Candidate, CandidatePair, ChildScore, IncomingDecision, IncomingOptions } from './incremental.ts'

// people's kept review decisions: constraints (never proposed again) and labels (checking m)
export { adjustWithDecisions, checkWithDecisions, constraintsFor } from './decisions.ts'
export type { Constraints, DecisionCheck, LevelCheck, PersonDecision, RecordRef } from './decisions.ts'

// shadow re-match: what a new model or thresholds would change, not applied
export { shadowRematch } from './shadow.ts'
export type { LinkedRecord, PairChange, ShadowReport, ShadowSide } from './shadow.ts'

// the trained model: saved as versioned JSON and reused
export { MODEL_FORMAT, MODEL_VERSION, parseModel, serialiseModel } from './model.ts'
export type { ModelComparison, ModelLevel, TrainedModel, TrainingReport } from './model.ts'

// explanations: a waterfall of each comparison's contribution, in words
export { explainPair, explainPrepared, formatExplanation } from './explain.ts'
export type { Explanation, ExplanationStep } from './explain.ts'

// decisions and safeguards
export { GUARD_DUPLICATE_FREE, GUARD_ID_CONFLICT, GUARD_SAME_SOURCE_IDS, GUARD_SIBLINGS, GUARD_TWINS, GUARD_WORDS, LEVELS, pairOutcome } from './comparisons.ts'

// evaluation against known truth
export { evaluateLinkage, twinFalseMerges } from './evaluate.ts'
export type { Evaluation, Scores } from './evaluate.ts'
export { blockingRecall } from './blocking.ts'

// files and the command
export { readLinkInputs, readTruth, writeClusters, writeReview, INPUT_COLUMNS } from './files.ts'
export { registerLinkCommand, runLink } from './link.command.ts'

// standardisation and identifiers, for other modules that need the same rules
export { parseDate, standardiseCarers, standardisePostcode, standardiseRecord } from './standardise.ts'
export { isValidNhsNumber, isValidUpn } from './identifiers.ts'
