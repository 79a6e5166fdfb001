// Misuse monitoring rules: pure functions from what users did (audit events) and a few facts about
// the users and the children they touched to alerts for the privacy officer. No database, no clock:
// the monitoring service reads the window and its facts, and the benchmark feeds a simulated month
// through exactly these functions. Thresholds are starting points (docs/governance.md says how to
// tune them); each rule has its own tests in monitoring-rules.test.ts.
import type { MonitoringRule } from '../db/schema.ts'
import { foldText } from '../linkage/standardise.ts'

/** One search, view or override, as the audit trail holds it. */
export interface ActivityEvent {
  readonly seq: string
  readonly at: Date
  readonly userId: string
  readonly action: 'child.search' | 'child.view' | 'child.override_shield'
  /** The child's ContactPoint ID (views and overrides); null for a search. */
  readonly childId: string | null
  /** A view of a shielded child shown restricted. */
  readonly restricted?: boolean
  /** A search: how many shielded children it found; whether it was for the user's own surname or street. */
  readonly shieldedResults?: number
  readonly ownSurname?: boolean
  readonly ownStreet?: boolean
}

export interface UserFacts {
  readonly id: string
  /** The authority whose privacy officer receives the user's alerts (null: national). */
  readonly authorityId: string | null
  readonly organisationId: string
  /** Authorities where the user holds an authority role (data manager, privacy officer, …): their children are their work. */
  readonly authorityRoleIn: readonly string[]
  readonly familyName: string
  readonly homeStreet: string | null
  readonly homePostcode: string | null
  /** Distinct nights in the previous 28 days with activity at unusual hours: the user's own baseline. */
  readonly nightsActiveBefore: number
}

export interface ChildFactsForMonitoring {
  readonly contactPointId: string
  readonly authorityId: string
  readonly shielded: boolean
  readonly familyName: string
  readonly street: string | null
  readonly postcode: string | null
  /** Organisations and users with an involvement (current or ended) with the child. */
  readonly involvedOrganisationIds: ReadonlySet<string>
  readonly involvedUserIds: ReadonlySet<string>
}

export interface AlertCandidate {
  readonly rule: MonitoringRule
  readonly userId: string
  readonly authorityId: string | null
  /** One alert per rule, user and window: the key makes a re-run a no-op. */
  readonly dedupeKey: string
  readonly summary: string
  /** Counts, seq numbers and ContactPoint IDs only: never names or addresses. */
  readonly evidence: { readonly seqs: readonly string[]; readonly children: readonly string[]; readonly [key: string]: unknown }
  /** Strong enough to suspend the account at once, pending investigation (bulk harvesting). */
  readonly suspend: boolean
}

export const THRESHOLDS = {
  /** Distinct children viewed in a day: more than max(this, peerFactor × the peers' 95th percentile). */
  viewsPerDay: 40,
  /** Searches in a day, likewise. */
  searchesPerDay: 100,
  /** Distinct children viewed in any one hour. */
  viewsPerHour: 25,
  peerFactor: 4,
  /** Volume this many times over its threshold suspends the account at once. */
  suspendFactor: 3,
  /** Views of one child without an involvement, within the look-back, before an alert. */
  repeatedViews: 3,
  repeatedViewsLookbackDays: 7,
  /** Touches of shielded records (restricted views, overrides, searches finding one) in a day. */
  shieldedTouches: 3,
  /** Searches or views at unusual hours in a day… */
  unusualHourEvents: 3,
  /** …unless the user worked at those hours on this many of the previous 28 nights (on-call teams). */
  nightBaselineNights: 4,
  /** Unusual hours in England: from 22:00 to 06:00. */
  nightStartsAt: 22,
  nightEndsAt: 6,
} as const

export interface RuleInput {
  /** The window alerts are raised for: a day in England, [start, end). */
  readonly windowStart: Date
  readonly windowEnd: Date
  /** The window's label in dedupe keys (the London date). */
  readonly windowLabel: string
  /** Events in the window, plus earlier ones back to the longest look-back (repeated views). */
  readonly events: readonly ActivityEvent[]
  readonly users: ReadonlyMap<string, UserFacts>
  readonly children: ReadonlyMap<string, ChildFactsForMonitoring>
}

