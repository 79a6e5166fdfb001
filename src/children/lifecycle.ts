// Dates that govern a record's life: archived at the 18th birthday (or the extended age, up to
// 25, with consent), readable by data managers for a year, deleted six years after archiving.

/** The day a person reaches `years` of age. A 29 February birthday falls on 28 February in a common year. */
export function birthdayAt(dateOfBirth: string, years: number): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(y + years, m - 1, d))
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0)
  return target.toISOString().slice(0, 10)
}

/** When a record is due for archiving: the 18th birthday. */
export const archiveDueOn = (dateOfBirth: string): string => birthdayAt(dateOfBirth, 18)
