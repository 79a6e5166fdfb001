// Verification of the audit trail. Streams the chain in seq order, a batch at a time (memory does
// not grow with the trail), and for every event:
//   - recomputes its hash from the stored fields            → an altered event
//   - checks it links to the event before it (prev_hash)    → deleted, inserted or reordered events
// and checks every checkpoint in the checkpoint files:
//   - its Ed25519 signature                                  → a forged or edited checkpoint
//   - that the event at its seq still has its hash           → a rewritten chain
//   - that the number of events up to its seq is unchanged   → deletions hidden by re-linking
//   - that the trail still reaches its seq                   → truncation of the end
// Every problem says where: seq numbers, event ids, and checkpoint file and line. Nothing personal
// (names, reasons, details) is ever put in a report.
import { createHash } from 'node:crypto'
import { canonicalJson, type ChainedContent } from './audit-chain.ts'
import { parseStoredJson } from './audit-json.ts'
import type { VerifiableAuditEvent } from './audit.repository.ts'
import { checkSignature, type CheckpointVerifier } from './checkpoint-signing.ts'
import type { CheckpointEntry } from './checkpoint-store.ts'

export const PROBLEM_KINDS = [
  'altered', 'deleted', 'inserted', 'broken_link', 'truncated', 'rewritten', 'count_changed',
  'checkpoint_event_missing', 'checkpoint_forged', 'checkpoint_unknown_key', 'checkpoint_unreadable',
] as const
export type AuditProblemKind = (typeof PROBLEM_KINDS)[number]

export interface AuditProblem {
  readonly kind: AuditProblemKind
  /** The (first) seq concerned; null when the problem is with a checkpoint line alone. */
  readonly seq: string | null
  /** The last seq of a range, when the problem covers several. */
  readonly throughSeq?: string
  /** For a rewrite or a changed count: the seq of the last checkpoint that still agrees (the change lies after it). */
  readonly afterSeq?: string
  /** The id of the event concerned, when there is one. */
  readonly eventId?: string
  /** The checkpoint concerned: its file (within the checkpoint folder) and line. */
  readonly checkpoint?: { readonly file: string; readonly line: number }
  readonly message: string
}

export interface AuditVerificationReport {
  /** True when no problem was found. */
  readonly ok: boolean
  /** The seq verification started from (null: from the start of the trail). */
  readonly from: string | null
  readonly firstSeq: string | null
  readonly lastSeq: string | null
  /** Events checked. */
  readonly events: number
  /** seq numbers never used (rolled-back transactions) where the chain itself is unbroken. */
  readonly unusedSeqNumbers: number
  readonly checkpoints: {
    readonly files: readonly string[]
    /** Lines read (checkpoints, well-formed or not). */
    readonly total: number
    /** With a valid signature from a trusted key. */
    readonly valid: number
    /** Valid ones whose seq, hash and count agree with the trail. */
    readonly matched: number
    /** Valid ones before --from: signature checked, not compared with the trail. */
    readonly signatureOnly: number
    readonly latest: { readonly seq: string; readonly count: number; readonly at: string } | null
  }
  /** The first problems found (at most maxProblems), in the order found. */
  readonly problems: readonly AuditProblem[]
  /** Every problem found, by kind, including any left out of `problems`. */
  readonly problemCounts: Readonly<Partial<Record<AuditProblemKind, number>>>
  readonly problemsOmitted: number
  readonly warnings: readonly string[]
  readonly seconds: number
  readonly eventsPerSecond: number
}

/** The reads verification needs; AuditRepository provides them. */
export interface AuditChainReader {
  lastSeq(): Promise<string | null>
  listForVerification(afterSeq: string | null, throughSeq: string, limit: number): Promise<VerifiableAuditEvent[]>
  findBySeq(seq: string): Promise<{ seq: string; hash: string } | null>
  findLastBefore(seq: string): Promise<{ seq: string; hash: string } | null>
  countThrough(seq: string): Promise<number>
}

