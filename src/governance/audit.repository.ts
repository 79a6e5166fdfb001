// All SQL about the audit trail. Appends are serialised by a transaction-scoped advisory lock so the
// chain has exactly one successor per event, whichever process writes.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { AuditChannel, AuditEvent, AuditOutcome, Database } from '../db/schema.ts'
import { chainHash, type ChainedContent } from './audit-chain.ts'

const AUDIT_CHAIN_LOCK = 7_260_001

export interface NewAuditEvent {
  readonly actorUserId?: string | null
  readonly actorOrganisationId?: string | null
  readonly onBehalfOf?: string | null
  readonly channel: AuditChannel
  readonly action: string
  readonly outcome: AuditOutcome
  readonly subjectType?: string | null
  readonly subjectId?: string | null
  readonly reasonCode?: string | null
  readonly reasonText?: string | null
  readonly details?: Record<string, unknown>
  readonly clientIp?: string | null
  readonly requestId?: string | null
  readonly occurredAt?: Date
  /** The registered API client that made the call for the user (kept in details as apiClient). */
  readonly apiClientId?: string | null
}

/** Channel, address, request id and API client of a request, for an audit event (see RequestContext). */
export function originOf(context: { clientIp: string; requestId: string; channel?: 'web' | 'api' | 'phone'; apiClientId?: string }) {
  return { channel: context.channel ?? 'web', clientIp: context.clientIp, requestId: context.requestId, apiClientId: context.apiClientId ?? null }
}

export class AuditRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Appends one event to the chain; joins the caller's transaction when given one. */
  async append(event: NewAuditEvent, trx?: Transaction<Database>): Promise<AuditEvent> {
    if (trx) return appendIn(trx, event)
    return this.#db.transaction().execute((t) => appendIn(t, event))
  }

  async listForSubject(subjectType: string, subjectId: string, limit = 200): Promise<AuditEvent[]> {
    return this.#db.selectFrom('audit_event').selectAll()
      .where('subject_type', '=', subjectType).where('subject_id', '=', subjectId)
      .orderBy('seq', 'desc').limit(limit).execute()
  }

  /** Events in chain order, for verification. */
  async listFrom(afterSeq: string | null, limit: number): Promise<AuditEvent[]> {
    let query = this.#db.selectFrom('audit_event').selectAll().orderBy('seq').limit(limit)
    if (afterSeq !== null) query = query.where('seq', '>', afterSeq)
    return query.execute()
  }

  // Read methods for verification and checkpoints. Rows commit in seq order (appends hold the chain
  // lock until commit), so every event up to a head read here is already visible.

  /** The newest event; null when the trail is empty. */
  async head(): Promise<AuditHead | null> {
    const row = await this.#db.selectFrom('audit_event').select(['seq', 'hash', 'occurred_at']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
    return row ? { seq: String(row.seq), hash: row.hash, occurredAt: row.occurred_at } : null
  }

  /** How many events have a seq after `afterSeq` (from the start when null) up to and including `throughSeq`. */
  async countBetween(afterSeq: string | null, throughSeq: string): Promise<number> {
    let query = this.#db.selectFrom('audit_event').select((eb) => eb.fn.countAll<string>().as('count')).where('seq', '<=', throughSeq)
    if (afterSeq !== null) query = query.where('seq', '>', afterSeq)
    return Number((await query.executeTakeFirstOrThrow()).count)
  }

  /** The highest seq, or null when the trail is empty. */
  async lastSeq(): Promise<string | null> {
    const row = await this.#db.selectFrom('audit_event').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst()
    return row ? String(row.seq) : null
  }

  /** Events after `afterSeq` (from the start when null) up to and including `throughSeq`, in chain order,
   * as stored: details as JSON text (see audit-json.ts for why) and the time with its sub-millisecond
   * part (the service writes whole milliseconds only). Each row comes as one JSON array of strings, which
   * is about twice as quick to read as eighteen columns and has no object keys for JSON.parse to get wrong. */
  async listForVerification(afterSeq: string | null, throughSeq: string, limit: number): Promise<VerifiableAuditEvent[]> {
    let query = this.#db.selectFrom('audit_event')
      .select(sql<string>`json_build_array(seq::text, id, (extract(epoch FROM occurred_at) * 1000000)::bigint::text,
        actor_user_id, actor_organisation_id, on_behalf_of, channel, action, outcome, subject_type, subject_id,
        reason_code, reason_text, details::text, client_ip, request_id, prev_hash, hash)::text`.as('event'))
      .where('seq', '<=', throughSeq).orderBy('seq').limit(limit)
    if (afterSeq !== null) query = query.where('seq', '>', afterSeq)
    return (await query.execute()).map(({ event }) => verifiableEvent(JSON.parse(event) as (string | null)[]))
  }

  async findBySeq(seq: string): Promise<{ seq: string; hash: string } | null> {
    const row = await this.#db.selectFrom('audit_event').select(['seq', 'hash']).where('seq', '=', seq).executeTakeFirst()
    return row ? { seq: String(row.seq), hash: row.hash } : null
  }

  /** The event just before `seq` (the anchor of a verification that starts part-way). */
  async findLastBefore(seq: string): Promise<{ seq: string; hash: string } | null> {
    const row = await this.#db.selectFrom('audit_event').select(['seq', 'hash']).where('seq', '<', seq)
      .orderBy('seq', 'desc').limit(1).executeTakeFirst()
    return row ? { seq: String(row.seq), hash: row.hash } : null
  }

  /** How many events have a seq up to and including `seq`. */
  async countThrough(seq: string): Promise<number> {
    return this.countBetween(null, seq)
  }
}

