import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hash32, Rng, WeightedTable } from './prng.ts'

describe('Rng', () => {
  it('gives the same sequence for the same key and another for another key', () => {
    const draw = (...key: Array<string | number>): number[] => {
      const rng = new Rng(...key)
      return Array.from({ length: 5 }, () => rng.next())
    }
    assert.deepEqual(draw('seed', 'household', 1), draw('seed', 'household', 1))
    assert.notDeepEqual(draw('seed', 'household', 1), draw('seed', 'household', 2))
    assert.notDeepEqual(draw('seed', 'household', 1), draw('seed2', 'household', 1))
  })

  it('is uniform on [0, 1) and its helpers stay in range', () => {
    const rng = new Rng('uniform')
    const buckets = new Array<number>(10).fill(0)
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next()
      assert.ok(x >= 0 && x < 1)
      const bucket = Math.floor(x * 10)
      buckets[bucket] = (buckets[bucket] ?? 0) + 1
    }
    for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 500, `bucket ${count}`)
    for (let i = 0; i < 1000; i++) {
      const n = rng.between(3, 5)
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n))
    }
  })

  it('hash32 separates key parts', () => {
    assert.notEqual(hash32('a', 'bc'), hash32('ab', 'c'))
    assert.equal(hash32('x', 1), hash32('x', '1'))
  })
})

describe('WeightedTable', () => {
  it('samples in proportion to the weights', () => {
    const table = new WeightedTable([['a', 1], ['b', 3], ['c', 6]] as const)
    const rng = new Rng('weights')
    const counts = { a: 0, b: 0, c: 0 }
    for (let i = 0; i < 60_000; i++) counts[table.sample(rng)]++
    assert.ok(Math.abs(counts.a / 60_000 - 0.1) < 0.01, `a ${counts.a}`)
    assert.ok(Math.abs(counts.b / 60_000 - 0.3) < 0.01, `b ${counts.b}`)
    assert.ok(Math.abs(counts.c / 60_000 - 0.6) < 0.01, `c ${counts.c}`)
  })

  it('refuses empty tables and non-positive weights', () => {
    assert.throws(() => new WeightedTable([]), RangeError)
    assert.throws(() => new WeightedTable([['a', 0]]), RangeError)
  })
})
