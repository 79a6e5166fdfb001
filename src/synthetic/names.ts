// Name samplers built once from the frequency tables in data/.

import { ADULT_GIVEN_NAMES, GIVEN_NAMES } from './data/given-names.ts'
import type { Origin, OriginCode } from './data/origins.ts'
import { ORIGINS } from './data/origins.ts'
import { SURNAME_PARTS, SURNAMES } from './data/surnames.ts'
import type { Rng } from './prng.ts'
import { WeightedTable } from './prng.ts'

export type Sex = 'female' | 'male'

/** Splits a ':'-separated list (names that contain spaces), dropping blanks. */
export function splitList(text: string): string[] {
  return text.split(':').map((item) => item.trim().replace(/\s+/g, ' ')).filter((item) => item !== '')
}

/**
 * Parses "Name:weight Name:weight" (whitespace-separated). Entries without a weight get a Zipf
 * weight from their rank, scaled so the top entry weighs 1000.
 */
export function parseFrequencyTable(text: string): Array<[string, number]> {
  return text.trim().split(/\s+/).map((entry, rank) => {
    const [name, weight] = entry.split(':') as [string, string | undefined]
    return [name, weight === undefined ? 1000 / (rank + 1) : Number(weight)]
  })
}

function table(text: string): WeightedTable<string> {
  return new WeightedTable(parseFrequencyTable(text))
}

function words(text: string): string[] {
  return text.trim().split(/\s+/)
}

const GIVEN = Object.fromEntries(Object.entries(GIVEN_NAMES).map(([code, lists]) =>
  [code, { female: table(lists.female), male: table(lists.male) }])) as Record<OriginCode, Record<Sex, WeightedTable<string>>>
const ADULT = { female: table(ADULT_GIVEN_NAMES.female), male: table(ADULT_GIVEN_NAMES.male) }
const FAMILY = Object.fromEntries(Object.entries(SURNAMES).map(([code, text]) => [code, table(text)])) as Record<OriginCode, WeightedTable<string>>
const TAIL_PREFIXES = words(SURNAME_PARTS.prefixes)
const TAIL_SUFFIXES = words(SURNAME_PARTS.suffixes)
const ORIGIN_TABLE = new WeightedTable(ORIGINS.map((origin) => [origin, origin.share] as const))

/** Share of English-origin surnames drawn from the composed long tail (Ashworth, Holcroft…). */
const LONG_TAIL_SHARE = 0.12

export function drawOrigin(rng: Rng): Origin {
  return ORIGIN_TABLE.sample(rng)
}

export function drawGivenName(rng: Rng, origin: Origin, sex: Sex): string {
  const code = rng.chance(origin.englishGiven) ? 'english' : origin.code
  return GIVEN[code][sex].sample(rng)
}

/** Parents and grandparents: English families draw from their own generation's names. */
export function drawAdultGivenName(rng: Rng, origin: Origin, sex: Sex): string {
  return origin.code === 'english' ? ADULT[sex].sample(rng) : drawGivenName(rng, origin, sex)
}

export function drawSurname(rng: Rng, origin: Origin): string {
  if (origin.code === 'english' && rng.chance(LONG_TAIL_SHARE)) {
    const prefix = rng.pick(TAIL_PREFIXES)
    const suffix = rng.pick(TAIL_SUFFIXES)
    return `${prefix}${prefix.endsWith(suffix[0] as string) ? suffix.slice(1) : suffix}`
  }
  return FAMILY[origin.code].sample(rng)
}

/** Polish surnames agree with the holder's sex: Kowalski (he), Kowalska (she). */
export function surnameForSex(surname: string, sex: Sex, origin: Origin): string {
  if (!origin.feminineSurnames) return surname
  return sex === 'female' ? surname.replace(/(ski|cki|dzki)$/, (ending) => `${ending.slice(0, -1)}a`) : surname
}

/** Every given name in the tables, for validation and tests. */
export function allGivenNames(sex: Sex): Set<string> {
  const names = new Set<string>(ADULT[sex].values)
  for (const tables of Object.values(GIVEN)) for (const name of tables[sex].values) names.add(name)
  return names
}
