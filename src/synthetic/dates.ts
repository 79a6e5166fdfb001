// Calendar arithmetic on ISO dates (YYYY-MM-DD) through day numbers (days since 1970-01-01, UTC).

const MS_PER_DAY = 86_400_000

export function dayNumber(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / MS_PER_DAY
}

export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
}

/** Whole years from `from` to `on` (a child's age on a date). */
export function yearsBetween(from: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(from.slice(0, 4))
  return on.slice(5) < from.slice(5) ? years - 1 : years
}

/** The same day `years` later (29 February becomes 1 March in common years). */
export function addYears(iso: string, years: number): string {
  const date = new Date(Date.UTC(Number(iso.slice(0, 4)) + years, Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))))
  return date.toISOString().slice(0, 10)
}

/** The calendar year in which the English school year holding `iso` began (1 September). */
export function schoolYearStart(iso: string): number {
  const year = Number(iso.slice(0, 4))
  return Number(iso.slice(5, 7)) >= 9 ? year : year - 1
}

/**
 * National Curriculum year group on a date: 0 is Reception (the September after the 4th
 * birthday), 11 is the last compulsory year, 12–13 are the sixth form; negative means pre-school.
 */
export function yearGroup(dateOfBirth: string, on: string): number {
  return schoolYearStart(on) - schoolYearStart(dateOfBirth) - 5
}

export function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}
