// Bulk linkage end to end on a small population: quality, twins, over-merging, determinism
// (also across worker threads), blocking, saved models and explanations.

import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { blockingRecall, buildBlocking, forEachPair, isCandidatePair, planTasks } from './blocking.ts'
import { sortByWeight } from './cluster.ts'
import { linkRecords } from './engine.ts'
import type { LinkResult } from './engine.ts'
import { evaluateLinkage, twinFalseMerges } from './evaluate.ts'
import { explainPair, explainPrepared, formatExplanation } from './explain.ts'
import { parseModel, Scorer, serialiseModel } from './model.ts'
import { prepareRecords } from './prepare.ts'
import { makeSettings } from './settings.ts'
import { testPopulation } from './test-population.ts'
import type { LinkRecord } from './types.ts'

const settings = makeSettings({ training: { uPairs: 200_000 } })
const population = testPopulation(300, 11)
let result: LinkResult
let entityOf: Int32Array
const entityIds = new Map<string, number>()

before(async () => {
  result = await linkRecords(population.records, { settings, workers: 0 })
  entityOf = Int32Array.from(population.childOf, (c) => {
    if (!entityIds.has(c)) entityIds.set(c, entityIds.size)
    return entityIds.get(c) as number
  })
})

describe('bulk linkage of a small child population', () => {
  it('links records about the same child and almost nothing else', () => {
    const e = evaluateLinkage({ entityOf, clusterOf: result.clusters.clusterOf, pairs: result.pairs, thresholds: settings.thresholds, linkOnly: false, source: result.prepared.columns.source })
    assert.ok(e.pairwise.f1 > 0.97, `pairwise F1 ${e.pairwise.f1}`)
    assert.ok(e.cluster.f1 > 0.96, `cluster F1 ${e.cluster.f1}`)
    assert.ok(e.cluster.precision > 0.995, `cluster precision ${e.cluster.precision}`)
  })

  it('never merges twins or triplets', () => {
    assert.ok(population.multipleBirths.length >= 30)
    const groups = population.multipleBirths.map((g) => g.map((c) => entityIds.get(c) ?? -1))
    assert.deepEqual(twinFalseMerges(entityOf, result.clusters.clusterOf, groups), { groups: groups.length, falseMerges: 0 })
  })

  it('trains m above u where the values agree, and below where they differ', () => {
    for (const c of result.model.comparisons) {
      const first = c.levels[1]
      const last = c.levels[c.levels.length - 1]
      assert.ok(first && first.m > first.u, `${c.name}: ${first?.key} m ${first?.m} u ${first?.u}`)
      assert.ok(last && last.m < last.u, `${c.name}: ${last?.key} m ${last?.m} u ${last?.u}`)
    }
    assert.ok(result.model.prior > 0 && result.model.prior < 0.01)
  })

  it('gives every record a cluster, numbered by first appearance', () => {
    const { clusterOf, count } = result.clusters
    assert.equal(clusterOf.length, population.records.length)
    let next = 0
    for (const c of clusterOf) {
      assert.ok(c <= next)
      if (c === next) next++
    }
    assert.equal(next, count)
  })

  it('is deterministic, and the same with two worker threads as with none', async () => {
    const again = await linkRecords(population.records, { settings, workers: 2 })
    assert.deepEqual(again.clusters.clusterOf, result.clusters.clusterOf)
    assert.deepEqual(again.pairs.a, result.pairs.a)
    assert.deepEqual(again.pairs.weight, result.pairs.weight)
    assert.deepEqual(again.clusters.review, result.clusters.review)
    assert.equal(serialiseModel(again.model), serialiseModel(result.model))
  })

  it('reuses a saved model: same clusters without training', async () => {
    const text = serialiseModel(result.model)
    const reloaded = parseModel(text)
    const again = await linkRecords(population.records, { model: reloaded, workers: 0 })
    assert.deepEqual(again.clusters.clusterOf, result.clusters.clusterOf)
  })

  it('keeps blocking recall high and reports it', () => {
    const recall = blockingRecall(result.blocking, entityOf)
    assert.ok(recall.kept / recall.truePairs > 0.99, `${recall.kept} of ${recall.truePairs}`)
  })
})