export function evaluateRules(input: RuleInput): AlertCandidate[] {
  const inWindow = input.events.filter((e) => e.at >= input.windowStart && e.at < input.windowEnd)
  const byUser = groupBy(inWindow, (e) => e.userId)
  const alerts: AlertCandidate[] = []
  const volume = volumeThresholds(byUser, input.users)
  for (const [userId, events] of byUser) {
    const user = input.users.get(userId)
    if (!user) continue
    const raise = (rule: MonitoringRule, summary: string, evidence: Omit<AlertCandidate['evidence'], 'seqs' | 'children'>, hits: readonly ActivityEvent[], suspend = false): void => {
      alerts.push({
        rule, userId, authorityId: user.authorityId, dedupeKey: `${rule}|${userId}|${input.windowLabel}`, summary, suspend,
        evidence: { ...evidence, seqs: hits.map((e) => e.seq).slice(0, 200), children: [...new Set(hits.map((e) => e.childId).filter((c): c is string => c !== null))].slice(0, 200) },
      })
    }
    const threshold = volume.get(userId) ?? { views: THRESHOLDS.viewsPerDay, searches: THRESHOLDS.searchesPerDay }
    const hit = ruleVolume(events, threshold)
    if (hit) raise('volume', hit.summary, hit.evidence, hit.events, hit.suspend)
    const own = ruleOwnSurname(events, user, input.children)
    if (own.length) raise('own_surname', `Searched for or opened ${own.length === 1 ? 'a child' : `${own.length} records of children`} with the user's own family name, with no involvement`, { count: own.length }, own)
    const street = ruleOwnStreet(events, user, input.children)
    if (street.length) raise('own_street', 'Searched for or opened a child on the user\'s own street, with no involvement', { count: street.length }, street)
    const outside = ruleOutOfArea(events, user, input.children)
    if (outside.length) raise('out_of_area', `Opened ${plural(distinctChildren(outside), 'record')} of children of another authority with no involvement`, { count: outside.length }, outside)
    const shielded = ruleShieldedAccess(events, user, input.children)
    if (shielded.length) raise('shielded_access', `Touched shielded records ${shielded.length} times in a day (restricted views, overrides, searches finding them)`, { count: shielded.length }, shielded)
    const night = ruleUnusualHours(events, user)
    if (night.length) raise('unusual_hours', `${plural(night.length, 'search or view', 'searches or views')} between 22:00 and 06:00, unusual for this user`, { count: night.length }, night)
  }
  // Repeated views look back further than the window: they accumulate over days.
  for (const [userId, events] of groupBy(input.events, (e) => e.userId)) {
    const user = input.users.get(userId)
    if (!user) continue
    const repeated = ruleRepeatedViews(events, user, input.children, input.windowStart, input.windowEnd)
    if (repeated.length) {
      alerts.push({
        rule: 'views_without_involvement', userId, authorityId: user.authorityId, dedupeKey: `views_without_involvement|${userId}|${input.windowLabel}`,
        summary: `Opened the same child's record ${THRESHOLDS.repeatedViews} or more times in ${THRESHOLDS.repeatedViewsLookbackDays} days with no involvement`,
        evidence: { seqs: repeated.map((e) => e.seq), children: [...new Set(repeated.map((e) => e.childId as string))], count: repeated.length }, suspend: false,
      })
    }
  }
  return alerts
}

interface VolumeThreshold { readonly views: number; readonly searches: number }

/**
 * Per user: the 95th percentile of the user's peers (the other active users of the same authority
 * that day), times the peer factor, never below the floors. The user is left out of their own
 * peer group, so one harvester cannot raise the bar they are measured against.
 */
export function volumeThresholds(byUser: ReadonlyMap<string, readonly ActivityEvent[]>, users: ReadonlyMap<string, UserFacts>): Map<string, VolumeThreshold> {
  const counts = new Map<string, { group: string; views: number; searches: number }>()
  const groups = new Map<string, { views: number[]; searches: number[] }>()
  for (const [userId, events] of byUser) {
    const group = users.get(userId)?.authorityId ?? 'national'
    const views = distinctChildren(events.filter((e) => e.action === 'child.view'))
    const searches = events.filter((e) => e.action === 'child.search').length
    counts.set(userId, { group, views, searches })
    const entry = groups.get(group) ?? { views: [], searches: [] }
    entry.views.push(views)
    entry.searches.push(searches)
    groups.set(group, entry)
  }
  for (const entry of groups.values()) {
    entry.views.sort((a, b) => a - b)
    entry.searches.sort((a, b) => a - b)
  }
  const result = new Map<string, VolumeThreshold>()
  for (const [userId, c] of counts) {
    const g = groups.get(c.group) as { views: number[]; searches: number[] }
    result.set(userId, {
      views: Math.max(THRESHOLDS.viewsPerDay, THRESHOLDS.peerFactor * percentileWithout(g.views, c.views, 0.95)),
      searches: Math.max(THRESHOLDS.searchesPerDay, THRESHOLDS.peerFactor * percentileWithout(g.searches, c.searches, 0.95)),
    })
  }
  return result
}

/** The p-th percentile of a sorted list with one occurrence of `value` left out. */
function percentileWithout(sorted: readonly number[], value: number, p: number): number {
  if (sorted.length <= 1) return 0
  const position = sorted.indexOf(value)
  const k = Math.min(sorted.length - 2, Math.floor(p * (sorted.length - 1)))
  return (k < position ? sorted[k] : sorted[k + 1]) as number
}

