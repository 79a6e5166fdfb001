// The errors a source makes when it records a child. Each function takes the value as the source
// would otherwise hold it and returns the erroneous value, or undefined when the error cannot apply
// (so the caller records only errors that changed something).

import { foldToAscii } from './contact.ts'
import { NICKNAMES, SPELLING_VARIANTS } from './data/name-variants.ts'
import { isRealDate } from './dates.ts'
import type { Rng } from './prng.ts'

const VARIANTS_OF = new Map<string, readonly string[]>()
for (const group of SPELLING_VARIANTS) {
  for (const name of group) VARIANTS_OF.set(name, [...(VARIANTS_OF.get(name) ?? []), ...group.filter((n) => n !== name)])
}

export function nickname(rng: Rng, given: string): string | undefined {
  const forms = NICKNAMES[given]
  return forms ? rng.pick(forms) : undefined
}

export function spellingVariant(rng: Rng, given: string): string | undefined {
  const variants = VARIANTS_OF.get(given)
  return variants ? rng.pick(variants) : undefined
}

/** Okonkwo-Mensah → Okonkwo, Mensah, "Okonkwo Mensah", OkonkwoMensah or Mensah-Okonkwo. */
export function doubleBarrelVariant(rng: Rng, family: string): string | undefined {
  const parts = family.split(/[- ]/)
  if (parts.length !== 2) return undefined
  const [first, second] = parts as [string, string]
  const hyphenated = family.includes('-')
  return rng.choose<string>([
    [first, 0.35], [second, 0.2], [hyphenated ? `${first} ${second}` : `${first}-${second}`, 0.25],
    [`${first}${second}`, 0.1], [`${second}${hyphenated ? '-' : ' '}${first}`, 0.1],
  ])
}

export function stripDiacritics(value: string): string | undefined {
  const folded = foldToAscii(value)
  return folded === value ? undefined : folded
}

const KEYBOARD: Readonly<Record<string, string>> = {
  q: 'wa', w: 'qeas', e: 'wrsd', r: 'etdf', t: 'ryfg', y: 'tugh', u: 'yihj', i: 'uojk', o: 'ipkl', p: 'ol',
  a: 'qwsz', s: 'awedxz', d: 'serfcx', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', j: 'huikmn', k: 'jiolm', l: 'kop',
  z: 'asx', x: 'zsdc', c: 'xdfv', v: 'cfgb', b: 'vghn', n: 'bhjm', m: 'njk',
}
/** Letter shapes that scanning and handwriting confuse. */
const OCR_CONFUSIONS: ReadonlyArray<readonly [string, string]> = [
  ['rn', 'm'], ['m', 'rn'], ['cl', 'd'], ['d', 'cl'], ['vv', 'w'], ['w', 'vv'], ['li', 'h'], ['h', 'li'],
  ['e', 'c'], ['c', 'e'], ['a', 'o'], ['o', 'a'], ['n', 'h'], ['u', 'v'], ['i', 'l'], ['l', 'i'],
]
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

function matchCase(original: string, replacement: string): string {
  return original !== original.toLowerCase() ? replacement.toUpperCase() : replacement
}

/** One keying or reading error. The first letter is rarely wrong, as in real data. */
export function typo(rng: Rng, value: string): string | undefined {
  if (value.length < 3) return undefined
  for (let attempt = 0; attempt < 10; attempt++) {
    const at = rng.chance(0.1) ? 0 : 1 + rng.int(value.length - 1)
    const ch = value[at] as string
    const lower = ch.toLowerCase()
    const kind = rng.choose([['substitution', 0.3], ['deletion', 0.25], ['insertion', 0.2], ['transposition', 0.2], ['ocr', 0.05]] as const)
    let result = value
    if (kind === 'substitution') result = value.slice(0, at) + matchCase(ch, rng.pick([...(KEYBOARD[lower] ?? LETTERS)])) + value.slice(at + 1)
    else if (kind === 'deletion') result = value.slice(0, at) + value.slice(at + 1)
    else if (kind === 'insertion') {
      const inserted = rng.chance(0.5) ? lower : rng.pick([...(KEYBOARD[lower] ?? LETTERS)])
      result = value.slice(0, at + 1) + inserted + value.slice(at + 1)
    } else if (kind === 'transposition' && at + 1 < value.length) {
      const next = value[at + 1] as string
      result = value.slice(0, at) + matchCase(ch, next.toLowerCase()) + (at === 0 ? next.toLowerCase() : next) + value.slice(at + 2)
    } else if (kind === 'ocr') {
      const [from, to] = rng.pick(OCR_CONFUSIONS)
      const index = value.indexOf(from, 1)
      if (index > 0) result = value.slice(0, index) + to + value.slice(index + from.length)
    }
    if (result !== value && /\p{L}/u.test(result) && !/[- ']{2}|^[- ']|[- ']$/.test(result)) return result
  }
  return undefined
}

/** Upper or lower case and stray spaces, as legacy systems and hurried keying leave them. */
export function caseNoise(rng: Rng, given: string, family: string): { given: string; family: string } {
  return rng.choose<{ given: string; family: string }>([
    [{ given, family: family.toUpperCase() }, 0.4],
    [{ given: given.toUpperCase(), family: family.toUpperCase() }, 0.25],
    [{ given: given.toLowerCase(), family: family.toLowerCase() }, 0.15],
    [{ given: `${given} `, family }, 0.1],
    [{ given, family: ` ${family.replace('-', ' - ')}` }, 0.1],
  ])
}

/** 2014-03-07 → 2014-07-03; undefined when the day cannot be a month or equals it. */
export function swapDayMonth(date: string): string | undefined {
  const month = date.slice(5, 7)
  const day = date.slice(8, 10)
  return day === month || Number(day) > 12 ? undefined : `${date.slice(0, 4)}-${day}-${month}`
}

/** One wrong digit, still a real date no later than `notAfter`. */
export function dateDigitError(rng: Rng, date: string, notAfter: string): string | undefined {
  const positions = [2, 3, 5, 6, 8, 9]
  for (let attempt = 0; attempt < 20; attempt++) {
    const at = rng.pick(positions)
    const digit = String(rng.int(10))
    if (digit === date[at]) continue
    const candidate = date.slice(0, at) + digit + date.slice(at + 1)
    const [y, m, d] = candidate.split('-').map(Number) as [number, number, number]
    if (isRealDate(y, m, d) && candidate <= notAfter && Math.abs(y - Number(date.slice(0, 4))) <= 10) return candidate
  }
  return undefined
}

/** One wrong digit (not the first) or two adjacent digits exchanged. */
export function identifierTypo(rng: Rng, value: string): string | undefined {
  for (let attempt = 0; attempt < 10; attempt++) {
    const at = 1 + rng.int(value.length - 2)
    const result = rng.chance(0.6)
      ? value.slice(0, at) + String(rng.int(10)) + value.slice(at + 1)
      : value.slice(0, at) + (value[at + 1] as string) + (value[at] as string) + value.slice(at + 2)
    if (result !== value) return result
  }
  return undefined
}
