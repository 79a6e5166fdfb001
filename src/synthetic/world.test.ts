import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { DOC_FILE, renderDocTables } from './describe.ts'
import { buildWorld } from './generator.ts'
import { defaultAuthorities } from './options.ts'
import { isValidPostcode } from './identifiers.ts'
import { REAL_POSTCODE_AREAS } from './data/places.ts'
import { SOURCE_PROFILES } from './sources.ts'
import { authorityOfChild, laNumber } from './world.ts'

const world = buildWorld({ children: 500_000, seed: 'world-test' })

describe('world', () => {
  it('has fictional authorities with distinct names, numbers, codes and postcode areas; Northmoor first', () => {
    const { authorities } = world
    assert.equal(authorities.length, 5)
    assert.equal(authorities[0]?.name, 'Northmoor')
    assert.equal(authorities[0]?.slug, 'northmoor')
    for (const field of ['name', 'slug', 'laNumber', 'code', 'postcodeArea'] as const) assert.equal(new Set(authorities.map((a) => a[field])).size, 5, field)
    for (const authority of authorities) {
      assert.ok(authority.laNumber >= 100 && authority.laNumber < 200, String(authority.laNumber))
      assert.match(authority.code, /^E06\d{6}$/)
      assert.ok(!REAL_POSTCODE_AREAS.has(authority.postcodeArea), authority.postcodeArea)
      for (const town of authority.towns) for (const district of town.districts) assert.ok(isValidPostcode(`${district} 1AB`), district)
    }
  })

  it('numbers children authority by authority, covering every child once', () => {
    let next = 0
    for (const authority of world.authorities) {
      assert.equal(authority.firstChild, next)
      assert.ok(authority.childCount > 500_000 / 5 * 0.5 && authority.childCount < 500_000 / 5 * 1.5)
      assert.equal(authorityOfChild(world, authority.firstChild), authority)
      assert.equal(authorityOfChild(world, authority.firstChild + authority.childCount - 1), authority)
      next += authority.childCount
    }
    assert.equal(next, 500_000)
  })

  it('catalogues organisations with unique codes, in the formats of their registers', () => {
    const codes = world.organisations.map((o) => o.code)
    assert.equal(new Set(codes).size, codes.length)
    const formats: Record<string, RegExp> = {
      primary_school: /^9\d{5}$/, secondary_school: /^9\d{5}$/, further_education_college: /^9\d{5}$/, early_years_setting: /^EY9\d{5}$/,
      gp_practice: /^M\d{5}$/, local_authority: /^E06\d{6}$/, voluntary_organisation: /^CH9\d{6}$/,
    }
    const authorityCodes = new Set(world.authorities.map((a) => a.code))
    for (const organisation of world.organisations) {
      const format = formats[organisation.kind]
      if (format) assert.match(organisation.code, format, organisation.name)
      assert.ok(organisation.kind === 'national_body' ? organisation.authority === null : authorityCodes.has(organisation.authority ?? ''))
      assert.match(organisation.phone, /^01632 960\d{3}$/)
      assert.match(organisation.email, /@[a-z0-9.-]+\.example$/)
      for (const practitioner of organisation.practitioners) {
        assert.match(practitioner.phone, /^07700 900\d{3}$/)
        assert.match(practitioner.email, /^[a-z0-9.]+@[a-z0-9-]+\.example$/)
        assert.ok(practitioner.given_name && practitioner.family_name && practitioner.role)
      }
    }
    const count = (kind: string): number => world.organisations.filter((o) => o.kind === kind).length
    assert.ok(count('primary_school') > 500 && count('primary_school') < 1000, `${count('primary_school')} primary schools`)
    assert.ok(count('gp_practice') > 200 && count('gp_practice') < 350)
  })

  it('lists the national sources and each authority’s local sources', () => {
    const national = SOURCE_PROFILES.filter((p) => p.scope === 'national')
    const local = SOURCE_PROFILES.filter((p) => p.scope === 'local')
    assert.equal(world.sources.length, national.length + local.length * 5)
    const organisationCodes = new Set(world.organisations.map((o) => o.code))
    for (const source of world.sources) {
      assert.ok(organisationCodes.has(source.organisation), source.code)
      if (source.kind === 'local') {
        const authority = world.authorities.find((a) => a.code === source.authority)
        assert.ok(authority && source.code.startsWith(`${authority.slug}-`))
      }
    }
    assert.ok(world.sources.some((s) => s.code === 'northmoor-social-care'))
  })

  it('defaults to one authority below 200,000 children and about one per 100,000 above', () => {
    assert.equal(buildWorld({ children: 199_999 }).authorities.length, 1)
    assert.equal(buildWorld({ children: 1_000_000 }).options.authorities, 10)
    assert.equal(defaultAuthorities(20_000_000), 150)
    assert.deepEqual([0, 99, 100, 149].map(laNumber), [100, 199, 950, 999])
    assert.deepEqual(buildWorld({ children: 1000, seed: 'x' }).organisations, buildWorld({ children: 1000, seed: 'x' }).organisations)
  })
})

describe('docs/synthetic.md', () => {
  it('prints the tables of the current model', async () => {
    const doc = await readFile(DOC_FILE, 'utf8')
    assert.equal(doc, renderDocTables(doc), 'run `node src/synthetic/describe.ts` to update docs/synthetic.md')
  })
})
