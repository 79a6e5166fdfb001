// Saved models: versioned JSON, checked when read.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../errors.ts'
import { LEVELS } from './comparisons.ts'
import { MODEL_FORMAT, MODEL_VERSION, modelFromParameters, parseModel, serialiseModel } from './model.ts'
import fc from 'fast-check'
import { DEFAULT_SETTINGS, makeSettings, probabilityToWeight, THRESHOLD_VARIABLES, thresholdsFromConfig, weightToProbability } from './settings.ts'

const model = modelFromParameters(DEFAULT_SETTINGS, 1e-4, DEFAULT_SETTINGS.comparisons.map((c) => {
  const n = LEVELS[c.kind].length
  return { m: Array.from({ length: n }, (_, l) => (l === 0 ? 1 : 1 / (n - 1))), u: Array.from({ length: n }, (_, l) => (l === 0 ? 1 : 1 / (n - 1))) }
}))

describe('saved models', () => {
  it('round-trip through JSON byte for byte', () => {
    const text = serialiseModel(model)
    assert.equal(serialiseModel(parseModel(text)), text)
    assert.equal(JSON.parse(text).format, MODEL_FORMAT)
    assert.equal(JSON.parse(text).version, MODEL_VERSION)
  })
  const broken: [string, (m: Record<string, unknown>) => unknown, RegExp][] = [
    ['not JSON', () => '{', /is not valid JSON/],
    ['another format', (m) => ({ ...m, format: 'splink' }), /is not a ContactPoint linkage model/],
    ['another version', (m) => ({ ...m, version: 99 }), /model format version 99; this engine reads version 1/],
    ['an m outside (0, 1]', (m) => ({ ...m, comparisons: (m.comparisons as { levels: { m: number }[] }[]).map((c, i) => (i === 0 ? { ...c, levels: c.levels.map((l, k) => (k === 1 ? { ...l, m: 0 } : l)) } : c)) }), /Given name level "exact" has m or u outside/],
    ['settings that do not match the parameters', (m) => ({ ...m, comparisons: (m.comparisons as unknown[]).slice(1) }), /one set of parameters per comparison/],
    ['a threshold that is not a probability', (m) => ({ ...m, settings: { ...(m.settings as object), thresholds: { link: 2, review: 0.5 } } }), /the link threshold must be a probability/],
  ]
  for (const [what, change, message] of broken) {
    it(`refuses ${what}`, () => {
      const changed = change(JSON.parse(serialiseModel(model)))
      const text = typeof changed === 'string' ? changed : JSON.stringify(changed)
      assert.throws(() => parseModel(text, 'model.json'), (e: unknown) => e instanceof AppError && message.test(e.message))
    })
  }
})

describe('settings', () => {
  it('validate thresholds, comparisons and blocking keys', () => {
    assert.throws(() => makeSettings({ thresholds: { link: 0.5, review: 0.9 } }), /must not be above the link threshold/)
    assert.throws(() => makeSettings({ blocking: [{ keys: ['shoe-size' as never] }] }), /unknown blocking key part "shoe-size"/)
    assert.throws(() => makeSettings({ comparisons: [{ kind: 'extra-exact' }] }), /needs a field/)
  })
  it('convert between probability and match weight', () => {
    assert.equal(probabilityToWeight(0.5), 0)
    assert.ok(Math.abs(weightToProbability(probabilityToWeight(0.99)) - 0.99) < 1e-12)
  })
})

describe('thresholds from configuration', () => {
  const good: [string, Parameters<typeof thresholdsFromConfig>[0], { link: number; review: number }][] = [
    ['nothing set: the defaults', {}, { link: 0.99, review: 0.5 }],
    ['empty text: the defaults', { link: '', review: '  ' }, { link: 0.99, review: 0.5 }],
    ['both as text', { link: '0.995', review: '0.4' }, { link: 0.995, review: 0.4 }],
    ['both as numbers', { link: 0.9, review: 0.9 }, { link: 0.9, review: 0.9 }],
    ['only the link threshold', { link: '.999' }, { link: 0.999, review: 0.5 }],
    ['only the review threshold', { review: 0.2 }, { link: 0.99, review: 0.2 }],
  ]
  for (const [what, config, expected] of good) it(`accepts ${what}`, () => assert.deepEqual(thresholdsFromConfig(config), expected))

  const bad: [string, Parameters<typeof thresholdsFromConfig>[0], RegExp][] = [
    ['a link threshold of 1', { link: '1' }, /LINKAGE_LINK_THRESHOLD must be a probability strictly between 0 and 1/],
    ['a review threshold of 0', { review: 0 }, /LINKAGE_REVIEW_THRESHOLD must be a probability/],
    ['text that is not a number', { link: 'high' }, /LINKAGE_LINK_THRESHOLD .* not "high"/],
    ['a percentage', { link: '99' }, /LINKAGE_LINK_THRESHOLD/],
    ['a negative number', { review: '-0.1' }, /LINKAGE_REVIEW_THRESHOLD/],
    ['trailing text', { link: '0.99x' }, /LINKAGE_LINK_THRESHOLD/],
    ['not a number', { link: Number.NaN }, /LINKAGE_LINK_THRESHOLD/],
    ['review above link', { link: '0.8', review: '0.9' }, /LINKAGE_REVIEW_THRESHOLD \(0.9\) must not be above LINKAGE_LINK_THRESHOLD \(0.8\)/],
  ]
  for (const [what, config, message] of bad) {
    it(`refuses ${what}, naming the variable`, () => {
      assert.throws(() => thresholdsFromConfig(config), (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && message.test(e.message) && e.fields.length > 0)
    })
  }

  it('any two probabilities in order are accepted as they are, out of order refused (property)', () => {
    const p = fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true })
    fc.assert(fc.property(p, p, (x, y) => {
      const [review, link] = x <= y ? [x, y] : [y, x]
      assert.deepEqual(thresholdsFromConfig({ link, review }), { link, review })
      assert.deepEqual(thresholdsFromConfig({ link: String(link), review: String(review) }), { link, review })
      if (review < link) assert.throws(() => thresholdsFromConfig({ link: review, review: link }), AppError)
    }))
  })

  it('suggests the variable names and gives settings that validate', () => {
    assert.deepEqual(THRESHOLD_VARIABLES, { link: 'LINKAGE_LINK_THRESHOLD', review: 'LINKAGE_REVIEW_THRESHOLD' })
    assert.doesNotThrow(() => makeSettings({ thresholds: thresholdsFromConfig({ link: '0.97', review: '0.3' }) }))
  })
})