describe('explanations', () => {
  it('sum to the pair’s match weight (property over random pairs)', () => {
    const scorer = new Scorer(result.model, result.prepared, 'data')
    const n = result.prepared.columns.n
    fc.assert(fc.property(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), (i, j) => {
      if (i === j) return true
      const e = explainPrepared(result.model, result.prepared, i, j, { scorer })
      const weight = scorer.score(i, j)
      const sum = e.prior.weight + e.steps.reduce((s, x) => s + x.contribution, 0)
      return Math.abs(e.weight - weight) < 1e-9 && Math.abs(sum - weight) < 1e-9 &&
        e.steps.every((s) => s.words.length > 0 && Math.abs(s.contribution - s.weight - s.termFrequency) < 1e-12)
    }), { numRuns: 300 })
  })

  it('say in words what agreed, what differed and what was decided', () => {
    const a: LinkRecord = { source: 'births', recordId: '1', givenName: 'Oliver', familyName: 'Okonkwo-Mensah', dateOfBirth: '2015-03-12', gender: 'M', postcode: 'NT1 2AB', address: '12 High Street' }
    const b: LinkRecord = { source: 'schools', recordId: '9', givenName: 'Ollie', familyName: 'Okonkwo-Mensah', dateOfBirth: '2015-12-03', gender: 'male', postcode: 'NT1 2AB', address: '12 High St' }
    const e = explainPair(result.model, a, b)
    const text = formatExplanation(e)
    assert.match(text, /Given name: forms of the same name/)
    assert.match(text, /Date of birth: day and month exchanged/)
    assert.match(text, /Family name: the same — (very )?strong evidence for the same child/)
    assert.match(text, /Starting point: two records picked at random/)
    assert.match(e.summary, /^Total match weight [+−]?\d/)
    assert.equal(e.outcome, 'link')
    const hidden = explainPair(result.model, a, b, { values: false })
    assert.ok(hidden.steps.every((s) => s.values === undefined))
  })

  it('name the safeguard for possible twins', () => {
    const base = { familyName: 'Turner', dateOfBirth: '2014-03-12', postcode: 'NT3 5QD', address: '35 High Street' }
    const e = explainPair(result.model, { source: 'a', recordId: '1', givenName: 'Oliver', ...base }, { source: 'b', recordId: '2', givenName: 'George', ...base })
    assert.equal(e.outcome, 'no-link')
    assert.match(e.guards.join(' '), /twins or triplets/)
  })
})

describe('clustering does not over-merge', () => {
  const base = { familyName: 'Turner', dateOfBirth: '2014-03-12', postcode: 'NT3 5QD', address: '35 High Street', gender: 'female' }
  it('keeps twins apart and sends a record that could be either twin to review', async () => {
    const twins: LinkRecord[] = [
      { source: 'births', recordId: 'b1', givenName: 'Lily', ...base },
      { source: 'health', recordId: 'h1', givenName: 'Lily', ...base },
      { source: 'schools', recordId: 's1', givenName: 'Lily', ...base },
      { source: 'births', recordId: 'b2', givenName: 'Lila', ...base },
      { source: 'health', recordId: 'h2', givenName: 'Lila', ...base },
      { source: 'schools', recordId: 's2', givenName: 'Lila', ...base },
      // a newborn placeholder: it could be either twin
      { source: 'youth', recordId: 'y1', givenName: 'Baby', ...base },
    ]
    const r = await linkRecords([...population.records, ...twins], { model: result.model, workers: 0 })
    const n = population.records.length
    const c = (k: number): number => r.clusters.clusterOf[n + k] as number
    assert.equal(c(0), c(1))
    assert.equal(c(0), c(2))
    assert.equal(c(3), c(4))
    assert.equal(c(3), c(5))
    assert.notEqual(c(0), c(3))
    assert.notEqual(c(6), c(0))
    assert.notEqual(c(6), c(3))
    assert.ok(r.clusters.review.some((p) => p.a === n + 6 || p.b === n + 6), 'the placeholder record is sent to review')
  })

  it('keeps twins named Henry and Harry (a full name and its familiar form) apart', async () => {
    const home = { ...base, gender: 'male', carers: 'Lisa Cotwood; Jonathan Cotwood', familyName: 'Cotwood' }
    const twins: LinkRecord[] = [
      { source: 'births', recordId: 'hb', givenName: 'Henry', middleNames: 'Finley Rafael', ...home },
      { source: 'health', recordId: 'hh', givenName: 'Henry', ...home, carers: undefined },
      { source: 'schools', recordId: 'hs', givenName: 'Henry', middleNames: 'Finley Rafael', ...home },
      { source: 'births', recordId: 'rb', givenName: 'Harry', middleNames: 'Edward', ...home },
      { source: 'health', recordId: 'rh', givenName: 'Harry', ...home, carers: undefined },
      { source: 'schools', recordId: 'rs', givenName: 'Harry', middleNames: 'Edward', ...home },
      { source: 'youth', recordId: 'ry', givenName: 'Harry', ...home, postcode: undefined },
    ]
    const r = await linkRecords([...population.records, ...twins], { model: result.model, workers: 0 })
    const n = population.records.length
    const henry = new Set([0, 1, 2].map((k) => r.clusters.clusterOf[n + k]))
    for (const k of [3, 4, 5, 6]) assert.ok(!henry.has(r.clusters.clusterOf[n + k] as number), `${twins[k]?.recordId} is in a cluster with a Henry record`)
  })

  it('does not chain strangers through a record that looks like both', async () => {
    const chain: LinkRecord[] = [
      { source: 'a', recordId: '1', givenName: 'Jack', familyName: 'Price', dateOfBirth: '2012-05-01', postcode: 'NT4 4AA', address: '1 Mill Lane' },
      { source: 'b', recordId: '2', givenName: 'J', familyName: 'Price', dateOfBirth: '2012-05-01', postcode: 'NT4 4AA', address: '1 Mill Lane' },
      { source: 'c', recordId: '3', givenName: 'James', familyName: 'Price', dateOfBirth: '2012-05-01', postcode: 'NT4 4AA', address: '1 Mill Lane' },
    ]
    const r = await linkRecords([...population.records, ...chain], { model: result.model, workers: 0 })
    const n = population.records.length
    assert.notEqual(r.clusters.clusterOf[n], r.clusters.clusterOf[n + 2])
  })
})

