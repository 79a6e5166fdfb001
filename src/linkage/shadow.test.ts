// Shadow re-match: what a new model or new thresholds would change, reported and not applied.

import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { linkRecords } from './engine.ts'
import type { TrainedModel } from './model.ts'
import { makeSettings } from './settings.ts'
import { shadowRematch } from './shadow.ts'
import type { LinkedRecord, ShadowReport } from './shadow.ts'
import { testPopulation } from './test-population.ts'

const population = testPopulation(120, 31)
let model: TrainedModel
let linked: LinkedRecord[]

before(async () => {
  const r = await linkRecords(population.records, { settings: makeSettings({ training: { uPairs: 100_000 } }), workers: 0 })
  model = r.model
  linked = population.records.map((record, i) => ({ record, childId: `C${r.clusters.clusterOf[i] as number}` }))
})

function allChanges(r: ShadowReport): number {
  return r.newLinks.length + r.brokenLinks.length + r.newReviews.length + r.resolvedReviews.length
}

describe('shadow re-match', () => {
  it('reports nothing when nothing changes (property over subsets of the records)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 20, max: 200 }), (start, size) => {
      const slice = linked.slice(start % linked.length, (start % linked.length) + size)
      const r = shadowRematch(slice, { model }, { model })
      assert.equal(allChanges(r), 0)
      assert.equal(r.records, slice.length)
    }), { numRuns: 10 })
  })

  it('a stricter link threshold breaks links, and joins nothing', () => {
    const r = shadowRematch(linked, { model }, { model, thresholds: { link: 0.999_999_999, review: 0.5 } })
    assert.ok(r.brokenLinks.length > 0)
    assert.equal(r.newLinks.length, 0)
    for (const c of r.brokenLinks) {
      assert.equal(c.sameChildNow, true)
      assert.equal(c.before.outcome, 'link')
      assert.notEqual(c.after.outcome, 'link')
    }
    assert.ok(r.childrenSplit > 0)
    // pairs that fall below the new link threshold go to review
    assert.ok(r.newReviews.length > 0)
  })

  it('a looser link threshold proposes new links between children, each explained by its weights', () => {
    const r = shadowRematch(linked, { model }, { model, thresholds: { link: 0.5, review: 0.1 } })
    for (const c of r.newLinks) {
      assert.equal(c.sameChildNow, false)
      assert.notEqual(c.before.outcome, 'link')
      assert.equal(c.after.outcome, 'link')
      assert.equal(c.before.weight, c.after.weight, 'same model: same weight, only the decision moved')
    }
    assert.equal(r.brokenLinks.length, 0)
    for (const c of r.resolvedReviews) assert.equal(c.before.outcome, 'review')
  })

  it('a lower review threshold sends more pairs to a person', () => {
    const r = shadowRematch(linked, { model }, { model, thresholds: { link: 0.99, review: 0.000_001 } })
    assert.ok(r.newReviews.length > 0)
    for (const c of r.newReviews) assert.equal(c.before.outcome, 'no-link')
    assert.equal(r.newLinks.length + r.brokenLinks.length, 0)
  })

  it('is pure and deterministic: the same report twice, the input untouched', () => {
    const copy = structuredClone(linked)
    const a = shadowRematch(linked, { model }, { model, thresholds: { link: 0.9, review: 0.3 } })
    const b = shadowRematch(linked, { model }, { model, thresholds: { link: 0.9, review: 0.3 } })
    assert.deepEqual(a, b)
    assert.deepEqual(linked, copy)
  })

  it('compares a different model (a different prior) with the one in use', () => {
    const sceptical: TrainedModel = { ...model, prior: model.prior / 1000 }
    const r = shadowRematch(linked, { model }, { model: sceptical })
    assert.ok(r.brokenLinks.length > 0)
    for (const c of r.brokenLinks) assert.ok(c.after.weight < c.before.weight)
  })
})
