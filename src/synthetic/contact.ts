// Contact details that can never reach a real person: telephone numbers from Ofcom's ranges
// reserved for drama (so they repeat at scale: there are only a thousand of each), and e-mail
// addresses under the reserved .example top-level domain (RFC 2606).

import type { Rng } from './prng.ts'

export function mobileNumber(rng: Rng): string {
  return `07700 900${String(rng.int(1000)).padStart(3, '0')}`
}

export function landlineNumber(rng: Rng): string {
  return `01632 960${String(rng.int(1000)).padStart(3, '0')}`
}

/** Lower-case ASCII for e-mail addresses and slugs: "Siobhán O'Brien" → "siobhan-obrien". */
export function asciiSlug(text: string, separator = '-'): string {
  return foldToAscii(text).toLowerCase().replace(/'/g, '').replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '')
}

const NON_ASCII = /[\u0080-\uffff]/

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text)
}

const UNDECOMPOSABLE: Readonly<Record<string, string>> = {
  ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ß: 'ss', ı: 'i', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE',
}

/** Removes accents the way ASCII-only systems do: Zoë → Zoe, Łucja → Lucja, Nguyễn → Nguyen. */
export function foldToAscii(text: string): string {
  if (isAscii(text)) return text
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[łŁøØđĐßıæÆœŒ]/g, (ch) => UNDECOMPOSABLE[ch] ?? ch)
}

export function personalEmail(rng: Rng, given: string, family: string): string {
  const style = rng.int(4)
  const g = asciiSlug(given, '')
  const f = asciiSlug(family, '')
  const local = style === 0 ? `${g}.${f}` : style === 1 ? `${g}${f}${rng.between(1, 99)}` : style === 2 ? `${g[0] ?? 'x'}${f}` : `${f}.${g}${rng.between(70, 99)}`
  return `${local}@${rng.pick(['example.com', 'example.org', 'example.net'])}`
}
