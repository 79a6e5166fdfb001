// `contactpoint lifecycle …` and `contactpoint coverage`: the record-lifecycle job on demand (the web
// service also runs it once a day), the postcode-district map it transfers children by, and the
// authority's coverage report. Output is counts and, when asked, ContactPoint IDs: never personal data.
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { isIsoDate } from '../children/lifecycle.ts'
import { fail, withRuntime, type Runtime } from '../cli/runtime.ts'
import { pendingMigrations } from '../db/migrate.ts'
import { createServices } from '../services.ts'
import { formatCoverageReport } from './coverage.service.ts'
import { parseDistrictCsv } from './districts.ts'
import { formatLifecycleReport } from './lifecycle.service.ts'

const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

function isoDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('expected a date as YYYY-MM-DD')
  return value
}

async function servicesOf(runtime: Runtime) {
  const pending = await pendingMigrations(runtime.database.db)
  if (pending.length) fail(`the store has ${pending.length} pending migration(s): run "npx contactpoint migrate" first`)
  return createServices(runtime.database, { encryptionKey: runtime.config.dataEncryptionKey, publicUrl: runtime.config.http.publicUrl })
}

export function registerLifecycleCommands(program: Command): void {
  const lifecycle = program.command('lifecycle')
    .description('The record lifecycle: archive at 18 (or the extended age), a year after death or after leaving England; delete six years after archiving; transfer to the authority of the current address. The web service runs it once a day.')

  lifecycle.command('run')
    .description('Apply the lifecycle rules as of a date (default: today in England) and print what was done, in counts. Running it again for the same date changes nothing.')
    .option('--as-of <date>', 'apply the rules as of this date (YYYY-MM-DD); not after today unless --dry-run', isoDate)
    .option('--dry-run', 'show what a run would do, and change nothing (may look ahead)')
    .option('--json', 'print the report as JSON')
    .action((options: { asOf?: string; dryRun?: boolean; json?: boolean }) => withRuntime(async (runtime) => {
      const services = await servicesOf(runtime)
      const report = await services.lifecycle.run({ asOf: options.asOf ?? services.lifecycle.today(), dryRun: options.dryRun ?? false, channel: 'cli' })
      out(options.json ? JSON.stringify(report, null, 2) : formatLifecycleReport(report))
    }, { logLevel: 'warn' }))

  lifecycle.command('districts')
    .description('Load the postcode district → local authority map that transfers follow, from a CSV of "district,authority" lines (authority: the organisation code, e.g. an ONS code). Adds and moves districts; never removes one. Without FILE, lists the map\'s size.')
    .argument('[file]', 'CSV file: district,authority (a header line and # comments are allowed)')
    .action((file: string | undefined) => withRuntime(async (runtime) => {
      const services = await servicesOf(runtime)
      const repository = services.repositories.lifecycle
      if (file === undefined) {
        out(`Postcode districts mapped to authorities: ${(await repository.countDistricts()).toLocaleString('en-GB')}.`)
        return
      }
      const { rows, problems } = parseDistrictCsv(await readFile(file, 'utf8'))
      const authorities = await repository.authorityIdsByCode()
      for (const row of rows) {
        if (!authorities.has(row.authorityCode)) problems.push({ line: 0, message: `no local authority has the code ${row.authorityCode} (district ${row.district})` })
      }
      if (problems.length) {
        fail(`the map was not loaded:\n${problems.slice(0, 20).map((p) => `  ${p.line ? `line ${p.line}: ` : ''}${p.message}`).join('\n')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`)
      }
      const written = await repository.upsertDistricts(rows.map((r) => ({ district: r.district, authorityId: authorities.get(r.authorityCode) as string })), services.clock.now())
      await services.repositories.audit.append({
        channel: 'cli', action: 'lifecycle.districts_load', outcome: 'success', subjectType: 'postcode_district', subjectId: null,
        details: { districts: rows.length }, occurredAt: services.clock.now(),
      })
      out(`Loaded ${written.toLocaleString('en-GB')} postcode districts; ${(await repository.countDistricts()).toLocaleString('en-GB')} are mapped in all.`)
    }, { logLevel: 'warn' }))

  program.command('coverage')
    .description('Coverage for one local authority: its live children of compulsory school age (5 to 15) with no current school place, and those with no GP practice ("children missing education"). Counts; ContactPoint IDs only with --list.')
    .requiredOption('--authority <code>', 'the authority\'s organisation code (e.g. ONS code) or 3-digit LA number')
    .option('--as-of <date>', 'as of this date (YYYY-MM-DD; default today in England)', isoDate)
    .option('--list', 'also list the ContactPoint IDs in each gap (nothing else about them)')
    .option('--json', 'print the report as JSON')
    .action((options: { authority: string; asOf?: string; list?: boolean; json?: boolean }) => withRuntime(async (runtime) => {
      const services = await servicesOf(runtime)
      const report = await services.coverage.report({
        authority: options.authority, list: options.list ?? false, channel: 'cli', ...(options.asOf ? { asOf: options.asOf } : {}),
      })
      out(options.json ? JSON.stringify(report, null, 2) : formatCoverageReport(report))
    }, { logLevel: 'warn' }))
}
