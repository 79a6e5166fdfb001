// People's review decisions fed back: never proposed again (bulk and one record at a time), and
// used as labels to check and adjust m.

import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { adjustWithDecisions, checkWithDecisions, constraintsFor } from './decisions.ts'
import type { PersonDecision, RecordRef } from './decisions.ts'
import { linkRecords } from './engine.ts'
import type { LinkResult } from './engine.ts'
import { scoreIncoming } from './incremental.ts'
import type { Candidate } from './incremental.ts'
import { parseModel, serialiseModel } from './model.ts'
import { makeSettings } from './settings.ts'
import { testPopulation } from './test-population.ts'
import type { LinkRecord } from './types.ts'

const settings = makeSettings({ training: { uPairs: 100_000 } })
const population = testPopulation(200, 23)
const records = population.records
let first: LinkResult

const ref = (i: number): RecordRef => ({ source: (records[i] as LinkRecord).source, recordId: (records[i] as LinkRecord).recordId })

before(async () => {
  first = await linkRecords(records, { settings, workers: 0 })
})

describe('decisions as constraints in bulk clustering', () => {
  it('a pair decided "different children" is kept apart and not proposed again', async () => {
    const review = first.clusters.review[0]
    assert.ok(review, 'the population gives pairs to review')
    const decisions: PersonDecision[] = [{ a: ref(review.a), b: ref(review.b), same: false }]
    const again = await linkRecords(records, { model: first.model, workers: 0, decisions })
    assert.notEqual(again.clusters.clusterOf[review.a], again.clusters.clusterOf[review.b])
    assert.ok(!again.clusters.review.some((r) => r.a === review.a && r.b === review.b), 'the decided pair is not proposed again')
    assert.equal(again.decisionCheck?.differentPairs, 1)
  })

  it('a pair decided "the same child" is put in one cluster and not proposed again', async () => {
    const review = first.clusters.review.find((r) => first.clusters.clusterOf[r.a] !== first.clusters.clusterOf[r.b])
    assert.ok(review)
    const again = await linkRecords(records, { model: first.model, workers: 0, decisions: [{ a: ref(review.b), b: ref(review.a), same: true }] })
    assert.equal(again.clusters.clusterOf[review.a], again.clusters.clusterOf[review.b])
    assert.ok(!again.clusters.review.some((r) => r.a === review.a && r.b === review.b))
    assert.ok(again.clusters.stats.decidedMerges >= 1)
  })

  it('splits two linked records a person said are different children', async () => {
    const { clusterOf } = first.clusters
    let pair: [number, number] | null = null
    for (let i = 0; i < records.length && !pair; i++) for (let j = i + 1; j < records.length && !pair; j++) if (clusterOf[i] === clusterOf[j]) pair = [i, j]
    assert.ok(pair)
    const again = await linkRecords(records, { model: first.model, workers: 0, decisions: [{ a: ref(pair[0]), b: ref(pair[1]), same: false }] })
    assert.notEqual(again.clusters.clusterOf[pair[0]], again.clusters.clusterOf[pair[1]])
  })

  it('always honours "different children"; honours "the same child" unless it contradicts one (property)', async () => {
    const n = records.length
    const decision = fc.record({ a: fc.integer({ min: 0, max: n - 1 }), b: fc.integer({ min: 0, max: n - 1 }), same: fc.boolean() })
    await fc.assert(fc.asyncProperty(fc.array(decision, { minLength: 1, maxLength: 12 }), async (list) => {
      const decisions = list.filter((d) => d.a !== d.b).map((d) => ({ a: ref(d.a), b: ref(d.b), same: d.same }))
      const r = await linkRecords(records, { model: first.model, workers: 0, decisions })
      const c = r.clusters.clusterOf
      let unmet = 0
      for (const d of list) {
        if (d.a === d.b) continue
        if (!d.same) assert.notEqual(c[d.a], c[d.b], 'records decided different share a cluster')
        else if (c[d.a] !== c[d.b]) unmet++
      }
      assert.ok(unmet <= r.clusters.stats.decisionConflicts, 'a "same child" decision was dropped without a conflict')
      for (const p of r.clusters.review) {
        assert.ok(!list.some((d) => Math.min(d.a, d.b) === p.a && Math.max(d.a, d.b) === p.b), 'a decided pair was proposed again')
      }
    }), { numRuns: 8 })
  })

  it('resolves decisions to record numbers and counts those naming unknown records', () => {
    const c = constraintsFor(first.prepared, [
      { a: ref(5), b: ref(2), same: true },
      { a: ref(1), b: ref(3), same: false },
      { a: ref(1), b: { source: 'nowhere', recordId: 'x' }, same: false },
    ])
    assert.deepEqual([...c.mustLink], [2, 5])
    assert.deepEqual([...c.cannotLink], [1, 3])
    assert.equal(c.unmatched, 1)
  })
})

