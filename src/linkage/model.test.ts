// Saved models: versioned JSON, checked when read.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../errors.ts'
import { LEVELS } from './comparisons.ts'
import { MODEL_FORMAT, MODEL_VERSION, modelFromParameters, parseModel, serialiseModel } from './model.ts'
import { DEFAULT_SETTINGS, makeSettings, probabilityToWeight, weightToProbability } from './settings.ts'

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
