// All SQL of change notifications: the outbox (change_event), webhook subscriptions and their
// deliveries. `publishChange` is the one function services call, inside the transaction that makes
// the change, so a notice exists exactly when its change does.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { ChangeEvent, Database, WebhookSubscription } from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

export const CHANGE_TYPES = [
  'involvement.changed', 'indicator.changed', 'marker.changed', 'child.merged', 'child.split', 'child.archived', 'child.shielded', 'child.unshielded',
] as const
export type ChangeType = (typeof CHANGE_TYPES)[number]

export interface ChangeNotice {
  readonly type: ChangeType
  /** The child the change is about (for a merge, the record merged away). */
  readonly childId: string
  readonly contactPointId: string
  /** For a merge: the ContactPoint ID of the record that replaced it. */
  readonly replacedBy?: string | null
  readonly occurredAt: Date
}

/** Puts a change in the outbox. Call it with the transaction that makes the change. */
export async function publishChange(db: Executor, notice: ChangeNotice): Promise<void> {
  await db.insertInto('change_event').values({
    type: notice.type, child_id: notice.childId, contactpoint_id: notice.contactPointId, replaced_by: notice.replacedBy ?? null, occurred_at: notice.occurredAt,
  }).execute()
}

/** Days after an involvement ends during which its organisation still hears about the child. */
const ENDED_INVOLVEMENT_DAYS = 30

export interface DueDelivery {
  readonly id: string
  readonly attempts: number
  readonly url: string
  readonly secretCiphertext: string
  readonly event: Pick<ChangeEvent, 'id' | 'type' | 'contactpoint_id' | 'replaced_by' | 'occurred_at'>
}

export interface DeadDelivery {
  readonly id: string
  readonly subscription_id: string
  readonly event_id: string
  readonly type: string
  readonly contactpoint_id: string
  readonly attempts: number
  readonly last_error: string | null
  readonly created_at: Date
}