export interface AuditHead {
  readonly seq: string
  readonly hash: string
  readonly occurredAt: Date
}

/** An event as stored, for recomputing its hash. */
export interface VerifiableAuditEvent {
  readonly seq: string
  readonly id: string
  readonly occurred_at: Date
  /** Microseconds past the millisecond of occurred_at: 0 for every event the service writes. */
  readonly sub_millisecond: number
  readonly actor_user_id: string | null
  readonly actor_organisation_id: string | null
  readonly on_behalf_of: string | null
  readonly channel: string
  readonly action: string
  readonly outcome: string
  readonly subject_type: string | null
  readonly subject_id: string | null
  readonly reason_code: string | null
  readonly reason_text: string | null
  /** The jsonb details as PostgreSQL writes them out. */
  readonly details_text: string
  readonly client_ip: string | null
  readonly request_id: string | null
  readonly prev_hash: string | null
  readonly hash: string
}

function verifiableEvent(f: readonly (string | null)[]): VerifiableAuditEvent {
  const micros = BigInt(f[2] as string)
  return {
    seq: f[0] as string, id: f[1] as string, occurred_at: new Date(Number(micros / 1000n)), sub_millisecond: Number(micros % 1000n),
    actor_user_id: f[3] ?? null, actor_organisation_id: f[4] ?? null, on_behalf_of: f[5] ?? null, channel: f[6] as string,
    action: f[7] as string, outcome: f[8] as string, subject_type: f[9] ?? null, subject_id: f[10] ?? null, reason_code: f[11] ?? null,
    reason_text: f[12] ?? null, details_text: f[13] as string, client_ip: f[14] ?? null, request_id: f[15] ?? null,
    prev_hash: f[16] ?? null, hash: f[17] as string,
  }
}

async function appendIn(trx: Transaction<Database>, event: NewAuditEvent): Promise<AuditEvent> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx)
  const last = await trx.selectFrom('audit_event').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst()
  const content: ChainedContent = {
    id: crypto.randomUUID(),
    occurredAt: event.occurredAt ?? new Date(),
    actorUserId: event.actorUserId ?? null,
    actorOrganisationId: event.actorOrganisationId ?? null,
    onBehalfOf: event.onBehalfOf ?? null,
    channel: event.channel,
    action: event.action,
    outcome: event.outcome,
    subjectType: event.subjectType ?? null,
    subjectId: event.subjectId ?? null,
    reasonCode: event.reasonCode ?? null,
    reasonText: event.reasonText ?? null,
    details: event.apiClientId ? { ...event.details, apiClient: event.apiClientId } : event.details ?? {},
    clientIp: event.clientIp ?? null,
    requestId: event.requestId ?? null,
  }
  const prevHash = last?.hash ?? null
  return trx.insertInto('audit_event').values({
    id: content.id,
    occurred_at: content.occurredAt,
    actor_user_id: content.actorUserId,
    actor_organisation_id: content.actorOrganisationId,
    on_behalf_of: content.onBehalfOf,
    channel: content.channel as AuditChannel,
    action: content.action,
    outcome: content.outcome as AuditOutcome,
    subject_type: content.subjectType,
    subject_id: content.subjectId,
    reason_code: content.reasonCode,
    reason_text: content.reasonText,
    details: JSON.stringify(content.details),
    client_ip: content.clientIp,
    request_id: content.requestId,
    prev_hash: prevHash,
    hash: chainHash(prevHash, content),
  }).returningAll().executeTakeFirstOrThrow()
}
