// Webhook subscriptions and the dead-letter list of the calling client's organisation.
import { AppError } from '../errors.ts'
import type { Services } from '../services.ts'
import type { ApiCaller } from './api-auth.service.ts'
import { requireScope, type ApiRoute } from './api-route.ts'
import { DeliveryList, IdParams, PageQuery, Replayed, Subscription, SubscriptionList, SubscriptionRequest } from './schemas.ts'

const who = (caller: ApiCaller) => ({ clientId: caller.client.id, userId: caller.user.id, organisationId: caller.user.organisation_id, context: caller.context })

export function notificationRoutes(services: Services): ApiRoute[] {
  return [
    {
      method: 'POST', url: '/v1/webhooks/subscriptions', operationId: 'createSubscription', tag: 'Notifications', scope: 'notifications', perMinute: 30,
      summary: 'Subscribe a URL to change notifications',
      description: 'Notifications come for every child your organisation works with (a live involvement, one ended within 30 days, or a marker it set) when an involvement, indicator or marker changes, when records merge (with replacedBy) or split, and when a record is archived, shielded or unshielded. Each is a POST of {id, type, occurredAt, child: {contactPointId, replacedBy}} signed with ContactPoint-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "t.body" with the secret>. Refuse a t more than 5 minutes from your clock and an id you have seen. Answer 2xx within 10 seconds; anything else is retried with backoff for about a day, then listed as a dead letter.',
      body: SubscriptionRequest, idempotency: 'required',
      responses: { 201: { description: 'Subscribed; the secret is shown only now.', schema: Subscription } },
      handler: async (request, reply, caller) => {
        requireScope(caller, 'notifications')
        const created = await services.notifications.subscribe(who(caller), (request.body as { url: string }).url)
        reply.code(201)
        return created
      },
    },
    {
      method: 'GET', url: '/v1/webhooks/subscriptions', operationId: 'listSubscriptions', tag: 'Notifications', scope: 'notifications', perMinute: 60,
      summary: 'List the client\'s subscriptions',
      responses: { 200: { description: 'Active subscriptions.', schema: SubscriptionList } },
      handler: async (_request, _reply, caller) => {
        requireScope(caller, 'notifications')
        return { subscriptions: await services.notifications.list(who(caller)) }
      },
    },
    {
      method: 'DELETE', url: '/v1/webhooks/subscriptions/:id', operationId: 'deleteSubscription', tag: 'Notifications', scope: 'notifications', perMinute: 30,
      summary: 'End a subscription', params: IdParams,
      responses: { 204: { description: 'Ended.' } },
      handler: async (request, reply, caller) => {
        requireScope(caller, 'notifications')
        await services.notifications.unsubscribe(who(caller), (request.params as { id: string }).id)
        return reply.code(204).send()
      },
    },
    {
      method: 'GET', url: '/v1/webhooks/dead-letters', operationId: 'listDeadLetters', tag: 'Notifications', scope: 'notifications', perMinute: 60,
      summary: 'List notifications that could not be delivered', querystring: PageQuery,
      responses: { 200: { description: 'Dead letters, newest first.', schema: DeliveryList } },
      handler: async (request, _reply, caller) => {
        requireScope(caller, 'notifications')
        const { limit = 50, cursor } = request.query as { limit?: number; cursor?: string }
        const rows = await services.notifications.deadLetters(who(caller), limit + 1, cursor ? readCursor(cursor) : null)
        const page = rows.slice(0, limit)
        const last = page[page.length - 1]
        return {
          deliveries: page.map((d) => ({
            id: d.id, subscriptionId: d.subscription_id, eventId: d.event_id, type: d.type, contactPointId: d.contactpoint_id,
            attempts: d.attempts, lastError: d.last_error, createdAt: d.created_at.toISOString(),
          })),
          page: { limit, next: rows.length > limit && last ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString('base64url') : null },
        }
      },
    },
    {
      method: 'POST', url: '/v1/webhooks/dead-letters/:id/replay', operationId: 'replayDeadLetter', tag: 'Notifications', scope: 'notifications', perMinute: 60,
      summary: 'Send a dead letter again', params: IdParams, idempotency: 'required',
      responses: { 202: { description: 'Queued for delivery now.', schema: Replayed } },
      handler: async (request, reply, caller) => {
        requireScope(caller, 'notifications')
        const { id } = request.params as { id: string }
        await services.notifications.replay(who(caller), id)
        reply.code(202)
        return { id, status: 'pending' as const }
      },
    },
  ]
}

function readCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const createdAt = new Date(at)
    if (!Number.isNaN(createdAt.getTime()) && /^[0-9a-f-]{36}$/.test(id)) return { createdAt, id }
  } catch {
    // fall through
  }
  throw new AppError('validation_failed', 'The cursor is not valid: start again without one', { fields: [{ field: 'cursor', message: 'Not valid' }] })
}
