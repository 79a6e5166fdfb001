// The ContactPoint ID: 12 digits, the last a Damm check digit. Damm detects every single-digit
// error and every adjacent transposition (Luhn misses 09↔90), which matters for an ID read out
// over the phone. 12 digits, shown as three groups of four, cannot be mistaken for an NHS number
// (10 digits, 3-3-4). IDs are random, not sequential, so they reveal nothing about the child.
import { randomInt } from 'node:crypto'
import { AppError } from '../errors.ts'

const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const

const SHAPE = /^[1-9]\d{11}$/

/** The Damm check digit of a string of digits. */
export function dammCheckDigit(digits: string): number {
  let interim = 0
  for (const ch of digits) interim = DAMM[interim]?.[Number(ch)] ?? 0
  return interim
}

export function isValidContactPointId(id: string): boolean {
  return SHAPE.test(id) && dammCheckDigit(id) === 0
}

/** Accepts what a person types or reads out ("1234 5678 9012", "1234-5678-9012") and returns the canonical digits. */
export function parseContactPointId(input: string): string {
  const digits = input.replace(/[\s-]/g, '')
  if (!/^\d+$/.test(digits)) throw invalid('A ContactPoint ID contains only digits')
  if (digits.length !== 12) throw invalid('A ContactPoint ID is 12 digits long')
  if (!isValidContactPointId(digits)) throw invalid('This is not a valid ContactPoint ID: check the digits')
  return digits
}

export function formatContactPointId(id: string): string {
  return `${id.slice(0, 4)} ${id.slice(4, 8)} ${id.slice(8)}`
}

/** A new random ID. Uniqueness is enforced by the database; callers retry on a collision. */
export function newContactPointId(random: (min: number, max: number) => number = randomInt): string {
  const body = `${random(1, 10)}${String(random(0, 10_000_000_000)).padStart(10, '0')}`
  return body + String(dammCheckDigit(body))
}

const invalid = (message: string): AppError => new AppError('invalid_contactpoint_id', message)