export function ruleVolume(events: readonly ActivityEvent[], threshold: VolumeThreshold):
  { summary: string; evidence: Record<string, number>; events: ActivityEvent[]; suspend: boolean } | null {
  const views = events.filter((e) => e.action === 'child.view')
  const searches = events.filter((e) => e.action === 'child.search')
  const viewed = distinctChildren(views)
  let busiestHour = 0
  for (const hour of groupBy(views, (e) => Math.floor(e.at.getTime() / 3_600_000)).values()) busiestHour = Math.max(busiestHour, distinctChildren(hour))
  const overDay = viewed > threshold.views
  const overHour = busiestHour > THRESHOLDS.viewsPerHour
  const overSearches = searches.length > threshold.searches
  if (!overDay && !overHour && !overSearches) return null
  const suspend = viewed > THRESHOLDS.suspendFactor * threshold.views || searches.length > THRESHOLDS.suspendFactor * threshold.searches
  const what = [
    overDay || overHour ? `opened ${plural(viewed, 'child\'s record', 'children\'s records')} (busiest hour ${busiestHour})` : null,
    overSearches ? `made ${plural(searches.length, 'search', 'searches')}` : null,
  ].filter(Boolean).join(' and ')
  return {
    summary: `Unusual volume: ${what} in a day${suspend ? '; far beyond the limit, so the account was suspended pending investigation' : ''}`,
    evidence: { childrenViewed: viewed, busiestHour, searches: searches.length, viewThreshold: Math.round(threshold.views), searchThreshold: Math.round(threshold.searches) },
    events: overSearches && !(overDay || overHour) ? searches : views, suspend,
  }
}

/** A family name as one comparable key: folded, letters only. */
export function nameKey(name: string): string {
  return foldText(name).replace(/[^a-z]/g, '')
}

/** The last word of a display name is taken as the family name. */
export function familyNameOf(displayName: string): string {
  const words = displayName.trim().split(/\s+/)
  return words[words.length - 1] ?? ''
}

/** A street line as one key: folded, house numbers and punctuation removed ("14 Orchard Way" → "orchardway"). */
export function streetKey(line: string | null | undefined): string {
  return line ? foldText(line).replace(/\d+[a-z]?\b/g, '').replace(/[^a-z]/g, '') : ''
}

const postcodeKey = (postcode: string | null | undefined): string => (postcode ?? '').toUpperCase().replace(/\s+/g, '')

/** Flags for a search, computed where the typed words are known and then dropped: only the flags are kept. */
export function selfSearchFlags(user: { readonly display_name: string; readonly home_street?: string | null; readonly home_postcode?: string | null },
  criteria: { readonly familyName?: string | null; readonly postcode?: { readonly compact: string } | null; readonly address?: readonly string[] | null }): { ownSurname: boolean; ownStreet: boolean } {
  const ownSurname = !!criteria.familyName && nameKey(criteria.familyName) !== '' && nameKey(criteria.familyName) === nameKey(familyNameOf(user.display_name))
  const street = streetKey(user.home_street)
  const typedStreet = criteria.address ? streetKey(criteria.address.join(' ')) : ''
  const ownStreet = (street !== '' && typedStreet !== '' && (typedStreet.includes(street) || street.includes(typedStreet) && typedStreet.length >= 6)) ||
    (!!criteria.postcode && criteria.postcode.compact.length >= 5 && criteria.postcode.compact === postcodeKey(user.home_postcode))
  return { ownSurname, ownStreet }
}

function involved(child: ChildFactsForMonitoring, user: UserFacts): boolean {
  return child.involvedOrganisationIds.has(user.organisationId) || child.involvedUserIds.has(user.id) || user.authorityRoleIn.includes(child.authorityId)
}

/** A flagged search is explained when the user then opens, within this long, a child of that name they work with. */
export const SEARCH_EXPLAINED_WITHIN_MS = 15 * 60_000

export function ruleOwnSurname(events: readonly ActivityEvent[], user: UserFacts, children: ReadonlyMap<string, ChildFactsForMonitoring>): ActivityEvent[] {
  const own = nameKey(user.familyName)
  if (!own) return []
  const sameName = (e: ActivityEvent) => {
    const child = e.childId ? children.get(e.childId) : undefined
    return child !== undefined && nameKey(child.familyName) === own ? child : undefined
  }
  // Someone called Smith who works with a Smith searches for "Smith": explained by the record they then open.
  const searches = events.filter((e) => e.action === 'child.search' && e.ownSurname === true &&
    !explainedBy(events, e, (v) => { const child = sameName(v); return child !== undefined && involved(child, user) }))
  const views = events.filter((e) => e.action !== 'child.search' && (() => { const child = sameName(e); return child !== undefined && !involved(child, user) })())
  // One unexplained search for a common name is a coincidence; a second, or a record opened, is not.
  return views.length > 0 || searches.length >= 2 ? [...searches, ...views] : []
}

