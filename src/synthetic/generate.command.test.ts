import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Command, CommanderError } from 'commander'
import { registerGenerateCommand } from './generate.command.ts'

let root = ''
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'contactpoint-generate-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Runs `contactpoint generate …`, returning what it wrote to stdout and stderr. */
async function run(...args: string[]): Promise<{ out: string; err: string; error: CommanderError | null }> {
  let out = ''
  let err = ''
  const program = new Command().name('contactpoint').exitOverride()
    .configureOutput({ writeOut: (text) => { out += text }, writeErr: (text) => { err += text } })
  registerGenerateCommand(program)
  try {
    await program.parseAsync(['node', 'contactpoint', 'generate', ...args])
    return { out, err, error: null }
  } catch (error) {
    if (error instanceof CommanderError) return { out, err, error }
    throw error
  }
}

describe('contactpoint generate', () => {
  it('writes the population and prints a summary', async () => {
    const out = join(root, 'pop')
    const result = await run('--children', '400', '--seed', 'cli', '--out', out, '--format', 'jsonl', '--with-children', '--reference-date', '2025-06-30')
    assert.equal(result.error, null, result.err)
    assert.match(result.out, /^Generated 400 children in \d+ households \(\d+ multiple births\): [\d,]+ records, [\d.]+ MB in [\d.]+ s → /)
    assert.match(result.out, /\n {2}nhs-pds +[\d,]+ records/)
    assert.match(result.out, /\n {2}\*-education +[\d,]+ records/)
    const files = await readdir(out)
    assert.ok(files.includes('children.jsonl') && files.includes('nhs-pds.jsonl') && !files.includes('nhs-pds.csv'))
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { options: Record<string, unknown> }
    assert.deepEqual(manifest.options, { children: 400, seed: 'cli', authorities: 1, reference_date: '2025-06-30', formats: ['jsonl'], with_children: true })
  })

  it('explains itself in --help', async () => {
    const result = await run('--help')
    assert.equal(result.error?.code, 'commander.helpDisplayed')
    for (const text of ['--children <n>', '--seed <s>', '--out <dir>', '--authorities <n>', '--format <list>', '--with-children', '--reference-date <date>', 'truth.csv']) {
      assert.ok(result.out.includes(text), text)
    }
  })

  it('refuses bad options with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--children', '400'], /required option '--out <dir>'/],
      [['--children', '0', '--out', root], /expected a whole number from 1 to 20000000/],
      [['--children', 'many', '--out', root], /expected a whole number/],
      [['--format', 'xml', '--out', root], /expected a comma-separated list of jsonl, csv/],
      [['--reference-date', '2026-02-30', '--out', root], /expected a real date written YYYY-MM-DD/],
      [['--authorities', '151', '--out', root], /expected a whole number from 1 to 150/],
      [['--children', '20000000', '--authorities', '1', '--out', root], /too few authorities/],
    ]
    for (const [args, message] of cases) {
      const result = await run(...args)
      assert.ok(result.error, args.join(' '))
      assert.notEqual(result.error.exitCode, 0)
      assert.match(result.err, message)
    }
  })
})
