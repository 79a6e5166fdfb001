// A small, deterministic population for the linkage tests: households of children (with twins
// and triplets whose names are chosen to be hard: Lily and Lila, Isabella and Isabelle), seen by
// a few sources with simple errors. Independent of src/synthetic on purpose: the engine's tests
// must not depend on the generator's error tables.

import { seededRandom } from './training.ts'
import type { LinkRecord } from './types.ts'

const GIRLS = ['olivia', 'amelia', 'isla', 'ava', 'mia', 'ivy', 'lily', 'lila', 'isabella', 'isabelle', 'rosie', 'sophia', 'grace', 'freya', 'florence', 'willow', 'evie', 'ella', 'ellie', 'poppy', 'aisha', 'maryam', 'zara', 'hannah', 'chloe', 'emily', 'sienna', 'harper']
const BOYS = ['oliver', 'george', 'noah', 'arthur', 'muhammad', 'leo', 'harry', 'oscar', 'archie', 'henry', 'theodore', 'freddie', 'jack', 'charlie', 'thomas', 'alfie', 'jacob', 'ryan', 'alexander', 'samuel', 'william', 'isaac', 'joshua', 'daniel', 'adam', 'yusuf', 'reuben', 'tommy']
const NICKNAMES: Readonly<Record<string, string>> = { oliver: 'ollie', alexander: 'alex', william: 'will', thomas: 'tom', samuel: 'sam', daniel: 'dan', joshua: 'josh', jacob: 'jake', muhammad: 'mohammed', isabella: 'bella', florence: 'flo', theodore: 'theo' }
const FAMILIES = ['smith', 'jones', 'taylor', 'brown', 'williams', 'wilson', 'johnson', 'davies', 'patel', 'khan', 'okonkwo-mensah', "o'brien", 'macdonald', 'nowak', 'begum', 'ahmed', 'evans', 'thomas', 'roberts', 'walker', 'wright', 'green', 'hall', 'wood', 'clarke', 'hughes', 'edwards', 'turner', 'kowalski', 'adeyemi']
const STREETS = ['church road', 'station road', 'victoria street', 'mill lane', 'park avenue', 'the crescent', 'high street', 'green lane', 'kings road', 'manor close']
const TOWNS = ['northmoor', 'claybeck', 'overstow', 'langwell']
const MOTHERS = ['sarah', 'amy', 'fatima', 'joanne', 'grace', 'agnieszka', 'chioma', 'laura', 'nadia', 'emma', 'rachel']
const FATHERS = ['david', 'mark', 'imran', 'piotr', 'james', 'tunde', 'paul', 'gareth', 'ahmed', 'lee']

function nhsCheck(nine: string): number | null {
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i)
  const c = 11 - (sum % 11)
  return c === 11 ? 0 : c === 10 ? null : c
}

