// Reading practitioners' forms: GOV.UK date inputs, lengths, phone and email shapes. Pure.
import type { FieldProblem } from '../errors.ts'

export const MAX_TEXT = 500

/** Day, month and year fields to an ISO date, or a problem addressed to the day field. */
export function readDate(day: string, month: string, year: string, field: string, label: string, problems: FieldProblem[]): string | null {
  const [d, m, y] = [day.trim(), month.trim(), year.trim()]
  if (!d && !m && !y) {
    problems.push({ field: `${field}-day`, message: `Enter ${label}` })
    return null
  }
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
    problems.push({ field: `${field}-day`, message: `${capitalise(label)} must be a real date, like 27 3 2024` })
    return null
  }
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  const date = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
    problems.push({ field: `${field}-day`, message: `${capitalise(label)} must be a real date` })
    return null
  }
  return iso
}

export function requiredText(value: string, field: string, missing: string, max: number, problems: FieldProblem[]): string {
  const text = value.trim()
  if (!text) problems.push({ field, message: missing })
  else if (text.length > max) problems.push({ field, message: `${capitalise(missing.replace(/^Enter (the |your |a |an )?/, ''))} must be ${max} characters or fewer` })
  return text
}

export function optionalText(value: string, field: string, label: string, max: number, problems: FieldProblem[]): string | null {
  const text = value.trim()
  if (text.length > max) problems.push({ field, message: `${capitalise(label)} must be ${max} characters or fewer` })
  return text || null
}

const PHONE = /^\+?[0-9 ()-]{6,20}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function optionalPhone(value: string, field: string, problems: FieldProblem[]): string | null {
  const text = value.trim()
  if (text && !PHONE.test(text)) problems.push({ field, message: 'Enter a phone number, like 01632 960 001 or 07700 900 982' })
  return text || null
}

export function optionalEmail(value: string, field: string, problems: FieldProblem[]): string | null {
  const text = value.trim()
  if (text && (!EMAIL.test(text) || text.length > 200)) problems.push({ field, message: 'Enter an email address in the correct format, like name@example.com' })
  return text || null
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
