// Change notifications for case management systems. A client subscribes a URL; changes that
// services put in the outbox (publishChange) fan out to the subscriptions of organisations that
// work with the child, and are POSTed signed (webhook-signature.ts). Delivery is at least once:
// each attempt is claimed with a lease, retried with exponential backoff, and after the last
// attempt kept as a dead letter the organisation can list and replay. Bodies carry IDs only.
import { randomBytes } from 'node:crypto'
import { AppError } from '../errors.ts'
import { originOf, type AuditRepository } from '../governance/audit.repository.ts'
import { open, seal } from '../people/secret-box.ts'
import type { RequestContext } from '../people/sign-in.service.ts'
import type { Clock } from '../system/clock.ts'
import type { DeadDelivery, DueDelivery, NotificationRepository } from './notification.repository.ts'
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts'

/** Attempts before a delivery becomes a dead letter: the last about a day after the first. */
export const MAX_ATTEMPTS = 10
const FIRST_RETRY_MS = 30_000
const MAX_RETRY_MS = 6 * 3_600_000
const LEASE_MS = 60_000
const TIMEOUT_MS = 10_000

export interface WebhookBody {
  readonly id: string
  readonly type: string
  readonly occurredAt: string
  readonly child: { readonly contactPointId: string; readonly replacedBy: string | null }
}

export interface Subscriber {
  readonly clientId: string
  readonly userId: string
  readonly organisationId: string
  readonly context: RequestContext
}

export class NotificationService {
  readonly #repository: NotificationRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock
  readonly #key: Buffer
  readonly #fetch: typeof fetch

  constructor(d: { repository: NotificationRepository; audit: AuditRepository; clock: Clock; encryptionKey: Buffer; fetch?: typeof fetch }) {
    this.#repository = d.repository
    this.#audit = d.audit
    this.#clock = d.clock
    this.#key = d.encryptionKey
    this.#fetch = d.fetch ?? fetch
  }

  /** A new subscription; its signing secret is returned this once and kept encrypted. */
  async subscribe(who: Subscriber, url: string) {
    const secret = randomBytes(32).toString('base64url')
    const now = this.#clock.now()
    const subscription = await this.#repository.insertSubscription(who.clientId, url, seal(Buffer.from(secret), this.#key), now)
    await this.#log(who, 'webhook.subscribe', subscription.id)
    return { id: subscription.id, url, createdAt: subscription.created_at.toISOString(), secret }
  }

  async list(who: Subscriber) {
    const subscriptions = await this.#repository.subscriptions(who.clientId)
    await this.#log(who, 'webhook.list', who.clientId)
    return subscriptions.map((s) => ({ id: s.id, url: s.url, createdAt: s.created_at.toISOString() }))
  }

  async unsubscribe(who: Subscriber, id: string): Promise<void> {
    if (!await this.#repository.endSubscription(who.clientId, id, this.#clock.now())) throw new AppError('not_found', 'There is no such subscription')
    await this.#log(who, 'webhook.unsubscribe', id)
  }

  async deadLetters(who: Subscriber, limit: number, after: { createdAt: Date; id: string } | null): Promise<DeadDelivery[]> {
    const letters = await this.#repository.deadLetters(who.clientId, limit, after)
    await this.#log(who, 'webhook.list_dead_letters', who.clientId)
    return letters
  }

  async replay(who: Subscriber, deliveryId: string): Promise<void> {
    if (!await this.#repository.replay(who.clientId, deliveryId, this.#clock.now())) throw new AppError('not_found', 'There is no such failed delivery')
    await this.#log(who, 'webhook.replay', deliveryId)
  }

  /** One round of work: fan new changes out, then attempt what is due. Returns what was attempted. */
  async runOnce(limit = 100): Promise<{ fannedOut: number; delivered: number; failed: number }> {
    const now = this.#clock.now()
    const fannedOut = await this.#repository.fanOut(now)
    const due = await this.#repository.claimDue(now, LEASE_MS, limit)
    const outcomes = await Promise.all(due.map((d) => this.#deliver(d)))
    return { fannedOut, delivered: outcomes.filter(Boolean).length, failed: outcomes.filter((o) => !o).length }
  }

  /** Runs rounds every `everyMs` until stopped; a failed round is logged and the next one tries again. */
  start(everyMs: number, onError: (error: unknown) => void): () => void {
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      this.runOnce().catch(onError).finally(() => {
        running = false
      })
    }, everyMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  async #deliver(delivery: DueDelivery): Promise<boolean> {
    const body: WebhookBody = {
      id: delivery.event.id, type: delivery.event.type, occurredAt: delivery.event.occurred_at.toISOString(),
      child: { contactPointId: delivery.event.contactpoint_id, replacedBy: delivery.event.replaced_by },
    }
    const text = JSON.stringify(body)
    const attempts = delivery.attempts + 1
    let problem: string
    try {
      const secret = open(delivery.secretCiphertext, this.#key).toString('utf8')
      const response = await this.#fetch(delivery.url, {
        method: 'POST', body: text, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, text, this.#clock.now()),
          'contactpoint-event-id': body.id, 'contactpoint-delivery-id': delivery.id, 'user-agent': 'ContactPoint-Webhooks/1',
        },
      })
      await response.body?.cancel()
      if (response.status >= 200 && response.status < 300) {
        await this.#repository.markDelivered(delivery.id, attempts, this.#clock.now())
        return true
      }
      problem = `HTTP ${response.status}`
    } catch (error) {
      // The reason only (never the receiver's body): a timeout, a refused connection.
      problem = error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : (error.cause as { code?: string } | undefined)?.code ?? error.name) : 'failed'
    }
    await this.#repository.markFailed(delivery.id, attempts, problem, attempts >= MAX_ATTEMPTS ? null : new Date(this.#clock.now().getTime() + backoff(attempts)))
    return false
  }

  async #log(who: Subscriber, action: string, subjectId: string): Promise<void> {
    await this.#audit.append({
      ...originOf(who.context), action, outcome: 'success', actorUserId: who.userId, actorOrganisationId: who.organisationId,
      subjectType: 'webhook', subjectId, occurredAt: this.#clock.now(),
    })
  }
}

/** 30 s, 1 min, 2 min … doubling to at most 6 hours, with up to 20% jitter so retries do not stampede. */
export function backoff(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS)
  return Math.round(base * (1 + 0.2 * random()))
}
