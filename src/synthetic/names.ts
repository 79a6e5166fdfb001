// Name samplers built once from the frequency tables in data/.

import { ADULT_GIVEN_NAMES, GIVEN_NAMES } from './data/given-names.ts'
import type { Origin, OriginCode } from './data/origins.ts'
import { ORIGINS } from './data/origins.ts'
import { SURNAME_TAILS, SURNAMES } from './data/surnames.ts'
import type { Rng } from './prng.ts'
import { WeightedTable } from './prng.ts'

export type Sex = 'female' | 'male'

/** Splits a ':'-separated list (names that contain spaces), dropping blanks. */
export function splitList(text: string): string[] {
  return text.split(':').map((item) => item.trim().replace(/\s+/g, ' ')).filter((item) => item !== '')
}

/** Name frequencies by rank fall off more gently than 1/rank in a community's own list. */
const ZIPF_EXPONENT = 0.8

const zipf = (rank: number): number => 1000 / (rank + 1) ** ZIPF_EXPONENT

/**
 * Parses "Name:weight Name:weight" (whitespace-separated). Entries without a weight get a Zipf
 * weight from their rank, scaled so the top entry weighs 1000.
 */
export function parseFrequencyTable(text: string): Array<[string, number]> {
  return text.trim().split(/\s+/).map((entry, rank) => {
    const [name, weight] = entry.split(':') as [string, string | undefined]
    return [name, weight === undefined ? zipf(rank) : Number(weight)]
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
const ORIGIN_TABLE = new WeightedTable(ORIGINS.map((origin) => [origin, origin.share] as const))

/** The tail's own gentle slope: its commonest names stay rarer than the table's rarest. */
const TAIL_EXPONENT = 0.25

/** Joins name parts without tripled letters: Cress + stow → Cresstow. */
export function compose(prefix: string, suffix: string): string {
  return prefix.endsWith(suffix[0] as string) ? `${prefix}${suffix.slice(1)}` : `${prefix}${suffix}`
}

/** Every prefix + suffix, weighted by the product of their rank weights. */
function composedTable(prefixes: string, suffixes: string): WeightedTable<string> {
  const entries = new Map<string, number>()
  words(prefixes).forEach((prefix, i) => words(suffixes).forEach((suffix, j) => {
    const name = compose(prefix, suffix)
    entries.set(name, (entries.get(name) ?? 0) + 1 / ((i + 1) * (j + 1)) ** TAIL_EXPONENT)
  }))
  return new WeightedTable([...entries])
}

const TAILS = new Map(Object.entries(SURNAME_TAILS).map(([code, tail]) => [code, { share: tail.share, table: composedTable(tail.prefixes, tail.suffixes) }]))

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
  const tail = TAILS.get(origin.code)
  return tail && rng.chance(tail.share) ? tail.table.sample(rng) : FAMILY[origin.code].sample(rng)
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
