import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { FeedRecord } from '../feeds/feed-record.ts'
import { IDENTITY_CSV_COLUMNS } from '../feeds/feed-record.ts'
import { isAscii } from './contact.ts'
import { parseCsv } from './test-support.ts'
import type { PopulationSummary } from './output.ts'
import { writePopulation } from './output.ts'

let root = ''
let summary: PopulationSummary
const dir = (name: string): string => join(root, name)
const options = { children: 1500, seed: 'output-test', withChildren: true }

async function digests(folder: string): Promise<Record<string, string>> {
  const files = (await readdir(folder)).sort()
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, createHash('sha256').update(await readFile(join(folder, f))).digest('hex')])))
}
const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '')

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'contactpoint-synthetic-'))
  summary = await writePopulation({ ...options, outDir: dir('a') })
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('writePopulation', () => {
  it('writes byte-identical files for the same options, and different ones for another seed', async () => {
    await writePopulation({ ...options, outDir: dir('b') })
    await writePopulation({ ...options, seed: 'another', outDir: dir('c') })
    const [a, b, c] = await Promise.all([digests(dir('a')), digests(dir('b')), digests(dir('c'))])
    assert.deepEqual(b, a)
    assert.deepEqual(Object.keys(c), Object.keys(a))
    for (const file of Object.keys(a)) assert.notEqual(c[file], a[file], file)
  })

  it('writes a feed per source, the truth, the organisations, the children and a manifest', async () => {
    const files = await readdir(dir('a'))
    for (const source of ['dwp-child-benefit', 'nhs-pds', 'dfe-school-census', 'gro-births', 'home-office', 'northmoor-education', 'northmoor-social-care',
      'northmoor-yot', 'northmoor-youth-service', 'northmoor-health', 'northmoor-voluntary', 'northmoor-sensitive']) {
      assert.ok(files.includes(`${source}.jsonl`) && files.includes(`${source}.csv`), source)
    }
    for (const file of ['truth.csv', 'organisations.jsonl', 'children.jsonl', 'manifest.json']) assert.ok(files.includes(file), file)
    assert.equal(summary.files.reduce((sum, f) => sum + f.bytes, 0), summary.bytes)
  })

  it('has a truth row for every record exactly once, naming a real child', async () => {
    const truth = parseCsv(await readFile(join(dir('a'), 'truth.csv'), 'utf8'))
    assert.deepEqual(truth[0], ['source', 'record_id', 'child'])
    const rows = truth.slice(1)
    const truthKeys = rows.map(([source, id]) => `${source}/${id}`)
    assert.equal(new Set(truthKeys).size, truthKeys.length)
    const recordKeys: string[] = []
    for (const file of (await readdir(dir('a'))).filter((f) => f.endsWith('.jsonl') && !['children.jsonl', 'organisations.jsonl'].includes(f))) {
      for (const line of await lines(join(dir('a'), file))) recordKeys.push(`${file.slice(0, -'.jsonl'.length)}/${(JSON.parse(line) as FeedRecord).record_id}`)
    }
    assert.deepEqual([...recordKeys].sort(), [...truthKeys].sort())
    assert.equal(rows.length, summary.records)
    const children = new Set((await lines(join(dir('a'), 'children.jsonl'))).map((l) => (JSON.parse(l) as { key: string }).key))
    assert.equal(children.size, 1500)
    assert.deepEqual(new Set(rows.map((r) => r[2])), children)
  })

  it('writes CSV rows that match the JSON Lines records, Unicode included', async () => {
    let unicode = 0
    for (const source of ['nhs-pds', 'gro-births', 'northmoor-education']) {
      const csv = parseCsv(await readFile(join(dir('a'), `${source}.csv`), 'utf8'))
      const jsonl = (await lines(join(dir('a'), `${source}.jsonl`))).map((l) => JSON.parse(l) as FeedRecord)
      assert.deepEqual(csv[0], [...IDENTITY_CSV_COLUMNS])
      assert.equal(csv.length - 1, jsonl.length)
      jsonl.forEach((record, i) => {
        const row = Object.fromEntries(IDENTITY_CSV_COLUMNS.map((column, c) => [column, csv[i + 1]?.[c]]))
        const child = record.child
        assert.ok(child)
        assert.equal(row.source, source)
        assert.equal(row.record_id, record.record_id)
        assert.equal(row.given_name, child.given_name)
        assert.equal(row.family_name, child.family_name)
        assert.equal(row.middle_names, child.middle_names ?? '')
        assert.equal(row.former_family_names, (child.former_family_names ?? []).join(';'))
        assert.equal(row.postcode, child.address?.postcode ?? '')
        assert.equal(row.address, [...(child.address?.lines ?? []), child.address?.town ?? ''].filter((p) => p !== '').join(', '))
        assert.equal(row.carers, (record.carers ?? []).map((c) => `${c.given_name} ${c.family_name}`).join(';'))
        if (!isAscii(`${child.given_name}${child.family_name}`)) unicode++
      })
    }
    assert.ok(unicode > 10, `${unicode} records with non-ASCII names`)
  })

  it('writes a manifest that agrees with the files', async () => {
    const manifest = JSON.parse(await readFile(join(dir('a'), 'manifest.json'), 'utf8')) as {
      options: Record<string, unknown>; counts: { children: number; records: number; households: number }
      sources: Array<{ code: string; records: number }>; files: Array<{ name: string; bytes: number }>
    }
    assert.deepEqual(manifest.options, { children: 1500, seed: 'output-test', authorities: 1, reference_date: '2026-11-24', formats: ['jsonl', 'csv'], with_children: true })
    assert.equal(manifest.counts.children, 1500)
    assert.equal(manifest.counts.records, summary.records)
    for (const source of manifest.sources) assert.equal(source.records, (await lines(join(dir('a'), `${source.code}.jsonl`))).length, source.code)
    for (const file of manifest.files) assert.equal((await readFile(join(dir('a'), file.name))).length, file.bytes, file.name)
  })

  it('writes only the formats asked for, and feeds for every authority', async () => {
    const result = await writePopulation({ children: 900, seed: 'areas', authorities: 3, formats: ['jsonl'], outDir: dir('d') })
    const files = await readdir(dir('d'))
    assert.ok(!files.some((f) => f.endsWith('.csv') && f !== 'truth.csv'))
    assert.ok(!files.includes('children.jsonl'))
    const education = files.filter((f) => f.endsWith('-education.jsonl'))
    assert.equal(education.length, 3)
    const manifest = JSON.parse(await readFile(join(dir('d'), 'manifest.json'), 'utf8')) as { authorities: Array<{ slug: string; children: number }> }
    assert.equal(manifest.authorities.reduce((sum, a) => sum + a.children, 0), 900)
    assert.equal(manifest.authorities[0]?.slug, 'northmoor')
    for (const authority of manifest.authorities) assert.ok(education.includes(`${authority.slug}-education.jsonl`))
    assert.equal(result.children, 900)
  })

  it('refuses bad options with a clear message', async () => {
    await assert.rejects(writePopulation({ children: 0, outDir: dir('e') }), /children must be a whole number/)
    await assert.rejects(writePopulation({ children: 10, formats: ['xml' as 'csv'], outDir: dir('e') }), /format must be a list of jsonl, csv \(not xml\)/)
    await assert.rejects(writePopulation({ children: 10, referenceDate: '2026-02-30', outDir: dir('e') }), /reference date must be a real date/)
    await assert.rejects(writePopulation({ children: 10, authorities: 0, outDir: dir('e') }), /authorities must be a whole number/)
  })
})
