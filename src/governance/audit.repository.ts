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
    details: event.details ?? {},
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
