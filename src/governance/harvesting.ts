// Limits against bulk harvesting, per signed-in user (not per address: many staff share an
// authority's or trust's address). On top of the per-address minute limits on the search and record
// routes, each user may make at most so many searches and open so many records an hour. The
// request that crosses a limit gets 429 and is audited (`rate_limited`); the volume rule of misuse
// monitoring then sees the attempt too. Counters are per process: with N processes behind a load
// balancer a user could reach N times the limit, which monitoring (reading the shared audit trail)
// still catches.
import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors.ts'
import type { Services } from '../services.ts'

export const HARVESTING_LIMITS: Readonly<Record<string, { readonly kind: string; readonly perHour: number }>> = {
  'POST /search': { kind: 'searches', perHour: 300 },
  'POST /children/:id/reason': { kind: 'record views', perHour: 600 },
  'POST /children/:id/override': { kind: 'record views', perHour: 600 },
}

const HOUR = 3_600_000

export class SlidingWindowCounter {
  readonly #hits = new Map<string, number[]>()

  /** Records a hit at `now` and returns how many hits the key has in the hour up to it. */
  hit(key: string, now: number): number {
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - HOUR)
    recent.push(now)
    this.#hits.set(key, recent)
    if (this.#hits.size > 100_000) this.#prune(now)
    return recent.length
  }

  #prune(now: number): void {
    for (const [key, times] of this.#hits) if (!times.some((t) => t > now - HOUR)) this.#hits.delete(key)
  }
}

export function registerHarvestingLimits(app: FastifyInstance, services: Services): void {
  const counter = new SlidingWindowCounter()
  app.addHook('preHandler', async (request) => {
    const limit = HARVESTING_LIMITS[`${request.method} ${request.routeOptions.url ?? ''}`]
    if (!limit || request.auth?.state !== 'signed_in') return
    const user = request.auth.user
    const count = counter.hit(`${limit.kind}|${user.id}`, services.clock.now().getTime())
    if (count <= limit.perHour) return
    await services.repositories.audit.append({
      channel: 'web', action: 'user.rate_limited', outcome: 'denied', actorUserId: user.id, actorOrganisationId: user.organisation_id,
      details: { limit: limit.kind, perHour: limit.perHour, count }, clientIp: request.ip, requestId: request.id, occurredAt: services.clock.now(),
    })
    throw new AppError('rate_limited', `You have reached the limit of ${limit.perHour} ${limit.kind} an hour. ContactPoint is for finding the children you work with, not for browsing.`)
  })
}
