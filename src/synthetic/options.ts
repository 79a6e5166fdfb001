// Generator options: defaults and validation, shared by the API, the CLI and the benchmark.

import { AppError } from '../errors.ts'
import { UPN_CAPACITY_PER_AUTHORITY } from './identifiers.ts'

export interface PopulationOptions {
  /** Number of children to generate (1 to 20 million). */
  children: number
  /** Any string or number; the same seed and options always give the same population. */
  seed?: string | number
  /** Number of local authorities; by default one below 200,000 children, else one per ~100,000. */
  authorities?: number
  /** "Today" for the population (ages, recent moves, deaths), as YYYY-MM-DD. */
  referenceDate?: string
}

export interface ResolvedOptions {
  readonly children: number
  readonly seed: string
  readonly authorities: number
  readonly referenceDate: string
}

export const DEFAULT_REFERENCE_DATE = '2026-11-24'
export const DEFAULT_SEED = '1'
export const MAX_CHILDREN = 20_000_000
/** England has 153 upper-tier authorities; the generator has 150 LA numbers that no real authority uses. */
export const MAX_AUTHORITIES = 150
const CHILDREN_PER_AUTHORITY = 100_000

export function defaultAuthorities(children: number): number {
  return children < 2 * CHILDREN_PER_AUTHORITY ? 1 : Math.min(MAX_AUTHORITIES, Math.round(children / CHILDREN_PER_AUTHORITY))
}

function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { fields: [{ field, message }] })
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

export function resolveOptions(options: PopulationOptions): ResolvedOptions {
  const { children } = options
  if (!Number.isInteger(children) || children < 1 || children > MAX_CHILDREN) {
    throw invalid('children', `children must be a whole number from 1 to ${MAX_CHILDREN.toLocaleString('en-GB')}`)
  }
  const seed = String(options.seed ?? DEFAULT_SEED)
  if (seed === '') throw invalid('seed', 'seed must not be empty')
  const authorities = options.authorities ?? defaultAuthorities(children)
  if (!Number.isInteger(authorities) || authorities < 1 || authorities > MAX_AUTHORITIES) {
    throw invalid('authorities', `authorities must be a whole number from 1 to ${MAX_AUTHORITIES}`)
  }
  // Authority sizes vary by up to ±40% around the mean, and UPNs number an authority's children.
  if ((children / authorities) * 1.4 > UPN_CAPACITY_PER_AUTHORITY) {
    throw invalid('authorities', `too few authorities: at most ${(UPN_CAPACITY_PER_AUTHORITY / 1.4).toLocaleString('en-GB', { maximumFractionDigits: 0 })} children per authority`)
  }
  const referenceDate = options.referenceDate ?? DEFAULT_REFERENCE_DATE
  if (!isIsoDate(referenceDate)) throw invalid('referenceDate', 'reference date must be a real date written YYYY-MM-DD')
  return { children, seed, authorities, referenceDate }
}
