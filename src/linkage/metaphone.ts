// Double Metaphone (Lawrence Philips, 2000): a primary and an alternate phonetic code for a name,
// so that names that sound alike in English (and in the languages English spelling borrows from:
// Germanic, Slavic, Romance, Greek, Celtic…) share a code. Written for this project from the
// published description of the algorithm; codes are at most four characters, as in the original.

const MAX = 4

class Result {
  primary = ''
  alternate = ''
  add(main: string, alt: string = main): void {
    if (this.primary.length < MAX) this.primary += main
    if (this.alternate.length < MAX) this.alternate += alt
  }
  addPrimary(main: string): void {
    if (this.primary.length < MAX) this.primary += main
  }
  addAlternate(alt: string): void {
    if (this.alternate.length < MAX) this.alternate += alt
  }
  get full(): boolean {
    return this.primary.length >= MAX && this.alternate.length >= MAX
  }
}

function isVowel(ch: string): boolean {
  return ch === 'A' || ch === 'E' || ch === 'I' || ch === 'O' || ch === 'U' || ch === 'Y'
}

/** Double Metaphone codes [primary, alternate] for one word (letters only; other characters are ignored). */
export function doubleMetaphone(input: string): [string, string] {
  const value = input.toUpperCase().replace(/[^A-ZÇÑ ]/g, '').trim()
  if (value.length === 0) return ['', '']
  const length = value.length
  const last = length - 1
  const at = (i: number): string => (i >= 0 && i < length ? value.charAt(i) : '')
  const has = (start: number, len: number, ...options: string[]): boolean => {
    if (start < 0 || start + len > length) return false
    const s = value.substring(start, start + len)
    return options.includes(s)
  }
  const slavoGermanic = value.includes('W') || value.includes('K') || value.includes('CZ') || value.includes('WITZ')
  const r = new Result()
  let i = 0
  if (has(0, 2, 'GN', 'KN', 'PN', 'WR', 'PS')) i = 1
  if (at(0) === 'X') {
    r.add('S')
    i = 1
  }

  while (!r.full && i < length) {
    const ch = value.charAt(i)
    switch (ch) {
      case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
        if (i === 0) r.add('A')
        i++
        break
      case 'B':
        r.add('P')
        i += at(i + 1) === 'B' ? 2 : 1
        break
      case 'Ç':
        r.add('S')
        i++
        break
      case 'C':
        i = handleC(i)
        break
      case 'D':
        if (has(i, 2, 'DG')) {
          if (has(i + 2, 1, 'I', 'E', 'Y')) {
            r.add('J')
            i += 3
          } else {
            r.add('TK')
            i += 2
          }
        } else if (has(i, 2, 'DT', 'DD')) {
          r.add('T')
          i += 2
        } else {
          r.add('T')
          i++
        }
        break
      case 'F':
        r.add('F')
        i += at(i + 1) === 'F' ? 2 : 1
        break
      case 'G':
        i = handleG(i)
        break
      case 'H':
        if ((i === 0 || isVowel(at(i - 1))) && isVowel(at(i + 1))) {
          r.add('H')
          i += 2
        } else {
          i++
        }
        break
      case 'J':
        i = handleJ(i)
        break
      case 'K':
        r.add('K')
        i += at(i + 1) === 'K' ? 2 : 1
        break
      case 'L':
        if (at(i + 1) === 'L') {
          if (conditionL0(i)) r.addPrimary('L')
          else r.add('L')
          i += 2
        } else {
          r.add('L')
          i++
        }
        break
      case 'M':
        r.add('M')
        i += conditionM0(i) ? 2 : 1
        break
      case 'N':
        r.add('N')
        i += at(i + 1) === 'N' ? 2 : 1
        break
      case 'Ñ':
        r.add('N')
        i++
        break
      case 'P':
        if (at(i + 1) === 'H') {
          r.add('F')
          i += 2
        } else {
          r.add('P')
          i += has(i + 1, 1, 'P', 'B') ? 2 : 1
        }
        break
      case 'Q':
        r.add('K')
        i += at(i + 1) === 'Q' ? 2 : 1
        break
      case 'R':
        if (i === last && !slavoGermanic && has(i - 2, 2, 'IE') && !has(i - 4, 2, 'ME', 'MA')) r.addAlternate('R')
        else r.add('R')
        i += at(i + 1) === 'R' ? 2 : 1
        break
      case 'S':
        i = handleS(i)
        break
      case 'T':
        i = handleT(i)
        break
      case 'V':
        r.add('F')
        i += at(i + 1) === 'V' ? 2 : 1
        break
      case 'W':
        i = handleW(i)
        break
      case 'X':
        if (i === 0) {
          r.add('S')
          i++
        } else {
          if (!(i === last && (has(i - 3, 3, 'IAU', 'EAU') || has(i - 2, 2, 'AU', 'OU')))) r.add('KS')
          i += has(i + 1, 1, 'C', 'X') ? 2 : 1
        }
        break
      case 'Z':
        if (at(i + 1) === 'H') {
          r.add('J')
          i += 2
        } else {
          if (has(i + 1, 2, 'ZO', 'ZI', 'ZA') || (slavoGermanic && i > 0 && at(i - 1) !== 'T')) r.add('S', 'TS')
          else r.add('S')
          i += at(i + 1) === 'Z' ? 2 : 1
        }
        break
      default:
        i++
    }
  }
  return [r.primary.slice(0, MAX), r.alternate.slice(0, MAX)]

  function handleC(index: number): number {
    if (conditionC0(index)) {
      r.add('K')
      return index + 2
    }
    if (index === 0 && has(index, 6, 'CAESAR')) {
      r.add('S')
      return index + 2
    }
    if (has(index, 2, 'CH')) return handleCH(index)
    if (has(index, 2, 'CZ') && !has(index - 2, 4, 'WICZ')) {
      r.add('S', 'X')
      return index + 2
    }
    if (has(index + 1, 3, 'CIA')) {
      r.add('X')
      return index + 3
    }
    if (has(index, 2, 'CC') && !(index === 1 && at(0) === 'M')) {
      if (has(index + 2, 1, 'I', 'E', 'H') && !has(index + 2, 2, 'HU')) {
        if ((index === 1 && at(index - 1) === 'A') || has(index - 1, 5, 'UCCEE', 'UCCES')) r.add('KS')
        else r.add('X')
        return index + 3
      }
      r.add('K')
      return index + 2
    }
    if (has(index, 2, 'CK', 'CG', 'CQ')) {
      r.add('K')
      return index + 2
    }
    if (has(index, 2, 'CI', 'CE', 'CY')) {
      if (has(index, 3, 'CIO', 'CIE', 'CIA')) r.add('S', 'X')
      else r.add('S')
      return index + 2
    }
    r.add('K')
    if (has(index + 1, 2, ' C', ' Q', ' G')) return index + 3
    if (has(index + 1, 1, 'C', 'K', 'Q') && !has(index + 1, 2, 'CE', 'CI')) return index + 2
    return index + 1
  }

  function conditionC0(index: number): boolean {
    if (has(index, 4, 'CHIA')) return true
    if (index <= 1) return false
    if (isVowel(at(index - 2))) return false
    if (!has(index - 1, 3, 'ACH')) return false
    const c = at(index + 2)
    return (c !== 'I' && c !== 'E') || has(index - 2, 6, 'BACHER', 'MACHER')
  }

  function handleCH(index: number): number {
    if (index > 0 && has(index, 4, 'CHAE')) {
      r.add('K', 'X')
      return index + 2
    }
    if (conditionCH0(index) || conditionCH1(index)) {
      r.add('K')
      return index + 2
    }
    if (index > 0) {
      if (has(0, 2, 'MC')) r.add('K')
      else r.add('X', 'K')
    } else {
      r.add('X')
    }
    return index + 2
  }

  function conditionCH0(index: number): boolean {
    if (index !== 0) return false
    if (!has(index + 1, 5, 'HARAC', 'HARIS') && !has(index + 1, 3, 'HOR', 'HYM', 'HIA', 'HEM')) return false
    return !has(0, 5, 'CHORE')
  }

  function conditionCH1(index: number): boolean {
    return has(0, 4, 'VAN ', 'VON ') || has(0, 3, 'SCH') ||
      has(index - 2, 6, 'ORCHES', 'ARCHIT', 'ORCHID') ||
      has(index + 2, 1, 'T', 'S') ||
      ((has(index - 1, 1, 'A', 'O', 'U', 'E') || index === 0) &&
        (has(index + 2, 1, 'L', 'R', 'N', 'M', 'B', 'H', 'F', 'V', 'W', ' ') || index + 1 === last))
  }

  function handleG(index: number): number {
    if (at(index + 1) === 'H') return handleGH(index)
    if (at(index + 1) === 'N') {
      if (index === 1 && isVowel(at(0)) && !slavoGermanic) r.add('KN', 'N')
      else if (!has(index + 2, 2, 'EY') && at(index + 1) !== 'Y' && !slavoGermanic) r.add('N', 'KN')
      else r.add('KN')
      return index + 2
    }
    if (has(index + 1, 2, 'LI') && !slavoGermanic) {
      r.add('KL', 'L')
      return index + 2
    }
    if (index === 0 && (at(index + 1) === 'Y' || has(index + 1, 2, 'ES', 'EP', 'EB', 'EL', 'EY', 'IB', 'IL', 'IN', 'IE', 'EI', 'ER'))) {
      r.add('K', 'J')
      return index + 2
    }
    if ((has(index + 1, 2, 'ER') || at(index + 1) === 'Y') &&
      !has(0, 6, 'DANGER', 'RANGER', 'MANGER') &&
      !has(index - 1, 1, 'E', 'I') && !has(index - 1, 3, 'RGY', 'OGY')) {
      r.add('K', 'J')
      return index + 2
    }
    if (has(index + 1, 1, 'E', 'I', 'Y') || has(index - 1, 4, 'AGGI', 'OGGI')) {
      if (has(0, 4, 'VAN ', 'VON ') || has(0, 3, 'SCH') || has(index + 1, 2, 'ET')) r.add('K')
      else if (has(index + 1, 3, 'IER')) r.add('J')
      else r.add('J', 'K')
      return index + 2
    }
    r.add('K')
    return at(index + 1) === 'G' ? index + 2 : index + 1
  }

  function handleGH(index: number): number {
    if (index > 0 && !isVowel(at(index - 1))) {
      r.add('K')
      return index + 2
    }
    if (index === 0) {
      r.add(at(index + 2) === 'I' ? 'J' : 'K')
      return index + 2
    }
    if ((index > 1 && has(index - 2, 1, 'B', 'H', 'D')) ||
      (index > 2 && has(index - 3, 1, 'B', 'H', 'D')) ||
      (index > 3 && has(index - 4, 1, 'B', 'H'))) {
      return index + 2
    }
    if (index > 2 && at(index - 1) === 'U' && has(index - 3, 1, 'C', 'G', 'L', 'R', 'T')) r.add('F')
    else if (index > 0 && at(index - 1) !== 'I') r.add('K')
    return index + 2
  }

  function handleJ(index: number): number {
    if (has(index, 4, 'JOSE') || has(0, 4, 'SAN ')) {
      if ((index === 0 && at(index + 4) === ' ') || length === 4 || has(0, 4, 'SAN ')) r.add('H')
      else r.add('J', 'H')
      return index + 1
    }
    if (index === 0 && !has(index, 4, 'JOSE')) r.add('J', 'A')
    else if (isVowel(at(index - 1)) && !slavoGermanic && (at(index + 1) === 'A' || at(index + 1) === 'O')) r.add('J', 'H')
    else if (index === last) r.add('J', '')
    else if (!has(index + 1, 1, 'L', 'T', 'K', 'S', 'N', 'M', 'B', 'Z') && !has(index - 1, 1, 'S', 'K', 'L')) r.add('J')
    return at(index + 1) === 'J' ? index + 2 : index + 1
  }

  function conditionL0(index: number): boolean {
    if (index === length - 3 && has(index - 1, 4, 'ILLO', 'ILLA', 'ALLE')) return true
    return (has(length - 2, 2, 'AS', 'OS') || has(length - 1, 1, 'A', 'O')) && has(index - 1, 4, 'ALLE')
  }

  function conditionM0(index: number): boolean {
    if (at(index + 1) === 'M') return true
    return has(index - 1, 3, 'UMB') && (index + 1 === last || has(index + 2, 2, 'ER'))
  }

  function handleS(index: number): number {
    if (has(index - 1, 3, 'ISL', 'YSL')) return index + 1
    if (index === 0 && has(index, 5, 'SUGAR')) {
      r.add('X', 'S')
      return index + 1
    }
    if (has(index, 2, 'SH')) {
      if (has(index + 1, 4, 'HEIM', 'HOEK', 'HOLM', 'HOLZ')) r.add('S')
      else r.add('X')
      return index + 2
    }
    if (has(index, 3, 'SIO', 'SIA') || has(index, 4, 'SIAN')) {
      if (slavoGermanic) r.add('S')
      else r.add('S', 'X')
      return index + 3
    }
    if ((index === 0 && has(index + 1, 1, 'M', 'N', 'L', 'W')) || has(index + 1, 1, 'Z')) {
      r.add('S', 'X')
      return has(index + 1, 1, 'Z') ? index + 2 : index + 1
    }
    if (has(index, 2, 'SC')) {
      if (at(index + 2) === 'H') {
        if (has(index + 3, 2, 'OO', 'ER', 'EN', 'UY', 'ED', 'EM')) {
          if (has(index + 3, 2, 'ER', 'EN')) r.add('X', 'SK')
          else r.add('SK')
        } else if (index === 0 && !isVowel(at(3)) && at(3) !== 'W') {
          r.add('X', 'S')
        } else {
          r.add('X')
        }
      } else if (has(index + 2, 1, 'I', 'E', 'Y')) {
        r.add('S')
      } else {
        r.add('SK')
      }
      return index + 3
    }
    if (index === last && has(index - 2, 2, 'AI', 'OI')) r.addAlternate('S')
    else r.add('S')
    return has(index + 1, 1, 'S', 'Z') ? index + 2 : index + 1
  }

  function handleT(index: number): number {
    if (has(index, 4, 'TION')) {
      r.add('X')
      return index + 3
    }
    if (has(index, 3, 'TIA', 'TCH')) {
      r.add('X')
      return index + 3
    }
    if (has(index, 2, 'TH') || has(index, 3, 'TTH')) {
      if (has(index + 2, 2, 'OM', 'AM') || has(0, 4, 'VAN ', 'VON ') || has(0, 3, 'SCH')) r.add('T')
      else r.add('0', 'T')
      return index + 2
    }
    r.add('T')
    return has(index + 1, 1, 'T', 'D') ? index + 2 : index + 1
  }

  function handleW(index: number): number {
    if (has(index, 2, 'WR')) {
      r.add('R')
      return index + 2
    }
    if (index === 0 && (isVowel(at(index + 1)) || has(index, 2, 'WH'))) {
      if (isVowel(at(index + 1))) r.add('A', 'F')
      else r.add('A')
      return index + 1
    }
    if ((index === last && isVowel(at(index - 1))) || has(index - 1, 5, 'EWSKI', 'EWSKY', 'OWSKI', 'OWSKY') || has(0, 3, 'SCH')) {
      r.addAlternate('F')
      return index + 1
    }
    if (has(index, 4, 'WICZ', 'WITZ')) {
      r.add('TS', 'FX')
      return index + 4
    }
    return index + 1
  }
}
