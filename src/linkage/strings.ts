// String similarity used by the comparisons: Jaro–Winkler, and small edit-distance tests.
// All functions are pure; the scratch buffers are module-level only to avoid allocation in the
// hot loop (each worker thread has its own module instance).

let flagsA = new Uint8Array(64)
let flagsB = new Uint8Array(64)

/** Jaro similarity in [0, 1] (1 for identical strings, 0 when either is empty). */
export function jaro(a: string, b: string): number {
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  if (a === b) return 1
  if (la <= 31 && lb <= 31) return jaroShort(a, b, la, lb)
  if (flagsA.length < la) flagsA = new Uint8Array(la * 2)
  if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2)
  flagsA.fill(0, 0, la)
  flagsB.fill(0, 0, lb)
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0
    const hi = Math.min(i + window + 1, lb)
    const c = a.charCodeAt(i)
    for (let j = lo; j < hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1
        flagsB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue
    while (flagsB[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const m = matches
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3
}

/** Jaro for strings of at most 31 characters, with the match flags held in two integers. */
function jaroShort(a: string, b: string, la: number, lb: number): number {
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1)
  let fa = 0
  let fb = 0
  let matches = 0
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0
    const hi = i + window + 1 < lb ? i + window + 1 : lb
    const c = a.charCodeAt(i)
    for (let j = lo; j < hi; j++) {
      if ((fb & (1 << j)) === 0 && b.charCodeAt(j) === c) {
        fa |= 1 << i
        fb |= 1 << j
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if ((fa & (1 << i)) === 0) continue
    while ((fb & (1 << k)) === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  return (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3
}

/** Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b)
  if (j === 0 || j === 1) return j
  const max = Math.min(4, a.length, b.length)
  let prefix = 0
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return j + prefix * 0.1 * (1 - j)
}

/**
 * True when b can be made from a by at most one substitution, insertion, deletion or exchange of
 * two adjacent characters (optimal string alignment distance ≤ 1). False for equal strings.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false
  const la = a.length
  const lb = b.length
  if (la - lb > 1 || lb - la > 1) return false
  let i = 0
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++
  // compare the tails after the first difference, without copying
  const sameFrom = (x: string, xi: number, y: string, yi: number): boolean => {
    if (x.length - xi !== y.length - yi) return false
    for (let k = 0; xi + k < x.length; k++) if (x.charCodeAt(xi + k) !== y.charCodeAt(yi + k)) return false
    return true
  }
  if (la === lb) {
    // substitution at i, or transposition of i and i+1
    if (sameFrom(a, i + 1, b, i + 1)) return true
    return i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2)
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1)
}

/** Number of positions at which two equal-length strings differ (Infinity for different lengths). */
export function hamming(a: string, b: string): number {
  if (a.length !== b.length) return Infinity
  let d = 0
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) d++
  return d
}

/** Levenshtein distance, with an early exit once it exceeds `max` (returns max + 1 then). */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  const la = a.length
  const lb = b.length
  if (Math.abs(la - lb) > max) return max + 1
  let prev = new Array<number>(lb + 1)
  let cur = new Array<number>(lb + 1)
  for (let j = 0; j <= lb; j++) prev[j] = j
  for (let i = 1; i <= la; i++) {
    cur[0] = i
    let rowMin = i
    const c = a.charCodeAt(i - 1)
    for (let j = 1; j <= lb; j++) {
      const cost = c === b.charCodeAt(j - 1) ? 0 : 1
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    const t = prev
    prev = cur
    cur = t
  }
  return prev[lb] as number
}
