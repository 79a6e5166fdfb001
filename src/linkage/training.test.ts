// Training: EM recovers known m (and the match share) from simulated agreement patterns; the
// random-pair refinement recovers u and the prior; sampling is deterministic.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { prepareRecords } from './prepare.ts'
import { blockPairs, expectationMaximisation, randomPairs, refineOnRandomPairs, seededRandom } from './training.ts'
import type { PatternCounts } from './training.ts'

interface Truth {
  readonly levelCounts: number[]
  readonly m: number[][]
  readonly u: number[][]
}

/** Simulate `n` pairs, a share `lambda` of them matches; level 0 (missing) with probability `missing`. */
function simulate(t: Truth, n: number, lambda: number, missing: number, seed: number): PatternCounts {
  const r = seededRandom(seed)
  const draw = (probs: readonly number[]): number => {
    let x = r()
    for (let l = 1; l < probs.length; l++) {
      x -= probs[l] as number
      if (x < 0) return l
    }
    return probs.length - 1
  }
  const out: PatternCounts = new Map()
  for (let k = 0; k < n; k++) {
    const match = r() < lambda
    let code = 0
    let radix = 1
    t.levelCounts.forEach((count, c) => {
      const l = r() < missing ? 0 : draw((match ? t.m : t.u)[c] as number[])
      code += l * radix
      radix *= count
    })
    out.set(code, (out.get(code) ?? 0) + 1)
  }
  return out
}

const TRUTH: Truth = {
  levelCounts: [4, 3, 5],
  m: [[0, 0.85, 0.1, 0.05], [0, 0.9, 0.1], [0, 0.7, 0.15, 0.1, 0.05]],
  u: [[0, 0.02, 0.08, 0.9], [0, 0.3, 0.7], [0, 0.01, 0.04, 0.15, 0.8]],
}

const uniform = (counts: readonly number[]): number[][] => counts.map((n) => Array.from({ length: n }, (_, l) => (l === 0 ? 1 : 1 / (n - 1))))

describe('expectation–maximisation', () => {
  it('recovers known m and the share of matches (u fixed)', () => {
    const patterns = simulate(TRUTH, 60_000, 0.2, 0.05, 1)
    const em = expectationMaximisation({
      patterns, levelCounts: TRUTH.levelCounts, include: [true, true, true], u: TRUTH.u,
      mStart: uniform(TRUTH.levelCounts), mPrior: uniform(TRUTH.levelCounts), lambdaStart: 0.5, maxIterations: 200, tolerance: 1e-7,
    })
    assert.ok(em.converged)
    assert.ok(Math.abs(em.lambda - 0.2) < 0.01, `λ = ${em.lambda}`)
    TRUTH.m.forEach((row, c) => row.forEach((m, l) => {
      if (l > 0) assert.ok(Math.abs((em.m[c] as number[])[l] as number - m) < 0.02, `m[${c}][${l}] = ${(em.m[c] as number[])[l]}, expected ${m}`)
    }))
  })

  it('leaves out a comparison the training block forces (include = false)', () => {
    const patterns = simulate(TRUTH, 20_000, 0.3, 0, 2)
    const start = uniform(TRUTH.levelCounts)
    const em = expectationMaximisation({
      patterns, levelCounts: TRUTH.levelCounts, include: [true, false, true], u: TRUTH.u,
      mStart: start, mPrior: start, lambdaStart: 0.5, maxIterations: 100, tolerance: 1e-6,
    })
    assert.deepEqual(em.m[1], start[1])
    assert.ok(Math.abs(((em.m[0] as number[])[1] as number) - 0.85) < 0.03)
  })

  it('recovers m for any well-separated m and u (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.1, max: 0.6, noNaN: true }), (seed, lambda) => {
      const r = seededRandom(seed)
      const normalise = (xs: number[]): number[] => {
        const s = xs.reduce((a, b) => a + b, 0)
        return [0, ...xs.map((x) => x / s)]
      }
      const truth: Truth = {
        levelCounts: [4, 4, 3],
        m: [normalise([6 + r(), 1 + r(), r()]), normalise([6 + r(), 1 + r(), r()]), normalise([5 + r(), r()])],
        u: [normalise([r(), 1 + r(), 6 + r()]), normalise([r(), 1 + r(), 6 + r()]), normalise([r(), 5 + r()])],
      }
      const patterns = simulate(truth, 40_000, lambda, 0.02, seed)
      const em = expectationMaximisation({
        patterns, levelCounts: truth.levelCounts, include: [true, true, true], u: truth.u,
        mStart: uniform(truth.levelCounts), mPrior: uniform(truth.levelCounts), lambdaStart: 0.5, maxIterations: 300, tolerance: 1e-7,
      })
      if (Math.abs(em.lambda - lambda) > 0.02) return false
      return truth.m.every((row, c) => row.every((m, l) => l === 0 || Math.abs(((em.m[c] as number[])[l] as number) - m) < 0.03))
    }), { numRuns: 12 })
  })
})

