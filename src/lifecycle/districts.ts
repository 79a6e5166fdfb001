// Postcode districts: the outward code of a postcode ("NT4 2AB" → "NT4"), and the district → local
// authority map that lets responsibility follow a child who moves. Operators load the map from a
// CSV (`contactpoint lifecycle districts FILE`), typically derived from the ONS postcode directory;
// a district that straddles two authorities goes to the one holding most of its postcodes.
const DISTRICT = /^[A-Z]{1,2}[0-9][0-9A-Z]?$/

/** The outward code of a postcode, upper case; null when it does not look like a postcode. Mirrors the SQL in lifecycle.repository.ts. */
export function postcodeDistrict(postcode: string): string | null {
  const compact = postcode.trim().replace(/\s+/g, '').toUpperCase()
  const match = /^(.+)[0-9][A-Z]{2}$/.exec(compact)
  return match && DISTRICT.test(match[1] as string) ? match[1] as string : null
}

export const isDistrict = (value: string): boolean => DISTRICT.test(value)

export interface DistrictRow {
  readonly district: string
  readonly authorityCode: string
}

export interface DistrictProblem {
  readonly line: number
  readonly message: string
}

/** Reads `district,authority` lines (a header line is allowed; blank lines and # comments are skipped). */
export function parseDistrictCsv(text: string): { rows: DistrictRow[]; problems: DistrictProblem[] } {
  const rows: DistrictRow[] = []
  const problems: DistrictProblem[] = []
  const seen = new Map<string, string>()
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    const content = raw.trim()
    if (content === '' || content.startsWith('#')) return
    const [district = '', authorityCode = '', ...rest] = content.split(',').map((f) => f.trim())
    if (line === 1 && district.toLowerCase() === 'district') return
    const normalised = district.toUpperCase()
    if (rest.length > 0 || authorityCode === '') problems.push({ line, message: 'expected two fields: district,authority' })
    else if (!isDistrict(normalised)) problems.push({ line, message: `"${district}" is not a postcode district (an outward code such as NT4)` })
    else if (seen.has(normalised) && seen.get(normalised) !== authorityCode) problems.push({ line, message: `district ${normalised} is given twice, for different authorities` })
    else if (!seen.has(normalised)) {
      seen.set(normalised, authorityCode)
      rows.push({ district: normalised, authorityCode })
    }
  })
  return { rows, problems }
}

