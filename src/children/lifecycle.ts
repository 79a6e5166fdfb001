// Dates that govern a record's life: archived at the 18th birthday (or the extended age, up to
// 25, with consent), a year after death, or some time after leaving England; readable by data
// managers for a year after archiving; deleted six years after archiving. Pure: the lifecycle job
// (src/lifecycle) reads candidate records with a loose SQL filter and decides with these functions,
// so the rules live in one place and are tested here at their boundary dates.
import type { AddressStatus, ReturnIntent } from '../feeds/feed-record.ts'

/** The day a person reaches `years` of age. A 29 February birthday falls on 28 February in a common year. */
export function birthdayAt(dateOfBirth: string, years: number): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(y + years, m - 1, d))
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0)
  return target.toISOString().slice(0, 10)
}

/** The same calendar day `years` later (29 February becomes 28 February in a common year). */
export const addYears = birthdayAt

/** When a record is due for archiving: the 18th birthday. */
export const archiveDueOn = (dateOfBirth: string): string => birthdayAt(dateOfBirth, 18)

export const ARCHIVE_AGE = 18
/** The latest extended age (reg. 4(2)): the 25th birthday. */
export const MAX_EXTENDED_AGE = 25
/** A child who has died stays on the live index for this long. */
export const YEARS_LIVE_AFTER_DEATH = 1
/** Archived records are readable by the authority's data managers for this long. */
export const YEARS_ARCHIVE_READABLE = 1
/** Archived records are deleted this long after archiving. */
export const YEARS_KEPT_IN_ARCHIVE = 6
/** A child who left England with the intention (or with no known intention) of returning: the window to return in. */
export const YEARS_TO_RETURN_TO_ENGLAND = 3
/** A child who left England with no intention of returning stays on the live index for this long. */
export const YEARS_LIVE_AFTER_LEAVING_FOR_GOOD = 1

export type ArchiveRule = 'age' | 'extended_age' | 'death' | 'left_england'
export const ARCHIVE_RULES: readonly ArchiveRule[] = ['age', 'extended_age', 'death', 'left_england']

/** What the archive rules read about a child. */
export interface LifecycleFacts {
  readonly dateOfBirth: string
  readonly dateOfDeath: string | null
  readonly retentionExtendedTo: string | null
  readonly addressStatus: AddressStatus
  readonly returnIntent: ReturnIntent | null
  /** The day the child was first known to have left England (child.left_england_on). */
  readonly leftEnglandOn: string | null
}

/**
 * When a live record is to be archived, and why: the earliest of
 * - the 18th birthday, or the extended date when consent extends it (never earlier than the 18th birthday);
 * - a year after the date of death;
 * - for a child who left England: 3 years after leaving when the child intends to return or the intention is
 *   unknown (the window the whereabouts statement covers), 1 year when the child does not intend to return.
 * On the same day, death comes before age, and age before leaving England.
 */
export function archiveDue(facts: LifecycleFacts): { readonly on: string; readonly rule: ArchiveRule } {
  const eighteenth = birthdayAt(facts.dateOfBirth, ARCHIVE_AGE)
  const extended = facts.retentionExtendedTo !== null && facts.retentionExtendedTo > eighteenth
  const candidates: { on: string; rule: ArchiveRule }[] = []
  if (facts.dateOfDeath !== null) candidates.push({ on: addYears(facts.dateOfDeath, YEARS_LIVE_AFTER_DEATH), rule: 'death' })
  candidates.push(extended ? { on: facts.retentionExtendedTo as string, rule: 'extended_age' } : { on: eighteenth, rule: 'age' })
  if (facts.addressStatus === 'left_england' && facts.leftEnglandOn !== null) {
    const years = facts.returnIntent === 'does_not_intend_to_return' ? YEARS_LIVE_AFTER_LEAVING_FOR_GOOD : YEARS_TO_RETURN_TO_ENGLAND
    candidates.push({ on: addYears(facts.leftEnglandOn, years), rule: 'left_england' })
  }
  // Stable: candidates are in priority order, so the earliest date wins and ties keep that order.
  return candidates.reduce((best, c) => (c.on < best.on ? c : best))
}

/** The day an archived record is deleted. */
export const deleteDueOn = (archivedOn: string): string => addYears(archivedOn, YEARS_KEPT_IN_ARCHIVE)

/** The first day an archived record is no longer readable by data managers (its first anniversary). */
export const archiveReadableUntil = (archivedOn: string): string => addYears(archivedOn, YEARS_ARCHIVE_READABLE)

/** The calendar date in England at an instant: birthdays begin at midnight in London, not in UTC. */
export function londonDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

/** Compulsory school age, simplified to whole birthdays: from the 5th birthday to the day before the 16th. */
export function isOfCompulsorySchoolAge(dateOfBirth: string, asOf: string): boolean {
  return birthdayAt(dateOfBirth, 5) <= asOf && asOf < birthdayAt(dateOfBirth, 16)
}

/** A calendar date (YYYY-MM-DD) that exists. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}
