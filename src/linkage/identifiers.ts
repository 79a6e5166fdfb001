// Source identifiers that identify a child: the NHS number (10 digits, modulus-11 check digit) and
// the unique pupil number (UPN: a check letter then 12 characters). A valid check means a single
// keying error is very unlikely, so two valid, different numbers almost certainly belong to two
// different children.

/** Digits only, or null when there are none. Spaces and dashes (“943 476 5919”) are common. */
export function standardiseNhsNumber(raw: string | undefined): string | null {
  if (!raw) return null
  const digits = raw.replace(/[\s-]/g, '')
  if (!/^\d+$/.test(digits)) return digits.length > 0 ? digits.toUpperCase() : null
  if (/^0+$/.test(digits)) return null
  return digits
}

/** Modulus 11 with weights 10..2 over the first nine digits; 11 becomes 0 and 10 is never issued. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += (value.charCodeAt(i) - 48) * (10 - i)
  let check = 11 - (sum % 11)
  if (check === 11) check = 0
  if (check === 10) return false
  return check === value.charCodeAt(9) - 48
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'

/** Upper case, no spaces, or null when empty. */
export function standardiseUpn(raw: string | undefined): string | null {
  if (!raw) return null
  const value = raw.replace(/\s/g, '').toUpperCase()
  return value.length > 0 ? value : null
}

/**
 * The DfE check letter: characters 2–13 weighted 2..13 (a letter in position 13 of a temporary UPN
 * counts as its index in the check alphabet), summed modulo 23, read from the check alphabet.
 */
export function upnCheckLetter(body: string): string | null {
  if (!/^\d{11}[0-9A-HJ-NP-RT-Z]$/.test(body)) return null
  let sum = 0
  for (let i = 0; i < 12; i++) {
    const ch = body.charAt(i)
    const value = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : UPN_LETTERS.indexOf(ch)
    sum += value * (i + 2)
  }
  return UPN_LETTERS.charAt(sum % 23)
}

export function isValidUpn(value: string): boolean {
  if (value.length !== 13) return false
  const check = upnCheckLetter(value.slice(1))
  return check !== null && check === value.charAt(0)
}
