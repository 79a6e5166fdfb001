// Shared by the governance services: which authority's governance an actor works on, and the
// refusal that looks the same whether a thing is another authority's or does not exist.
import type { AuditChannel } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { RequestContext } from '../people/sign-in.service.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { decide, type Action } from './policy.ts'

/** Where a governance action comes from: the web (a request) or the CLI (an operator acting as a named user). */
export interface GovernanceContext extends Omit<RequestContext, 'channel'> {
  readonly channel?: AuditChannel
}

/**
 * The authority whose governance work the actor does for `action`: the authority of their first
 * role that grants it, or null for the national team (a national role). Throws when none does.
 */
export function governedAuthority(actor: UserWithRoles, action: Action): string | null {
  for (const role of actor.roles) {
    if (role.authorityId !== null && decide(actor, action, { authorityId: role.authorityId }).allowed) return role.authorityId
  }
  if (decide(actor, action, { authorityId: null }).allowed) return null
  throw new AppError('forbidden', 'Your account does not have this governance work')
}

export function mayActOn(actor: UserWithRoles, action: Action, authorityId: string | null): boolean {
  return decide(actor, action, { authorityId }).allowed
}

/** The date in England, YYYY-MM-DD. */
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
const LONDON_HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' })
export function londonDay(instant: Date): string {
  return LONDON_DAY.format(instant)
}

/** The instant a day in England begins (midnight in London, which is 23:00 UTC the day before in summer). */
export function londonMidnight(day: string): Date {
  const utc = new Date(`${day}T00:00:00Z`)
  const hour = Number(LONDON_HOUR.format(utc))
  return hour === 0 ? utc : new Date(utc.getTime() - hour * 3_600_000)
}

export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