describe('ordering links', () => {
  it('sorts by weight, strongest first, keeping the order of equal weights (property)', () => {
    fc.assert(fc.property(fc.array(fc.float({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }), (ws) => {
      const weight = Float32Array.from(ws)
      const idx = Uint32Array.from(ws.keys())
      const sorted = [...sortByWeight(idx, weight)]
      const expected = [...idx].sort((x, y) => (weight[y] as number) - (weight[x] as number) || x - y)
      return sorted.every((v, i) => v === expected[i] || Object.is(weight[v], weight[expected[i] as number]))
    }), { numRuns: 200 })
  })
})

describe('blocking', () => {
  const p = prepareRecords(population.records)
  const blocking = buildBlocking(p, settings.blocking, settings.maxBlockSize, false)
  it('generates each candidate pair once across all rules', () => {
    const seen = new Set<number>()
    let count = 0
    blocking.rules.forEach((rule, r) => {
      forEachPair(blocking, r, 0, rule.blockOffsets.length - 1, (a, b) => {
        assert.ok(a !== b)
        const key = Math.min(a, b) * 1_000_000 + Math.max(a, b)
        assert.ok(!seen.has(key), `pair ${a}, ${b} generated twice`)
        seen.add(key)
        assert.ok(isCandidatePair(blocking, a, b))
        count++
      })
    })
    assert.ok(count > population.records.length)
  })
  it('tasks cover every block exactly once', () => {
    const tasks = planTasks(blocking, 500)
    blocking.rules.forEach((rule, r) => {
      const mine = tasks.filter((t) => t.rule === r)
      let next = 0
      for (const t of mine) {
        assert.equal(t.from, next)
        next = t.to
      }
      assert.equal(next, rule.blockOffsets.length - 1)
    })
  })
  it('skips blocks above the cap and counts them', () => {
    const records = Array.from({ length: 30 }, (_, i) => ({ source: 's', recordId: String(i), dateOfBirth: '2015-01-01', givenName: i < 25 ? 'Amy' : 'Zoe' }))
    const b = buildBlocking(prepareRecords(records), [{ keys: ['dob', 'given-initial'] }], 10, false)
    const stats = b.rules[0]?.stats
    assert.equal(stats?.oversizedBlocks, 1)
    assert.equal(stats?.recordsInOversizedBlocks, 25)
    assert.equal(stats?.pairs, 10)
  })
})