export interface VerifyAuditOptions {
  readonly reader: AuditChainReader
  /** The checkpoint lines (CheckpointStore.entries()); none when there are no checkpoints yet. */
  readonly checkpoints: AsyncIterable<CheckpointEntry> | Iterable<CheckpointEntry>
  readonly checkpointFiles?: readonly string[]
  /** The trusted keys (the current signing key, and any earlier ones). */
  readonly verifiers: readonly CheckpointVerifier[]
  /** Start at this seq, trusting the event before it (a partial, incremental check). */
  readonly from?: string
  /** Stop at this seq instead of the head; checkpoints beyond it are then not compared. */
  readonly through?: string
  readonly batchSize?: number
  readonly maxProblems?: number
  readonly onProgress?: (done: number, total: number) => void
}

interface TrustedCheckpoint {
  readonly seq: bigint
  readonly hash: string
  readonly count: number
  readonly at: string
  readonly file: string
  readonly line: number
}

/** The fields the hash covers, read back from a stored event. */
export function chainedContentOf(event: VerifiableAuditEvent): ChainedContent {
  return {
    id: event.id, occurredAt: event.occurred_at, actorUserId: event.actor_user_id, actorOrganisationId: event.actor_organisation_id,
    onBehalfOf: event.on_behalf_of, channel: event.channel, action: event.action, outcome: event.outcome,
    subjectType: event.subject_type, subjectId: event.subject_id, reasonCode: event.reason_code, reasonText: event.reason_text,
    details: parseStoredJson(event.details_text), clientIp: event.client_ip, requestId: event.request_id,
  }
}

