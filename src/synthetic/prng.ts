// Seeded randomness for the generator. Every random choice flows from a key such as
// (seed, 'household', 42), so any household can be regenerated on its own: the output does not
// depend on the order of generation and can later be split across worker threads.

/** cyrb128: a fast 128-bit string hash, used only to turn a key into PRNG state. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

export type KeyPart = string | number

/** A 32-bit hash of a key, for keyed permutations and stable picks. */
export function hash32(...parts: KeyPart[]): number {
  return cyrb128(parts.join('\u001f'))[0]
}

/** sfc32 (Small Fast Chaotic), a 128-bit-state generator that passes PractRand. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(...key: KeyPart[]) {
    ;[this.a, this.b, this.c, this.d] = cyrb128(key.join('\u001f'))
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A float in [0, 1). */
  next(): number {
    this.d = (this.d + 1) | 0
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[this.int(items.length)] as T
  }

  /** Picks by weight from parallel [value, weight] pairs; for short, ad-hoc distributions. */
  choose<T>(options: ReadonlyArray<readonly [T, number]>): T {
    let total = 0
    for (const [, weight] of options) total += weight
    let roll = this.next() * total
    for (const [value, weight] of options) {
      roll -= weight
      if (roll < 0) return value
    }
    const last = options[options.length - 1]
    if (!last) throw new RangeError('choose from an empty list')
    return last[0]
  }
}

/** A fixed weighted distribution, sampled in O(log n) by binary search on cumulative weights. */
export class WeightedTable<T> {
  readonly values: readonly T[]
  private readonly cumulative: Float64Array
  readonly total: number

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError('a weighted table needs at least one entry')
    this.values = entries.map(([value]) => value)
    this.cumulative = new Float64Array(entries.length)
    let total = 0
    entries.forEach(([, weight], i) => {
      if (!(weight > 0)) throw new RangeError(`weight must be positive, got ${weight}`)
      total += weight
      this.cumulative[i] = total
    })
    this.total = total
  }

  sample(rng: Rng): T {
    const roll = rng.next() * this.total
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.cumulative[mid] as number) > roll) hi = mid
      else lo = mid + 1
    }
    return this.values[lo] as T
  }
}