export function makeNhsNumber(seed: number): string {
  for (let k = seed; ; k++) {
    const nine = String(900_000_000 + (k % 99_999_999)).slice(0, 9)
    const c = nhsCheck(nine)
    if (c !== null) return `${nine}${c}`
  }
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'
export function makeUpn(seed: number): string {
  const body = `${String(800 + (seed % 100)).padStart(3, '0')}${String(2000 + (seed % 7000)).padStart(4, '0')}${'19'}${String(seed % 1000).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i + 2)
  return `${UPN_LETTERS[sum % 23]}${body}`
}

export interface TestChild {
  readonly id: string
  readonly given: string
  readonly middle: string
  readonly family: string
  readonly dob: string
  readonly gender: 'male' | 'female'
  readonly address: string
  readonly postcode: string
  readonly nhs: string
  readonly upn: string
  /** parents and carers, "given family; given family" */
  readonly carers: string
}

export interface TestPopulation {
  readonly records: LinkRecord[]
  /** true child of each record */
  readonly childOf: string[]
  readonly children: TestChild[]
  /** groups of children born together */
  readonly multipleBirths: string[][]
}

function typo(word: string, r: () => number): string {
  if (word.length < 4) return word
  const i = 1 + Math.floor(r() * (word.length - 2))
  const kind = Math.floor(r() * 3)
  if (kind === 0) return word.slice(0, i) + word.slice(i + 1)
  if (kind === 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
  return word.slice(0, i) + 'aeiou'[Math.floor(r() * 5)] + word.slice(i + 1)
}

const cap = (s: string): string => s.replace(/(^|[\s'-])\p{L}/gu, (m) => m.toUpperCase())

/**
 * `households` households of 1–3 children; about one in six a multiple birth. Four sources: birth
 * registrations and health hold NHS numbers, schools hold UPNs, a local service holds neither;
 * birth registrations and schools name the parents.
 */
export function testPopulation(households: number, seed = 7): TestPopulation {
  const r = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T
  const children: TestChild[] = []
  const multipleBirths: string[][] = []
  let n = 0
  for (let h = 0; h < households; h++) {
    const family = pick(FAMILIES)
    const address = `${1 + Math.floor(r() * 120)} ${pick(STREETS)}, ${pick(TOWNS)}`
    const postcode = `NT${1 + Math.floor(r() * 9)} ${Math.floor(r() * 10)}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(r() * 20)]}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(r() * 20)]}`
    // carers chosen from the household's number (no random draws: the rest of the population stays as it was)
    const carers = h % 4 === 3 ? cap(`${MOTHERS[h % MOTHERS.length]} ${family}`) : cap(`${MOTHERS[h % MOTHERS.length]} ${family}; ${FATHERS[(h * 7) % FATHERS.length]} ${family}`)
    const births = 1 + Math.floor(r() * 2.2)
    for (let b = 0; b < births; b++) {
      const year = 2008 + Math.floor(r() * 17)
      const month = 1 + Math.floor(r() * 12)
      const day = 1 + Math.floor(r() * 28)
      const dob = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
      const size = r() < 0.17 ? (r() < 0.1 ? 3 : 2) : 1
      const used = new Set<string>()
      const group: string[] = []
      for (let k = 0; k < size; k++) {
        let gender: 'female' | 'male' = r() < 0.5 ? 'female' : 'male'
        let given = pick(gender === 'female' ? GIRLS : BOYS)
        // twins get similar names on purpose (Lily/Lila, Isabella/Isabelle, Ellie/Ella, Freddie/Ryan)
        if (k > 0 && r() < 0.4) {
          const prev = children[children.length - 1] as TestChild
          const similar: Readonly<Record<string, string>> = { lily: 'lila', lila: 'lily', isabella: 'isabelle', isabelle: 'isabella', ellie: 'ella', ella: 'ellie', freddie: 'ryan', ryan: 'freddie', muhammad: 'yusuf', yusuf: 'muhammad' }
          const next = similar[prev.given]
          if (next) {
            given = next
            gender = prev.gender
          }
        }
        while (used.has(given)) given = pick(gender === 'female' ? GIRLS : BOYS)
        used.add(given)
        const id = `K${String(n).padStart(6, '0')}`
        const middle = r() < 0.5 ? pick([...GIRLS, ...BOYS].filter((x) => x !== given)) : ''
        children.push({ id, given, middle, family, dob, gender, address, postcode, nhs: makeNhsNumber(n * 7919 + seed), upn: makeUpn(n * 104729 + seed), carers })
        group.push(id)
        n++
      }
      if (size > 1) multipleBirths.push(group)
    }
  }

  const records: LinkRecord[] = []
  const childOf: string[] = []
  const sources = [
    { name: 'births', coverage: 0.95, nhs: true, upn: false, carers: true },
    { name: 'health', coverage: 0.9, nhs: true, upn: false, carers: false },
    { name: 'schools', coverage: 0.8, nhs: false, upn: true, carers: true },
    { name: 'youth-service', coverage: 0.3, nhs: false, upn: false, carers: false },
  ]
  let rid = 0
  for (const s of sources) {
    for (const c of children) {
      if (r() > s.coverage) continue
      const copies = r() < 0.03 ? 2 : 1
      for (let copy = 0; copy < copies; copy++) {
        let given = c.given
        let family = c.family
        let dob = c.dob
        let postcode: string | undefined = c.postcode
        let address: string | undefined = c.address
        let middle = c.middle
        const e = r()
        if (e < 0.04) given = typo(given, r)
        else if (e < 0.08) given = NICKNAMES[given] ?? given
        else if (e < 0.1) family = typo(family, r)
        else if (e < 0.12 && Number(dob.slice(8)) <= 12 && dob.slice(5, 7) !== dob.slice(8)) dob = `${dob.slice(0, 4)}-${dob.slice(8)}-${dob.slice(5, 7)}`
        else if (e < 0.16) {
          address = `${1 + Math.floor(r() * 120)} ${pick(STREETS)}, ${pick(TOWNS)}`
          postcode = `NT${1 + Math.floor(r() * 9)} 1AB`
        } else if (e < 0.19) postcode = undefined
        if (r() < 0.2) middle = ''
        records.push({
          source: s.name,
          recordId: `${s.name.slice(0, 3).toUpperCase()}-${String(rid++).padStart(6, '0')}`,
          givenName: r() < 0.3 ? given.toUpperCase() : cap(given),
          middleNames: cap(middle),
          familyName: cap(family),
          dateOfBirth: r() < 0.2 ? `${dob.slice(8)}/${dob.slice(5, 7)}/${dob.slice(0, 4)}` : dob,
          gender: r() < 0.05 ? undefined : c.gender,
          address,
          postcode,
          nhsNumber: s.nhs && r() < 0.9 ? c.nhs : undefined,
          upn: s.upn && r() < 0.95 ? c.upn : undefined,
          ...(s.carers ? { carers: c.carers } : {}),
        })
        childOf.push(c.id)
      }
    }
  }
  return { records, childOf, children, multipleBirths }
}
