import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ADDRESS_STATUSES, CARER_RELATIONSHIPS, GENDERS, RETURN_INTENTS, SENSITIVE_SERVICE_TYPES, SERVICE_TYPES } from '../feeds/feed-record.ts'
import { isAscii } from './contact.ts'
import { yearGroup, yearsBetween } from './dates.ts'
import { generateHouseholds, buildWorld } from './generator.ts'
import { isValidNhsNumber, isValidPostcode, isValidUpn } from './identifiers.ts'
import type { TrueChild } from './population.ts'
import { birthPlan, generateHousehold } from './population.ts'
import { authorityOfChild } from './world.ts'

const world = buildWorld({ children: 6000, seed: 'population-test' })
const { referenceDate, seed } = world.options
const households = [...generateHouseholds(world)]
const children = households.flatMap((h) => h.children)
const ISO = /^\d{4}-\d{2}-\d{2}$/
/** Polish surnames agree with sex (Kowalski, Kowalska): compare them by stem. */
const surnameStem = (name: string): string => name.replace(/(sk|ck|dzk)[ia]$/, '$1')

describe('population', () => {
  it('has exactly the children asked for, numbered in order', () => {
    assert.equal(children.length, 6000)
    children.forEach((child, i) => {
      assert.equal(child.number, i)
      assert.equal(child.key, `C${String(i).padStart(9, '0')}`)
    })
  })

  it('can regenerate any household alone from (seed, index) and the sizes before it', () => {
    let first = 0
    for (const { household } of households.slice(0, -1)) {
      assert.equal(household.first_child, first)
      first += birthPlan(seed, household.index, referenceDate).reduce((sum, e) => sum + e.children, 0)
    }
    for (const generated of [households[3], households[250], households[700]]) {
      assert.ok(generated)
      const alone = generateHousehold(world, authorityOfChild(world, generated.household.first_child), generated.household.index,
        generated.household.first_child, birthPlan(seed, generated.household.index, referenceDate))
      assert.deepEqual(alone.children, generated.children)
      assert.deepEqual(alone.info, generated.household)
    }
  })

  it('holds children aged 0 to 17, spread evenly over the ages', () => {
    const perAge = new Array<number>(18).fill(0)
    for (const child of children) {
      assert.match(child.date_of_birth, ISO)
      const age = yearsBetween(child.date_of_birth, referenceDate)
      assert.ok(age >= 0 && age <= 17, `${child.key} is ${age}`)
      perAge[age] = (perAge[age] ?? 0) + 1
      if (child.date_of_death !== null) assert.ok(child.date_of_death >= child.date_of_birth && child.date_of_death <= referenceDate)
    }
    for (const count of perAge) assert.ok(count > 6000 / 18 * 0.8 && count < 6000 / 18 * 1.2, `ages ${perAge.join(' ')}`)
  })

  it('has realistic household sizes', () => {
    const sizes = households.map((h) => h.children.length)
    const share = (test: (n: number) => boolean): number => sizes.filter(test).length / sizes.length
    assert.ok(share((n) => n === 1) > 0.38 && share((n) => n === 1) < 0.5, `one child ${share((n) => n === 1)}`)
    assert.ok(share((n) => n === 2) > 0.33 && share((n) => n === 2) < 0.46)
    assert.ok(share((n) => n >= 3) > 0.1 && share((n) => n >= 3) < 0.24)
  })

  it('gives twins the same date of birth, surname, address and carers, and different given names', () => {
    const groups = new Map<string, TrueChild[]>()
    for (const child of children) if (child.twin_group) groups.set(child.twin_group, [...(groups.get(child.twin_group) ?? []), child])
    assert.ok(groups.size >= 60 && groups.size <= 130, `${groups.size} multiple births`)
    for (const [group, twins] of groups) {
      assert.ok(twins.length === 2 || twins.length === 3, group)
      const [first, ...others] = twins as [TrueChild, ...TrueChild[]]
      assert.equal(group, `T${String(first.number).padStart(9, '0')}`)
      for (const twin of others) {
        assert.equal(twin.household, first.household)
        assert.equal(twin.date_of_birth, first.date_of_birth)
        assert.equal(surnameStem(twin.family_name), surnameStem(first.family_name))
        assert.deepEqual(twin.address, first.address)
        assert.deepEqual(twin.carers, first.carers)
        assert.notEqual(twin.given_name, first.given_name)
      }
    }
  })

  it('gives siblings a shared address and distinct given names', () => {
    for (const { household, children: siblings } of households) {
      assert.equal(new Set(siblings.map((c) => c.given_name)).size, siblings.length)
      for (const child of siblings) {
        assert.equal(child.household, household.id)
        assert.deepEqual(child.address, household.address)
      }
    }
  })

  it('gives valid, unique NHS numbers and UPNs to the right children', () => {
    const nhs = children.map((c) => c.nhs_number).filter((n) => n !== null)
    const upns = children.map((c) => c.upn).filter((n) => n !== null)
    assert.equal(new Set(nhs).size, nhs.length)
    assert.equal(new Set(upns).size, upns.length)
    for (const child of children) {
      if (child.born_in_england) assert.ok(child.nhs_number !== null)
      if (child.nhs_number !== null) assert.ok(isValidNhsNumber(child.nhs_number) && child.nhs_number.startsWith('9'))
      if (child.upn !== null) {
        assert.ok(isValidUpn(child.upn), child.upn)
        assert.ok(yearGroup(child.date_of_birth, referenceDate) >= 0, `${child.key} is too young for a UPN`)
        assert.equal(child.upn.slice(1, 4), '100')
      }
      if (child.involvements.some((i) => i.service_type === 'school')) assert.ok(child.upn !== null)
    }
    assert.ok(nhs.length / children.length > 0.99)
    assert.ok(upns.length / children.length > 0.6 && upns.length / children.length < 0.8)
  })

  it('uses only the vocabularies of the feed format and the organisations of the world', () => {
    const organisations = new Map(world.organisations.map((o) => [o.code, o]))
    for (const child of children) {
      assert.ok((GENDERS as readonly string[]).includes(child.gender))
      for (const address of [child.address, child.previous_address]) {
        if (address === null) continue
        assert.ok((ADDRESS_STATUSES as readonly string[]).includes(address.status))
        if (address.postcode) assert.ok(isValidPostcode(address.postcode), address.postcode)
        if (address.status === 'left_england') assert.ok((RETURN_INTENTS as readonly string[]).includes(address.return_intent ?? ''))
        else assert.equal(address.return_intent ?? null, null)
        if (address.status === 'no_known_address') assert.deepEqual(address.lines, [])
        else assert.ok(address.lines.length > 0 && address.town)
      }
      for (const carer of child.carers) assert.ok((CARER_RELATIONSHIPS as readonly string[]).includes(carer.relationship))
      assert.ok(child.carers.length > 0)
      for (const involvement of child.involvements) {
        assert.ok((SERVICE_TYPES as readonly string[]).includes(involvement.service_type))
        assert.equal(involvement.consent_basis !== null, SENSITIVE_SERVICE_TYPES.includes(involvement.service_type))
        assert.match(involvement.started_on, ISO)
        assert.ok(involvement.started_on <= referenceDate && involvement.started_on >= child.date_of_birth, `${involvement.service_type} ${involvement.started_on}`)
        if (involvement.ended_on) assert.ok(involvement.ended_on >= involvement.started_on && involvement.ended_on <= referenceDate)
        const organisation = organisations.get(involvement.organisation_code)
        assert.ok(organisation, involvement.organisation_code)
        if (involvement.practitioner_name) {
          assert.ok(organisation.practitioners.some((p) => `${p.given_name} ${p.family_name}` === involvement.practitioner_name))
        }
      }
      assert.ok(child.involvements.filter((i) => i.lead_professional).length <= 2)
    }
  })

  it('draws names with diversity and real-world frequencies', () => {
    const surnames = new Map<string, number>()
    for (const child of children) surnames.set(child.family_name, (surnames.get(child.family_name) ?? 0) + 1)
    const top = Math.max(...surnames.values())
    assert.ok(top / children.length < 0.02, `commonest surname holds ${top}`)
    assert.ok(surnames.size > 1200, `${surnames.size} surnames`)
    const has = (test: (c: TrueChild) => boolean): number => children.filter(test).length / children.length
    assert.ok(has((c) => !isAscii(c.given_name + c.family_name)) > 0.01)
    assert.ok(has((c) => /-/.test(c.family_name)) > 0.01)
    assert.ok(has((c) => c.former_family_names.length > 0) > 0.005)
    assert.ok(has((c) => ['Muhammad', 'Mohammed'].includes(c.given_name)) > 0.003)
    assert.ok(has((c) => ['Oliver', 'Amelia', 'Olivia', 'George', 'Harry', 'Noah'].includes(c.given_name)) > 0.02)
    assert.ok(has((c) => c.previous_address !== null) > 0.08)
    assert.ok(has((c) => !c.born_in_england) > 0.02)
  })
})