// The hash of an event exactly as chainHash computes it, but with the fixed top-level keys of an event
// serialised in their canonical (sorted) order without sorting them every time: verification spends
// most of its time here. audit-verify.test.ts holds the two to be equal for any event.
const CONTENT_KEYS = (Object.keys(chainedContentOf({ details_text: 'null' } as VerifiableAuditEvent)) as (keyof ChainedContent)[])
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
const KEY_PREFIXES = CONTENT_KEYS.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`)

export function contentJson(content: ChainedContent): string {
  let out = ''
  for (let i = 0; i < CONTENT_KEYS.length; i++) {
    const value = content[CONTENT_KEYS[i] as keyof ChainedContent]
    if (value === undefined) return canonicalJson(content)
    out += (KEY_PREFIXES[i] as string) + (typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : canonicalJson(value))
  }
  return `${out}}`
}

export function eventHash(prevHash: string | null, content: ChainedContent): string {
  return createHash('sha256').update(prevHash ?? 'genesis').update('\n').update(contentJson(content)).digest('hex')
}

const WINDOW = 1024
const short = (hash: string | null): string => (hash === null ? '(none)' : `${hash.slice(0, 12)}…`)
const n = (value: number | bigint): string => value.toLocaleString('en-GB')
const plural = (value: number | bigint, one: string, many = `${one}s`): string => `${n(value)} ${value === 1 || value === 1n ? one : many}`

export async function verifyAuditTrail(options: VerifyAuditOptions): Promise<AuditVerificationReport> {
  const started = performance.now()
  const { reader } = options
  const batchSize = options.batchSize ?? 5000
  const maxProblems = options.maxProblems ?? 1000
  const problems: AuditProblem[] = []
  const problemCounts: Partial<Record<AuditProblemKind, number>> = {}
  let problemsOmitted = 0
  const warnings: string[] = []
  const report = (problem: AuditProblem): void => {
    problemCounts[problem.kind] = (problemCounts[problem.kind] ?? 0) + 1
    if (problems.length < maxProblems) problems.push(problem)
    else problemsOmitted++
  }
  const at = (cp: { file: string; line: number }): string => `${cp.file} line ${cp.line}`

  // 1. Checkpoints: parse, check signatures, keep the trusted ones in seq order.
  const byKey = new Map(options.verifiers.map((v) => [v.keyId, v]))
  const trusted: TrustedCheckpoint[] = []
  let total = 0
  for await (const entry of options.checkpoints) {
    total++
    if ('problem' in entry) {
      report({ kind: 'checkpoint_unreadable', seq: null, checkpoint: { file: entry.file, line: entry.line },
        message: `checkpoint ${at(entry)} is not a well-formed checkpoint (${entry.problem}): the file was edited, or a write was cut short` })
      continue
    }
    const cp = entry.checkpoint
    const verifier = byKey.get(cp.key) ?? options.verifiers[0]
    const check = verifier ? checkSignature(cp, verifier) : 'unknown_key'
    if (check === 'bad_signature') {
      report({ kind: 'checkpoint_forged', seq: cp.seq, checkpoint: { file: entry.file, line: entry.line },
        message: `checkpoint ${at(entry)} (seq ${cp.seq}) does not carry a valid signature of key ${cp.key}: it was forged or edited` })
    } else if (check === 'unknown_key') {
      report({ kind: 'checkpoint_unknown_key', seq: cp.seq, checkpoint: { file: entry.file, line: entry.line },
        message: `checkpoint ${at(entry)} (seq ${cp.seq}) is signed by key ${cp.key}, which is not trusted here: ` +
          'it was forged, or made with an earlier key (give that key with --public-key)' })
    } else {
      trusted.push({ seq: BigInt(cp.seq), hash: cp.hash, count: cp.count, at: cp.at, file: entry.file, line: entry.line })
    }
  }
  trusted.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  const newest = trusted.at(-1)

  // 2. Where to start and stop.
  const explicitThrough = options.through !== undefined
  const throughText = options.through ?? await reader.lastSeq()
  const through = throughText === null ? null : BigInt(throughText)
  const fromSeq = options.from === undefined ? null : BigInt(options.from)
  const anchor = options.from === undefined ? null : await reader.findLastBefore(options.from)
  let counted = anchor === null ? 0 : await reader.countThrough(anchor.seq)
  let matched = 0
  let signatureOnly = 0
  let lastMatched: TrustedCheckpoint | null = null
  let mismatchRun = false
  let countDelta = 0
  let ci = 0

  const compareCheckpoint = (cp: TrustedCheckpoint, eventHash: string | null, eventCount: number): void => {
    const where = { file: cp.file, line: cp.line }
    const since = lastMatched ? ` and after seq ${lastMatched.seq} (the last checkpoint that still agrees)` : ''
    const afterSeq = lastMatched ? { afterSeq: String(lastMatched.seq) } : {}
    let agrees = true
    if (eventHash === null) {
      agrees = false
      report({ kind: 'checkpoint_event_missing', seq: String(cp.seq), checkpoint: where,
        message: `checkpoint ${at(cp)} (made ${cp.at}) records seq ${cp.seq}, which is no longer in the trail: the event was deleted` })
    } else if (eventHash !== cp.hash) {
      agrees = false
      if (!mismatchRun) {
        report({ kind: 'rewritten', seq: String(cp.seq), ...afterSeq, checkpoint: where,
          message: `checkpoint ${at(cp)} (made ${cp.at}) records hash ${short(cp.hash)} for seq ${cp.seq}, but the trail now has ${short(eventHash)}: ` +
            `the chain was rewritten at or before seq ${cp.seq}${since}` })
      }
      mismatchRun = true
    }
    const delta = eventCount - cp.count
    if (delta !== countDelta) {
      agrees = false
      report({ kind: 'count_changed', seq: String(cp.seq), ...afterSeq, checkpoint: where,
        message: `checkpoint ${at(cp)} (made ${cp.at}) counted ${n(cp.count)} events up to seq ${cp.seq}; the trail now has ${n(eventCount)}: ` +
          `${plural(Math.abs(delta - countDelta), 'event')} ${delta < countDelta ? 'deleted' : 'added'} at or before seq ${cp.seq}${since}` })
      countDelta = delta
    }
    if (agrees) {
      matched++
      lastMatched = cp
      mismatchRun = false
    }
  }

  // Checkpoints before --from: signatures only, except the newest of them, which anchors the start.
  if (fromSeq !== null) {
    let before: TrustedCheckpoint | null = null
    while (ci < trusted.length && (trusted[ci] as TrustedCheckpoint).seq < fromSeq) {
      before = trusted[ci] as TrustedCheckpoint
      ci++
      signatureOnly++
    }
    if (before) {
      signatureOnly--
      const event = await reader.findBySeq(String(before.seq))
      countDelta = 0
      compareCheckpoint(before, event?.hash ?? null, await reader.countThrough(String(before.seq)))
    }
  }

  // 3. The chain itself, batch by batch.
  // The hashes of the last events seen, to recognise an event linked past the one before it.
  const recent = new RecentEvents(WINDOW)
  let prev: { seq: bigint; hash: string } | null = anchor ? { seq: BigInt(anchor.seq), hash: anchor.hash } : null
  let firstSeq: string | null = null
  let lastSeq: string | null = null
  let events = 0
  let unusedSeqNumbers = 0
  const progressBase = prev?.seq ?? 0n
  const progressTotal = through === null ? 0 : Number(through - progressBase)

  // The next batch is read while this one is checked (two batches in memory at most).
  let next = through === null ? null : reader.listForVerification(anchor?.seq ?? null, String(through), batchSize)
  while (next !== null && through !== null) {
    const batch = await next
    const last = batch.at(-1)
    next = batch.length === batchSize && last ? reader.listForVerification(last.seq, String(through), batchSize) : null
    for (const event of batch) {
      const seq = BigInt(event.seq)
      events++
      counted++
      firstSeq ??= event.seq
      lastSeq = event.seq

      // The event's own hash.
      const recomputed = eventHash(event.prev_hash, chainedContentOf(event))
      const intact = recomputed === event.hash && event.sub_millisecond === 0
      const expectedPrev = prev?.hash ?? null
      const linked = event.prev_hash === expectedPrev
      const gap = seq - (prev?.seq ?? 0n) - 1n
      if (!intact) {
        const what = recomputed !== event.hash
          ? 'its stored fields no longer produce its stored hash'
          : 'its time has a sub-millisecond part, which the service never writes'
        report({ kind: 'altered', seq: event.seq, eventId: event.id,
          message: `seq ${event.seq} (event ${event.id}) was altered after it was written: ${what}` +
            (linked ? '' : `; its link to the event before it is broken too`) })
      } else if (!linked) {
        // The event is intact, so what changed is the chain around it.
        const linkedTo = event.prev_hash === null ? undefined : recent.seqOf(event.prev_hash)
        if (prev === null) {
          report({ kind: 'deleted', seq: fromSeq === null ? '1' : String(fromSeq), throughSeq: String(seq - 1n), eventId: event.id,
            message: `events are missing before seq ${event.seq}: the first event checked is linked to an earlier event that is no longer in the trail` })
        } else if (event.prev_hash === null) {
          report({ kind: 'inserted', seq: event.seq, eventId: event.id,
            message: `seq ${event.seq} (event ${event.id}) claims to start the trail although ${plural(counted - 1, 'event')} come before it: a forged start of the chain` })
        } else if (linkedTo !== undefined) {
          const firstInserted = recent.seqAfter(linkedTo) ?? prev.seq
          report({ kind: 'inserted', seq: String(firstInserted), throughSeq: String(prev.seq),
            message: `${firstInserted === prev.seq ? `seq ${prev.seq} is` : `seq ${firstInserted} to ${prev.seq} are`} not part of the chain: ` +
              `seq ${event.seq} is linked directly to seq ${linkedTo}, so the events between were inserted` })
        } else if (gap > 0n) {
          report({ kind: 'deleted', seq: String(prev.seq + 1n), throughSeq: String(seq - 1n), eventId: event.id,
            message: `events are missing between seq ${prev.seq} and seq ${event.seq}: seq ${event.seq} (event ${event.id}) is linked to an event ` +
              `that is no longer in the trail (${plural(gap, 'seq number')} absent)` })
        } else {
          report({ kind: 'broken_link', seq: String(prev.seq), throughSeq: event.seq, eventId: event.id,
            message: `seq ${event.seq} (event ${event.id}) does not follow seq ${prev.seq}: it records a different predecessor. ` +
              `seq ${prev.seq} was replaced (and re-hashed), or events were removed and the numbering closed up, or events were reordered` })
        }
      } else if (gap > 0n) {
        unusedSeqNumbers += Number(gap)
      }

      // Checkpoints at or before this event.
      while (ci < trusted.length && (trusted[ci] as TrustedCheckpoint).seq <= seq) {
        const cp = trusted[ci] as TrustedCheckpoint
        ci++
        if (cp.seq === seq) compareCheckpoint(cp, event.hash, counted)
        else compareCheckpoint(cp, null, counted - 1)
      }

      recent.add(event.hash, seq)
      prev = { seq, hash: event.hash }
    }
    if (last) options.onProgress?.(Math.min(Number(BigInt(last.seq) - progressBase), progressTotal), progressTotal)
  }
  options.onProgress?.(progressTotal, progressTotal)

  // 4. Checkpoints beyond the end of the trail: the end was cut off.
  const beyond = trusted.slice(ci)
  if (beyond.length > 0 && !explicitThrough) {
    const last = beyond.at(-1) as TrustedCheckpoint
    const end = prev === null ? 'the trail is empty' : `the trail ends at seq ${prev.seq} (${plural(counted, 'event')})`
    report({ kind: 'truncated', seq: prev === null ? null : String(prev.seq + 1n), throughSeq: String(last.seq),
      checkpoint: { file: last.file, line: last.line },
      message: `${end}, but checkpoint ${at(last)} (made ${last.at}) records events up to seq ${last.seq} (${plural(last.count, 'event')}): ` +
        `the end of the trail, ${prev === null ? 'every event' : `seq ${prev.seq + 1n} to ${last.seq}`}, was cut off; the trail holds ` +
        `${plural(last.count - counted, 'event')} fewer than that checkpoint counted` +
        (beyond.length > 1 ? ` (${n(beyond.length)} checkpoints lie beyond the end)` : '') })
  }

  if (trusted.length === 0 && total === 0) {
    warnings.push('No checkpoints were found: the end of the trail could have been cut off, or the whole trail rewritten, without trace. ' +
      'Run "contactpoint audit checkpoint" regularly and keep the files outside the database.')
  } else if (newest && through !== null && newest.seq < through && !explicitThrough) {
    warnings.push(`${plural(through - newest.seq, 'seq number')} after the newest checkpoint (seq ${newest.seq}, made ${newest.at}) ` +
      'are protected by the chain alone until the next checkpoint.')
  }

  const seconds = (performance.now() - started) / 1000
  const problemCount = problems.length + problemsOmitted
  return {
    ok: problemCount === 0,
    from: options.from ?? null,
    firstSeq, lastSeq, events, unusedSeqNumbers,
    checkpoints: {
      files: options.checkpointFiles ?? [],
      total, valid: trusted.length, matched, signatureOnly,
      latest: newest ? { seq: String(newest.seq), count: newest.count, at: newest.at } : null,
    },
    problems, problemCounts, problemsOmitted, warnings, seconds,
    eventsPerSecond: seconds > 0 ? events / seconds : events,
  }
}

/** The hash and seq of the last `size` events, oldest overwritten first. */
class RecentEvents {
  readonly #bySeq = new Map<string, bigint>()
  readonly #hashes: (string | undefined)[]
  readonly #seqs: bigint[]
  #next = 0

  constructor(size: number) {
    this.#hashes = new Array<string | undefined>(size).fill(undefined)
    this.#seqs = new Array<bigint>(size).fill(0n)
  }

  add(hash: string, seq: bigint): void {
    const old = this.#hashes[this.#next]
    if (old !== undefined) this.#bySeq.delete(old)
    this.#hashes[this.#next] = hash
    this.#seqs[this.#next] = seq
    this.#bySeq.set(hash, seq)
    this.#next = (this.#next + 1) % this.#hashes.length
  }

  seqOf(hash: string): bigint | undefined {
    return this.#bySeq.get(hash)
  }

  /** The smallest remembered seq above `seq`. */
  seqAfter(seq: bigint): bigint | undefined {
    let best: bigint | undefined
    for (let i = 0; i < this.#seqs.length; i++) {
      const s = this.#seqs[i] as bigint
      if (this.#hashes[i] !== undefined && s > seq && (best === undefined || s < best)) best = s
    }
    return best
  }
}
