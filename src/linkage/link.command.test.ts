// `contactpoint link` end to end on small files, and the errors a malformed file gives.

import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Command, CommanderError } from 'commander'
import { csvLine, parseCsvText } from './csv.ts'
import { registerLinkCommand } from './link.command.ts'
import { parseModel } from './model.ts'
import { testPopulation } from './test-population.ts'

let root = ''
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'contactpoint-link-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

async function run(...args: string[]): Promise<{ out: string; err: string; error: CommanderError | null }> {
  let out = ''
  let err = ''
  const program = new Command().name('contactpoint').exitOverride()
    .configureOutput({ writeOut: (text) => { out += text }, writeErr: (text) => { err += text } })
  registerLinkCommand(program)
  try {
    await program.parseAsync(['node', 'contactpoint', 'link', ...args])
    return { out, err, error: null }
  } catch (error) {
    if (error instanceof CommanderError) return { out, err, error }
    throw error
  }
}

const HEADER = ['source', 'record_id', 'given_name', 'middle_names', 'family_name', 'former_family_names', 'date_of_birth', 'gender', 'address', 'postcode', 'nhs_number', 'upn']

/** Write the test population as one CSV per source plus a truth file; returns the paths. */
async function writePopulation(dir: string): Promise<{ inputs: string[]; truth: string; records: number }> {
  const pop = testPopulation(120, 3)
  const bySource = new Map<string, string[]>()
  let truth = csvLine(['source', 'record_id', 'child'])
  pop.records.forEach((r, i) => {
    const lines = bySource.get(r.source) ?? [csvLine([...HEADER, 'notes'])]
    lines.push(csvLine([r.source, r.recordId, r.givenName ?? '', r.middleNames ?? '', r.familyName ?? '', r.formerFamilyNames ?? '', r.dateOfBirth ?? '', r.gender ?? '', r.address ?? '', r.postcode ?? '', r.nhsNumber ?? '', r.upn ?? '', 'ignored']))
    bySource.set(r.source, lines)
    truth += csvLine([r.source, r.recordId, pop.childOf[i] as string])
  })
  const inputs: string[] = []
  for (const [source, lines] of bySource) {
    const path = join(dir, `${source}.csv`)
    await writeFile(path, lines.join(''))
    inputs.push(path)
  }
  const truthPath = join(dir, 'truth.csv')
  await writeFile(truthPath, truth)
  return { inputs, truth: truthPath, records: pop.records.length }
}

describe('contactpoint link', () => {
  it('writes one cluster row per record and prints the summary and, with truth, the figures', async () => {
    const { inputs, truth, records } = await writePopulation(root)
    const out = join(root, 'clusters.csv')
    const review = join(root, 'review.csv')
    const model = join(root, 'model.json')
    const r = await run('--out', out, ...inputs, '--truth', truth, '--review', review, '--save-model', model, '--workers', '0')
    assert.equal(r.error, null, r.err)
    assert.match(r.out, new RegExp(`^Linked ${records.toLocaleString('en-GB')} records from ${inputs.length} files into [\\d,]+ clusters`))
    assert.match(r.out, /Pairwise \(linked pairs\): precision [01]\.\d+, recall 0\.9\d+, F1 0\.9\d+ \([\d,]+ of [\d,]+ true pairs\)/)
    assert.match(r.out, /Clusters \(pairs in a cluster\): precision [01]\.\d+, recall 0\.\d+, F1 0\.9\d+/)
    assert.match(r.out, /Blocking kept \d+\.\d+% of true pairs/)
    const rows = parseCsvText(await readFile(out, 'utf8'))
    assert.deepEqual(rows[0]?.fields, ['source', 'record_id', 'cluster_id'])
    assert.equal(rows.length, records + 1)
    assert.ok(rows.slice(1).every((row) => /^C\d{6}$/.test(row.fields[2] as string)))
    const reviewRows = parseCsvText(await readFile(review, 'utf8'))
    assert.deepEqual(reviewRows[0]?.fields.slice(0, 3), ['source_a', 'record_id_a', 'cluster_a'])
    // the saved model is reused and gives the same clusters
    const first = await readFile(out, 'utf8')
    parseModel(await readFile(model, 'utf8'))
    const again = await run('--out', out, ...inputs, '--model', model, '--workers', '0')
    assert.equal(again.error, null, again.err)
    assert.equal(await readFile(out, 'utf8'), first)
  })

  it('accepts files with only the two required columns', async () => {
    const input = join(root, 'minimal.csv')
    await writeFile(input, 'record_id,source\n1,a\n2,a\n3,b\n')
    const out = join(root, 'minimal-out.csv')
    const r = await run('--out', out, input, '--workers', '0')
    assert.equal(r.error, null, r.err)
    assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 4)
  })

  const malformed: [string, string, RegExp][] = [
    ['no record_id column', 'source,given_name\na,Amy\n', /no-id\.csv, line 1: the header has no record_id column/],
    ['a row with too few fields', 'source,record_id,given_name\na,1,Amy\na,2\n', /short\.csv, line 3: expected 3 fields as in the header, found 2/],
    ['an empty source', 'source,record_id\na,1\n,2\n', /empty-source\.csv, line 3: source is empty/],
    ['a record twice', 'source,record_id\na,1\na,2\na,1\n', /twice\.csv, line 4: record a 1 appears twice \(first twice\.csv line 2\)/],
    ['an unclosed quote', 'source,record_id,address\na,1,"12 High Street\na,2,x\n', /unclosed\.csv, line 2: a quoted field is not closed/],
    ['a stray quote', 'source,record_id,address\na,1,12 "High" Street\n', /stray\.csv, line 2: a quote inside an unquoted field/],
    ['an empty file', '', /empty\.csv, line 1: the file is empty/],
  ]
  for (const [what, text, message] of malformed) {
    it(`rejects ${what}, naming the file and line`, async () => {
      const name = ({ 'no record_id column': 'no-id', 'a row with too few fields': 'short', 'an empty source': 'empty-source', 'a record twice': 'twice', 'an unclosed quote': 'unclosed', 'a stray quote': 'stray', 'an empty file': 'empty' } as Record<string, string>)[what] as string
      const input = join(root, `${name}.csv`)
      await writeFile(input, text)
      const r = await run('--out', join(root, 'x.csv'), input, '--workers', '0')
      assert.ok(r.error, 'an error is expected')
      assert.equal(r.error?.exitCode, 2)
      assert.match(r.err, message)
    })
  }

  it('rejects text that is not UTF-8, naming the line', async () => {
    const input = join(root, 'latin1.csv')
    await writeFile(input, Buffer.concat([Buffer.from('source,record_id,given_name\na,1,Amy\na,2,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]))
    const r = await run('--out', join(root, 'x.csv'), input, '--workers', '0')
    assert.match(r.err, /latin1\.csv, line 3: the file is not UTF-8 text/)
  })

  it('rejects a missing file and bad options clearly', async () => {
    assert.match((await run('--out', join(root, 'x.csv'), join(root, 'nope.csv'))).err, /nope\.csv: file not found/)
    assert.match((await run('--out', join(root, 'x.csv'), join(root, 'nope.csv'), '--link-threshold', '2')).err, /expected a probability between 0 and 1/)
    assert.match((await run(join(root, 'nope.csv'))).err, /required option '--out <file>'/)
  })

  it('parses quoted fields with commas, quotes and line breaks', () => {
    const rows = parseCsvText('a,b,c\n"x, y","say ""hi""","two\nlines"\n')
    assert.deepEqual(rows[1], { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] })
  })
})
