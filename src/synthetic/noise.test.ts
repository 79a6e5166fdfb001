import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isRealDate } from './dates.ts'
import { isValidNhsNumber } from './identifiers.ts'
import { caseNoise, dateDigitError, doubleBarrelVariant, identifierTypo, nickname, spellingVariant, stripDiacritics, swapDayMonth, typo } from './noise.ts'
import { Rng } from './prng.ts'

/** Damerau–Levenshtein (optimal string alignment) distance. */
function editDistance(a: string, b: string): number {
  const width = b.length + 1
  const d = new Uint16Array((a.length + 1) * width)
  const at = (i: number, j: number): number => d[i * width + j] ?? 0
  for (let i = 0; i <= a.length; i++) d[i * width] = i
  for (let j = 0; j <= b.length; j++) d[j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1)
      d[i * width + j] = best
    }
  }
  return at(a.length, b.length)
}

describe('typo', () => {
  it('makes one keying or reading error, rarely in the first letter', () => {
    const rng = new Rng('typos')
    let firstLetterChanged = 0
    for (let i = 0; i < 2000; i++) {
      const name = rng.pick(['Oliver', 'Amelia', 'Okonkwo-Mensah', 'Chamberlain', 'Li'.padEnd(3, 'u'), 'Wiśniewski'])
      const result = typo(rng, name)
      assert.ok(result !== undefined && result !== name)
      assert.ok(editDistance(name.toLowerCase(), result.toLowerCase()) <= 2, `${name} → ${result}`)
      if (result[0]?.toLowerCase() !== name[0]?.toLowerCase()) firstLetterChanged++
    }
    assert.ok(firstLetterChanged < 300, `first letter changed ${firstLetterChanged} times`)
    assert.equal(typo(rng, 'Al'), undefined)
  })
})

describe('name variants', () => {
  it('knows nicknames and spellings in common use', () => {
    const rng = new Rng('names')
    assert.ok(['Alex', 'Alfie', 'Xander', 'Sandy'].includes(nickname(rng, 'Alexander') ?? ''))
    assert.ok(['Ollie', 'Olly'].includes(nickname(rng, 'Oliver') ?? ''))
    assert.equal(nickname(rng, 'Zyxq'), undefined)
    const variants = new Set(Array.from({ length: 200 }, () => spellingVariant(rng, 'Muhammad')))
    assert.ok(variants.has('Mohammed') && variants.has('Mohamed') && !variants.has('Muhammad'))
    assert.ok(['Aiden', 'Ayden', 'Aydan'].includes(spellingVariant(rng, 'Aidan') ?? ''))
  })

  it('varies double-barrelled surnames in the ways systems do', () => {
    const rng = new Rng('barrels')
    const seen = new Set(Array.from({ length: 500 }, () => doubleBarrelVariant(rng, 'Okonkwo-Mensah')))
    assert.deepEqual([...seen].sort(), ['Mensah', 'Mensah-Okonkwo', 'Okonkwo', 'Okonkwo Mensah', 'OkonkwoMensah'])
    assert.equal(doubleBarrelVariant(rng, 'Smith'), undefined)
  })

  it('strips accents as ASCII-only systems do', () => {
    assert.equal(stripDiacritics('Zoë'), 'Zoe')
    assert.equal(stripDiacritics('Siobhán'), 'Siobhan')
    assert.equal(stripDiacritics('Nguyễn'), 'Nguyen')
    assert.equal(stripDiacritics('Łucja Wiśniewska'), 'Lucja Wisniewska')
    assert.equal(stripDiacritics('Yılmaz'), 'Yilmaz')
    assert.equal(stripDiacritics("O'Brien"), undefined)
  })

  it('changes case or spacing without changing the letters', () => {
    const rng = new Rng('case')
    for (let i = 0; i < 200; i++) {
      const { given, family } = caseNoise(rng, 'Amelia', 'Smith-Jones')
      assert.equal(given.trim().toLowerCase(), 'amelia')
      assert.equal(family.replace(/\s/g, '').toLowerCase(), 'smith-jones')
      assert.ok(given !== 'Amelia' || family !== 'Smith-Jones')
    }
  })
})

describe('date errors', () => {
  it('swaps day and month only where the day can be a month', () => {
    assert.equal(swapDayMonth('2014-03-07'), '2014-07-03')
    assert.equal(swapDayMonth('2014-03-13'), undefined)
    assert.equal(swapDayMonth('2014-05-05'), undefined)
  })

  it('changes one digit and keeps a real date in the past', () => {
    const rng = new Rng('dates')
    for (let i = 0; i < 1000; i++) {
      const result = dateDigitError(rng, '2015-08-19', '2026-11-24')
      assert.ok(result !== undefined)
      const [y, m, d] = result.split('-').map(Number) as [number, number, number]
      assert.ok(isRealDate(y, m, d) && result <= '2026-11-24')
      assert.equal([...result].filter((ch, k) => ch !== '2015-08-19'[k]).length, 1)
    }
  })
})

describe('identifier typos', () => {
  it('always break the NHS number check digit', () => {
    const rng = new Rng('nhs-typos')
    for (let i = 0; i < 1000; i++) {
      const typoed = identifierTypo(rng, '9434765919')
      assert.ok(typoed !== undefined && typoed !== '9434765919' && typoed.length === 10)
      assert.ok(!isValidNhsNumber(typoed), typoed)
    }
  })
})