/** A search followed, within SEARCH_EXPLAINED_WITHIN_MS, by a view that explains it. */
function explainedBy(events: readonly ActivityEvent[], search: ActivityEvent, explains: (view: ActivityEvent) => boolean): boolean {
  return events.some((v) => v.action === 'child.view' && v.at >= search.at && v.at.getTime() - search.at.getTime() <= SEARCH_EXPLAINED_WITHIN_MS && explains(v))
}

export function ruleOwnStreet(events: readonly ActivityEvent[], user: UserFacts, children: ReadonlyMap<string, ChildFactsForMonitoring>): ActivityEvent[] {
  const street = streetKey(user.homeStreet)
  const postcode = postcodeKey(user.homePostcode)
  return events.filter((e) => {
    if (e.action === 'child.search') return e.ownStreet === true
    const child = e.childId ? children.get(e.childId) : undefined
    if (!child || involved(child, user)) return false
    return (street !== '' && streetKey(child.street) === street) || (postcode !== '' && postcodeKey(child.postcode) === postcode)
  })
}

export function ruleOutOfArea(events: readonly ActivityEvent[], user: UserFacts, children: ReadonlyMap<string, ChildFactsForMonitoring>): ActivityEvent[] {
  if (user.authorityId === null) return []
  return events.filter((e) => {
    const child = e.action === 'child.view' && e.childId ? children.get(e.childId) : undefined
    return child !== undefined && child.authorityId !== user.authorityId && !involved(child, user)
  })
}

/**
 * Touches of shielded records that the user's work does not explain: overrides, views of shielded
 * children without an involvement, and searches that found a shielded child not followed by a view
 * of a shielded child the user works with.
 */
export function ruleShieldedAccess(events: readonly ActivityEvent[], user: UserFacts, children: ReadonlyMap<string, ChildFactsForMonitoring>): ActivityEvent[] {
  const shieldedChild = (e: ActivityEvent) => (e.childId ? children.get(e.childId) : undefined)
  const touches = events.filter((e) => {
    if (e.action === 'child.override_shield') return true
    if (e.action === 'child.search') {
      return (e.shieldedResults ?? 0) > 0 && !explainedBy(events, e, (v) => { const c = shieldedChild(v); return c !== undefined && c.shielded && involved(c, user) })
    }
    const child = shieldedChild(e)
    return (e.restricted === true || child?.shielded === true) && !(child !== undefined && involved(child, user))
  })
  return touches.length >= THRESHOLDS.shieldedTouches ? touches : []
}

/** The hour of the day in England (the clocks change; the rule follows them). */
const LONDON_HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' })
export function londonHour(at: Date): number {
  return Number(LONDON_HOUR.format(at))
}

export const isUnusualHour = (at: Date): boolean => {
  const hour = londonHour(at)
  return hour >= THRESHOLDS.nightStartsAt || hour < THRESHOLDS.nightEndsAt
}

export function ruleUnusualHours(events: readonly ActivityEvent[], user: UserFacts): ActivityEvent[] {
  if (user.nightsActiveBefore >= THRESHOLDS.nightBaselineNights) return []
  const night = events.filter((e) => e.action !== 'child.override_shield' && isUnusualHour(e.at))
  return night.length >= THRESHOLDS.unusualHourEvents ? night : []
}

/** Views of one child without an involvement: the view that makes it `repeatedViews` within the look-back falls in the window. */
export function ruleRepeatedViews(events: readonly ActivityEvent[], user: UserFacts, children: ReadonlyMap<string, ChildFactsForMonitoring>, windowStart: Date, windowEnd: Date): ActivityEvent[] {
  const lookback = THRESHOLDS.repeatedViewsLookbackDays * 86_400_000
  const hits: ActivityEvent[] = []
  const views = events.filter((e) => e.action === 'child.view' && e.childId !== null && e.at < windowEnd && e.at.getTime() >= windowStart.getTime() - lookback)
  for (const [childId, list] of groupBy(views, (e) => e.childId as string)) {
    const child = children.get(childId)
    if (!child || involved(child, user) || list.length < THRESHOLDS.repeatedViews) continue
    const sorted = [...list].sort((a, b) => a.at.getTime() - b.at.getTime())
    if (sorted.some((e, i) => i >= THRESHOLDS.repeatedViews - 1 && e.at >= windowStart)) hits.push(...sorted)
  }
  return hits
}

function distinctChildren(events: readonly ActivityEvent[]): number {
  return new Set(events.map((e) => e.childId).filter((c) => c !== null)).size
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`