describe('decisions for one incoming record', () => {
  const base = { familyName: 'Turner', dateOfBirth: '2014-03-12', postcode: 'NT3 5QD', address: '35 High Street', gender: 'female' }
  const rec = (source: string, recordId: string, fields: Partial<LinkRecord>): LinkRecord => ({ source, recordId, ...base, ...fields })
  const twins: Candidate[] = [
    { childId: 'LILY', record: rec('births', '1', { givenName: 'Lily' }) },
    { childId: 'LILY', record: rec('health', '2', { givenName: 'Lily' }) },
    { childId: 'LILA', record: rec('births', '3', { givenName: 'Lila' }) },
    { childId: 'LILA', record: rec('health', '4', { givenName: 'Lila' }) },
  ]
  const incoming = rec('youth', '9', { givenName: 'Baby' })

  const table: [string, Candidate[], PersonDecision[], string, string | null][] = [
    ['without decisions, a record that fits either twin goes to review', twins, [], 'review', null],
    ['decided "the same child" as a record of Lily: linked to Lily', twins, [{ a: { source: 'youth', recordId: '9' }, b: { source: 'health', recordId: '2' }, same: true }], 'link', 'LILY'],
    ['decided "different" from Lila: the runner-up is gone, so it links to Lily', twins, [{ a: { source: 'births', recordId: '3' }, b: { source: 'youth', recordId: '9' }, same: false }], 'link', 'LILY'],
    ['decided "different" from both twins: no one left to propose', twins, [
      { a: { source: 'youth', recordId: '9' }, b: { source: 'births', recordId: '1' }, same: false },
      { a: { source: 'youth', recordId: '9' }, b: { source: 'births', recordId: '3' }, same: false },
    ], 'no-link', null],
    ['decisions that disagree go to a person', twins, [
      { a: { source: 'youth', recordId: '9' }, b: { source: 'births', recordId: '1' }, same: true },
      { a: { source: 'youth', recordId: '9' }, b: { source: 'health', recordId: '2' }, same: false },
    ], 'review', 'LILY'],
    ['decided "different" from the child it matches best: not linked to it', [
      { childId: 'C1', record: rec('births', '1', { givenName: 'Amelia' }) },
      { childId: 'C1', record: rec('health', '2', { givenName: 'Amelia' }) },
    ], [{ a: { source: 'youth', recordId: '9' }, b: { source: 'births', recordId: '1' }, same: false }], 'no-link', null],
  ]
  for (const [what, candidates, decisions, outcome, child] of table) {
    it(what, () => {
      const input = candidates[0]?.childId === 'C1' ? rec('youth', '9', { givenName: 'Amelia' }) : incoming
      const d = scoreIncoming(first.model, input, candidates, { decisions })
      assert.equal(d.outcome, outcome, d.reason)
      if (child !== null) assert.equal(d.childId, child)
      for (const c of d.children) if (c.decided === 'different') assert.notEqual(d.childId, c.childId)
    })
  }

  it('takes thresholds from configuration', () => {
    const candidates: Candidate[] = [{ childId: 'C1', record: rec('births', '1', { givenName: 'Amelia' }) }]
    const input = rec('youth', '9', { givenName: 'Amelia', postcode: undefined, address: undefined })
    assert.equal(scoreIncoming(first.model, input, candidates).outcome, 'link')
    assert.equal(scoreIncoming(first.model, input, candidates, { thresholds: { link: 0.999_999_999_9, review: 0.5 } }).outcome, 'review')
  })
})

describe('decisions as labels', () => {
  /** pairs of records of one child, and of two children with the same family name (as people decide them) */
  function labelled(count: number): PersonDecision[] {
    const byChild = new Map<string, number[]>()
    population.childOf.forEach((c, i) => byChild.set(c, [...(byChild.get(c) ?? []), i]))
    const out: PersonDecision[] = []
    for (const list of byChild.values()) {
      if (out.length >= count) break
      if (list.length >= 2) out.push({ a: ref(list[0] as number), b: ref(list[1] as number), same: true })
    }
    return out
  }

  it('compares the model’s m with the share of decided pairs at each level', () => {
    const decisions = labelled(60)
    const check = checkWithDecisions(first.model, first.prepared, decisions)
    assert.equal(check.samePairs, 60)
    assert.equal(check.comparisons.length, first.model.comparisons.length)
    for (const c of check.comparisons) {
      const present = c.levels.slice(1).reduce((s, l) => s + l.labelled, 0)
      if (present === 0) continue
      const total = c.levels.slice(1).reduce((s, l) => s + l.observedM, 0)
      assert.ok(Math.abs(total - 1) < 1e-9, `${c.name}: observed m sums to 1`)
      for (const l of c.levels.slice(1)) {
        // the adjusted m lies between the model's and the observed
        assert.ok(l.adjustedM >= Math.min(l.modelM, l.observedM) - 1e-12 && l.adjustedM <= Math.max(l.modelM, l.observedM) + 1e-12, `${c.name} ${l.key}`)
      }
    }
    const given = check.comparisons.find((c) => c.name === 'Given name')
    assert.ok(given && (given.levels[1]?.observedM ?? 0) > 0.7, 'most decided pairs agree on the given name')
    // true pairs of one child: the model links most of them
    assert.ok(check.disagreements.sameNotLinked < 60 * 0.2)
  })

  it('with no weight on the trained m, the adjusted m is what people decided; the adjusted model saves and reads back', () => {
    const check = checkWithDecisions(first.model, first.prepared, labelled(40), { pseudoPairs: 0 })
    const adjusted = adjustWithDecisions(first.model, check)
    adjusted.comparisons.forEach((c, k) => {
      const levels = check.comparisons[k]?.levels ?? []
      const present = levels.slice(1).reduce((s, l) => s + l.labelled, 0)
      if (present > 0 && levels.slice(1).every((l) => l.labelled > 0)) c.levels.slice(1).forEach((l, i) => assert.ok(Math.abs(l.m - (levels[i + 1]?.observedM ?? 0)) < 1e-5))
    })
    assert.ok(adjusted.training.notes.some((n) => /m adjusted with 40 pairs/.test(n)))
    const text = serialiseModel(adjusted)
    assert.equal(serialiseModel(parseModel(text)), text)
  })

  it('training can adjust m with the decisions (opt-in) and reports the check', async () => {
    const decisions = labelled(50)
    const r = await linkRecords(records, { settings, workers: 0, decisions, adjustWithDecisions: true })
    assert.ok(r.model.training.notes.some((n) => /m adjusted with 50 pairs/.test(n)))
    assert.equal(r.decisionCheck?.samePairs, 50)
  })
})
