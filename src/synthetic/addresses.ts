// Streets, house numbers and postcodes as pure functions of (seed, authority, street), so no
// address list is ever held in memory: an authority with 4,000 streets costs nothing to keep.

import type { FeedAddress } from '../feeds/feed-record.ts'
import { STREET_PARTS } from './data/places.ts'
import { parseFrequencyTable, splitList } from './names.ts'
import { Rng, WeightedTable } from './prng.ts'
import type { Authority } from './world.ts'

const STREET_NAMES = STREET_PARTS.names.trim().split(/\s+/)
const STREET_KINDS = new WeightedTable(parseFrequencyTable(STREET_PARTS.kinds))
const BUILDINGS = splitList(STREET_PARTS.buildings)
/** Letters allowed in the last two places of a postcode. */
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'
/** Houses sharing one postcode unit (about 15 households in real units). */
const HOUSES_PER_POSTCODE = 24
const FLAT_SHARE = 0.18

/** What addressing needs to know of an authority. */
export type AddressArea = Pick<Authority, 'index' | 'name' | 'towns' | 'streetCount'>

interface Street {
  readonly name: string
  readonly town: string
  readonly district: string
  readonly houses: number
}

function street(seed: string, authority: AddressArea, index: number): Street {
  const rng = new Rng(seed, 'street', authority.index, index)
  const name = `${rng.pick(STREET_NAMES)} ${STREET_KINDS.sample(rng)}`
  // The first town is the authority's main town and holds about half the streets.
  const town = rng.chance(0.5) ? authority.towns[0] : rng.pick(authority.towns)
  if (!town) throw new Error(`authority ${authority.name} has no towns`)
  return { name, town: town.name, district: rng.pick(town.districts), houses: rng.between(12, 160) }
}

function postcode(seed: string, authority: AddressArea, streetIndex: number, district: string, houseNumber: number): string {
  const rng = new Rng(seed, 'postcode', authority.index, streetIndex, Math.floor(houseNumber / HOUSES_PER_POSTCODE))
  return `${district} ${rng.int(10)}${rng.pick([...UNIT_LETTERS])}${rng.pick([...UNIT_LETTERS])}`
}

/** A random residential address in the authority, drawn from `rng`. */
export function drawAddress(rng: Rng, seed: string, authority: AddressArea): FeedAddress {
  const streetIndex = rng.int(authority.streetCount)
  const s = street(seed, authority, streetIndex)
  const house = rng.between(1, s.houses)
  const line = `${house} ${s.name}`
  const lines = rng.chance(FLAT_SHARE) ? [`Flat ${rng.between(1, 24)}, ${rng.pick(BUILDINGS)}`, line] : [line]
  return { lines, town: s.town, postcode: postcode(seed, authority, streetIndex, s.district, house), status: 'current' }
}