describe('u and the prior from random pairs', () => {
  it('takes the expected matches out of u and estimates their share', () => {
    const lambda = 0.004
    const patterns = simulate(TRUTH, 300_000, lambda, 0.05, 3)
    const refined = refineOnRandomPairs(patterns, TRUTH.levelCounts, TRUTH.m, uniform(TRUTH.levelCounts), 0.01)
    assert.ok(Math.abs(refined.lambda - lambda) / lambda < 0.25, `λ = ${refined.lambda}`)
    TRUTH.u.forEach((row, c) => row.forEach((u, l) => {
      if (l > 0) assert.ok(Math.abs(((refined.u[c] as number[])[l] as number) - u) < 0.005, `u[${c}][${l}] = ${(refined.u[c] as number[])[l]}, expected ${u}`)
    }))
  })
})

describe('random pairs', () => {
  const p = prepareRecords(Array.from({ length: 50 }, (_, i) => ({ source: i % 3 === 0 ? 'a' : 'b', recordId: String(i) })))
  it('are deterministic for a seed and never pair a record with itself', () => {
    const x = randomPairs(p, 500, 42, false)
    assert.deepEqual(x, randomPairs(p, 500, 42, false))
    assert.notDeepEqual(x, randomPairs(p, 500, 43, false))
    for (let k = 0; k < x.length; k += 2) assert.ok((x[k] as number) < (x[k + 1] as number))
  })
  it('cross sources when linking only', () => {
    const x = randomPairs(p, 500, 7, true)
    for (let k = 0; k < x.length; k += 2) assert.notEqual(p.columns.source[x[k] as number], p.columns.source[x[k + 1] as number])
  })
})

describe('pairs for a training session', () => {
  it('take every k-th pair of the blocks, without listing them all', async () => {
    const { buildRuleBlocks } = await import('./blocking.ts')
    const records = Array.from({ length: 60 }, (_, i) => ({ source: 's', recordId: String(i), dateOfBirth: `2015-01-0${1 + (i % 3)}` }))
    const p = prepareRecords(records)
    const blocks = buildRuleBlocks(p, { keys: ['dob'] }, 100)
    const all: [number, number][] = []
    for (let b = 0; b < blocks.blockOffsets.length - 1; b++) {
      const s = blocks.blockOffsets[b] as number
      const e = blocks.blockOffsets[b + 1] as number
      for (let x = s; x < e; x++) for (let y = x + 1; y < e; y++) all.push([blocks.members[x] as number, blocks.members[y] as number])
    }
    const { pairs, total } = blockPairs(blocks, 100, false, p.columns.source)
    assert.equal(total, all.length)
    const stride = Math.ceil(total / 100)
    const expected = all.filter((_, i) => i % stride === 0).flat()
    assert.deepEqual([...pairs], expected)
  })
})
