// Synthetic identifiers: NHS numbers, unique pupil numbers (UPNs) and opaque record IDs.
// Each is a keyed bijection of a sequence number, so identifiers are unique without any shared
// counter (a household can be generated alone) and look random rather than sequential.

import { hash32 } from './prng.ts'

function fmix32(value: number): number {
  let h = value
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * A keyed permutation of [0, domain): a 4-round balanced Feistel network over the smallest
 * even-bit power of two that holds the domain, with cycle-walking back into the domain.
 */
export function permute(value: number, domain: number, key: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value >= domain) throw new RangeError(`${value} is outside [0, ${domain})`)
  let bits = 2
  while (2 ** bits < domain) bits += 2
  const half = bits / 2
  const size = 2 ** half
  const mask = size - 1
  let x = value
  do {
    let left = Math.floor(x / size)
    let right = x % size
    for (let round = 0; round < 4; round++) {
      const f = fmix32(right ^ Math.imul(key + round, 0x9e3779b1)) & mask
      const next = (left ^ f) >>> 0
      left = right
      right = next
    }
    x = left * size + right
  } while (x >= domain)
  return x
}

// NHS numbers: 9 digits and a modulus-11 check digit (weights 10..2; 11 → 0; 10 is never issued).

export function nhsCheckDigit(nineDigits: string): number | null {
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 11) return 0
  return check === 10 ? null : check
}

export function isValidNhsNumber(value: string): boolean {
  return /^\d{10}$/.test(value) && nhsCheckDigit(value) === Number(value[9])
}

/**
 * Numbers starting with 9 are never issued to patients (England issues 4xx and 6xx–7xx; 999 is
 * the test range). A '9' prefix and 7 free digits give 10^7 prefixes, and every prefix has at
 * least nine final digits with a valid check digit, so the space holds 90 million children.
 * (A '99' prefix would hold only 9 million: fewer than England's 12 million children.)
 */
export const NHS_NUMBER_CAPACITY = 90_000_000

export function syntheticNhsNumber(index: number, seed: string): string {
  const slot = permute(index, NHS_NUMBER_CAPACITY, hash32(seed, 'nhs-number'))
  const prefix = `9${String(Math.floor(slot / 9)).padStart(7, '0')}`
  let remaining = slot % 9
  for (let digit = 0; digit < 10; digit++) {
    const check = nhsCheckDigit(`${prefix}${digit}`)
    if (check === null) continue
    if (remaining === 0) return `${prefix}${digit}${check}`
    remaining--
  }
  throw new Error('unreachable: every NHS prefix has nine valid final digits')
}

// UPNs (DfE): check letter, 3-digit LA number, 4-digit establishment number, 2-digit year of
// allocation, 3-digit serial. The check letter is the weighted sum (weights 2..13) of characters
// 2–13, modulo 23, as a letter of this alphabet (I, O and S are never used).

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'

export function upnCheckLetter(body: string): string {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string
    const value = ch >= '0' && ch <= '9' ? Number(ch) : UPN_LETTERS.indexOf(ch)
    sum += value * (i + 2)
  }
  return UPN_LETTERS[sum % 23] as string
}

/** Validates a permanent UPN (temporary UPNs, with a letter in position 13, are never generated). */
export function isValidUpn(value: string): boolean {
  return /^[A-HJ-NP-RT-Z]\d{12}$/.test(value) && upnCheckLetter(value.slice(1)) === value[0]
}

/** Children one authority can number: establishment numbers 2000–9999, serials 000–999. */
export const UPN_CAPACITY_PER_AUTHORITY = 8_000_000

/**
 * A UPN for the index-th child of an authority. Real UPNs carry the allocating school's
 * establishment number; here the (establishment, serial) pair is a keyed bijection of the index,
 * so UPNs are unique without per-school counters (children move school, so a UPN's establishment
 * rarely matches the current school in real data either).
 */
export function syntheticUpn(laNumber: number, index: number, allocationYear: number, seed: string): string {
  const slot = permute(index, UPN_CAPACITY_PER_AUTHORITY, hash32(seed, 'upn', laNumber))
  const establishment = 2000 + Math.floor(slot / 1000)
  const body = `${String(laNumber).padStart(3, '0')}${establishment}${String(allocationYear % 100).padStart(2, '0')}${String(slot % 1000).padStart(3, '0')}`
  return `${upnCheckLetter(body)}${body}`
}

/** Opaque per-source record IDs: a permutation of (child number, copy) into 9 digits. */
export const RECORD_ID_CAPACITY = 1_000_000_000

export function recordId(prefix: string, childNumber: number, copy: number, key: number): string {
  return `${prefix}${String(permute(childNumber * 2 + copy, RECORD_ID_CAPACITY, key)).padStart(9, '0')}`
}

/** UK postcode format (outward code, space, inward code), as written by the generator. */
export const POSTCODE_PATTERN = /^[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$/

export function isValidPostcode(value: string): boolean {
  return POSTCODE_PATTERN.test(value)
}
