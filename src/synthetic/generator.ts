// The in-memory API: the world, and the population household by household. Households are
// generated in order, one at a time, so a caller holds only the household in hand.

import type { SourceRecord } from './observe.ts'
import { observeHousehold } from './observe.ts'
import type { PopulationOptions } from './options.ts'
import { resolveOptions } from './options.ts'
import type { BirthEvent, HouseholdInfo, TrueChild } from './population.ts'
import { birthPlan, generateHousehold } from './population.ts'
import type { World } from './world.ts'
import { authorityOfChild, createWorld } from './world.ts'

export interface GeneratedHousehold {
  readonly household: HouseholdInfo
  readonly children: readonly TrueChild[]
  /** Every source record of the household's children, each with its true child's key. */
  readonly records: readonly SourceRecord[]
}

/** The authorities, organisations and sources catalogue for these options. */
export function buildWorld(options: PopulationOptions): World {
  return createWorld(resolveOptions(options))
}

/** Cuts a birth plan down to `room` children (only the last household of a population is cut). */
function fit(plan: BirthEvent[], room: number): BirthEvent[] {
  const kept: BirthEvent[] = []
  let total = 0
  for (const event of plan) {
    if (total >= room) break
    kept.push({ ...event, children: Math.min(event.children, room - total) })
    total += event.children
  }
  return kept
}

/**
 * Households in order until the world's number of children is reached. Household i depends only
 * on (seed, i) and the number of its first child, which is the sum of the sizes of households
 * 0..i-1 (birthPlan alone, cheap), so a range of households can be generated independently.
 */
export function* generateHouseholds(world: World): Generator<GeneratedHousehold> {
  const { seed, children: total, referenceDate } = world.options
  let child = 0
  for (let index = 0; child < total; index++) {
    const plan = fit(birthPlan(seed, index, referenceDate), total - child)
    const authority = authorityOfChild(world, child)
    const household = generateHousehold(world, authority, index, child, plan)
    yield { household: household.info, children: household.children, records: observeHousehold(world, authority, household) }
    child += household.children.length
  }
}