export class NotificationRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insertSubscription(clientId: string, url: string, secretCiphertext: string, now: Date): Promise<WebhookSubscription> {
    return this.#db.insertInto('webhook_subscription').values({ client_id: clientId, url, secret_ciphertext: secretCiphertext, created_at: now })
      .returningAll().executeTakeFirstOrThrow()
  }

  async subscriptions(clientId: string): Promise<WebhookSubscription[]> {
    return this.#db.selectFrom('webhook_subscription').selectAll().where('client_id', '=', clientId).where('status', '=', 'active').orderBy('created_at').execute()
  }

  async endSubscription(clientId: string, id: string, now: Date): Promise<boolean> {
    const rows = await this.#db.updateTable('webhook_subscription').set({ status: 'ended', ended_at: now })
      .where('client_id', '=', clientId).where('id', '=', id).where('status', '=', 'active').returning('id').execute()
    return rows.length > 0
  }

  /**
   * Turns outbox events into one delivery per interested subscription: an active subscription of an
   * active client with the notifications scope whose organisation works with the child (a live
   * involvement, one ended within 30 days, or a marker it set). Safe to run from several processes.
   */
  async fanOut(now: Date, limit = 500): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const events = await trx.selectFrom('change_event').select(['id', 'child_id', 'replaced_by', 'seq'])
        .where('fanned_out', '=', false).orderBy('seq').limit(limit).forUpdate().skipLocked().execute()
      if (events.length === 0) return 0
      let made = 0
      for (const event of events) {
        const replacement = event.replaced_by
          ? await trx.selectFrom('child').select('id').where('contactpoint_id', '=', event.replaced_by).executeTakeFirst() : undefined
        const childIds = [event.child_id, ...(replacement ? [replacement.id] : [])]
        const since = new Date(now.getTime() - ENDED_INVOLVEMENT_DAYS * 86_400_000).toISOString().slice(0, 10)
        const rows = await trx.insertInto('webhook_delivery').columns(['subscription_id', 'event_id', 'next_attempt_at'])
          .expression((eb) => eb.selectFrom('webhook_subscription as s')
            .innerJoin('api_client as c', 'c.id', 's.client_id')
            .select(['s.id', eb.val(event.id).as('event_id'), eb.val(now).as('next_attempt_at')])
            .where('s.status', '=', 'active').where('c.status', '=', 'active')
            .where(sql<boolean>`'notifications' = ANY(c.scopes)`)
            .where((w) => w.or([
              w.exists(w.selectFrom('involvement as i').select('i.id').whereRef('i.organisation_id', '=', 'c.organisation_id')
                .where('i.child_id', 'in', childIds).where((x) => x.or([x('i.ended_on', 'is', null), x('i.ended_on', '>=', since)]))),
              w.exists(w.selectFrom('concern_marker as m').select('m.id').whereRef('m.organisation_id', '=', 'c.organisation_id')
                .where('m.child_id', 'in', childIds).where('m.removed_at', 'is', null)),
            ])))
          .onConflict((oc) => oc.doNothing()).returning('id').execute()
        made += rows.length
      }
      await trx.updateTable('change_event').set({ fanned_out: true }).where('id', 'in', events.map((e) => e.id)).execute()
      return made
    })
  }

  /** Claims due deliveries for `leaseMs` (another process skips them meanwhile) and returns them. */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('webhook_delivery as d')
        .innerJoin('webhook_subscription as s', 's.id', 'd.subscription_id')
        .innerJoin('change_event as e', 'e.id', 'd.event_id')
        .select(['d.id', 'd.attempts', 's.url', 's.secret_ciphertext', 'e.id as event_id', 'e.type', 'e.contactpoint_id', 'e.replaced_by', 'e.occurred_at'])
        .where('d.status', '=', 'pending').where('d.next_attempt_at', '<=', now).where('s.status', '=', 'active')
        .orderBy('d.next_attempt_at').limit(limit).forUpdate('d').skipLocked().execute()
      if (rows.length === 0) return []
      await trx.updateTable('webhook_delivery').set({ next_attempt_at: new Date(now.getTime() + leaseMs) }).where('id', 'in', rows.map((r) => r.id)).execute()
      return rows.map((r) => ({
        id: r.id, attempts: r.attempts, url: r.url, secretCiphertext: r.secret_ciphertext,
        event: { id: r.event_id, type: r.type, contactpoint_id: r.contactpoint_id, replaced_by: r.replaced_by, occurred_at: r.occurred_at },
      }))
    })
  }

  async markDelivered(id: string, attempts: number, now: Date): Promise<void> {
    await this.#db.updateTable('webhook_delivery').set({ status: 'delivered', attempts, delivered_at: now, last_error: null }).where('id', '=', id).execute()
  }

  async markFailed(id: string, attempts: number, error: string, next: Date | null): Promise<void> {
    await this.#db.updateTable('webhook_delivery')
      .set(next ? { attempts, last_error: error, next_attempt_at: next } : { attempts, last_error: error, status: 'dead' })
      .where('id', '=', id).execute()
  }

  /** The client's dead letters, newest first, after the cursor (created_at, id). */
  async deadLetters(clientId: string, limit: number, after: { createdAt: Date; id: string } | null): Promise<DeadDelivery[]> {
    let query = this.#db.selectFrom('webhook_delivery as d')
      .innerJoin('webhook_subscription as s', 's.id', 'd.subscription_id')
      .innerJoin('change_event as e', 'e.id', 'd.event_id')
      .select(['d.id', 'd.subscription_id', 'd.event_id', 'e.type', 'e.contactpoint_id', 'd.attempts', 'd.last_error', 'd.created_at'])
      .where('s.client_id', '=', clientId).where('d.status', '=', 'dead')
    if (after) {
      query = query.where((eb) => eb.or([eb('d.created_at', '<', after.createdAt), eb.and([eb('d.created_at', '=', after.createdAt), eb('d.id', '<', after.id)])]))
    }
    return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(limit).execute()
  }

  /** Puts a dead letter of the client back in the queue, due now; false when there is no such dead letter. */
  async replay(clientId: string, deliveryId: string, now: Date): Promise<boolean> {
    const rows = await this.#db.updateTable('webhook_delivery').set({ status: 'pending', attempts: 0, next_attempt_at: now })
      .where('id', '=', deliveryId).where('status', '=', 'dead')
      .where('subscription_id', 'in', (eb) => eb.selectFrom('webhook_subscription').select('id').where('client_id', '=', clientId))
      .returning('id').execute()
    return rows.length > 0
  }

  async deliveryStates(): Promise<{ status: string; n: number }[]> {
    const rows = await this.#db.selectFrom('webhook_delivery').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute()
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }))
  }
}
