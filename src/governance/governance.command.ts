// `contactpoint monitoring …`, `contactpoint investigations …`, `contactpoint reports …` and
// `contactpoint subject-access …`: the governance work from the command line, over the same services
// as the pages. Work on alerts, cases and children is done as a named user (--as), so the same
// policy decides and the audit trail names that person (channel cli).
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { fail, withRuntime } from '../cli/runtime.ts'
import { wholeNumber } from '../cli/options.ts'
import type { Config } from '../config/config.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { createServices, type Services } from '../services.ts'
import type { DatabaseHandle } from '../db/client.ts'
import { formatId } from '../web/format.ts'
import type { GovernanceContext } from './governance-access.ts'
import { formatDateTime, presentEntry, presentSubjectAccess, sarPdfLines } from './governance.presenter.ts'
import { renderPdf } from './pdf.ts'
import { monthlyCsv, workforceCsv, type MonthlyReport, type WorkforceReport } from './reports.service.ts'

const out = (text: string): void => {
  process.stdout.write(`${text}\n`)
}
const CLI_CONTEXT: GovernanceContext = { clientIp: 'cli', requestId: `cli-${process.pid}`, channel: 'cli' }
const day = (value: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('expected a date written YYYY-MM-DD')
  return value
}
const month = (value: string): string => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected a month written YYYY-MM')
  return value
}
const status = (all?: boolean, closed?: boolean): 'open' | 'closed' | 'all' => (all ? 'all' : closed ? 'closed' : 'open')

function servicesFor(database: DatabaseHandle, config: Config): Services {
  return createServices(database, { encryptionKey: config.dataEncryptionKey, publicUrl: config.http.publicUrl })
}

async function actor(services: Services, username: string): Promise<UserWithRoles> {
  const user = await services.repositories.users.findByUsername(username)
  if (!user || user.status !== 'active') fail(`there is no active user called ${username}`)
  return user
}

export function registerGovernanceCommands(program: Command): void {
  const monitoring = program.command('monitoring').description('Misuse monitoring: run the rules, and work the privacy officer\'s queue of alerts.')

  monitoring.command('run')
    .description('Run every monitoring rule over a day in England (default: yesterday and today, as the web service does on its schedule). Raises each alert once however often it runs.')
    .option('--day <date>', 'the day (YYYY-MM-DD)', day)
    .action((options: { day?: string }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      const reports = options.day ? [await services.monitoring.run(options.day)] : await services.monitoring.runDue()
      for (const r of reports) {
        const rules = Object.entries(r.byRule).map(([rule, n]) => `${rule} ${n}`).join(', ')
        out(`${r.day}: ${r.events.toLocaleString('en-GB')} searches and views checked; ${r.raised} alert${r.raised === 1 ? '' : 's'} raised${rules ? ` (${rules})` : ''}; ${r.suspended} account${r.suspended === 1 ? '' : 's'} suspended.`)
      }
    }))

  monitoring.command('alerts')
    .description('List the alerts in your queue (your authority\'s; the national queue for the national team).')
    .requiredOption('--as <username>', 'the privacy officer (or national administrator) doing this')
    .option('--all', 'open and closed').option('--closed', 'closed only')
    .action((options: { as: string; all?: boolean; closed?: boolean }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      const { alerts } = await services.monitoring.queue(await actor(services, options.as), status(options.all, options.closed), CLI_CONTEXT)
      if (alerts.length === 0) out('No alerts.')
      for (const a of alerts) out(`${a.id}  ${formatDateTime(a.raised_at)}  ${a.rule.padEnd(25)} ${a.user_username}  ${a.status}${a.user_suspended_at ? ' (suspended)' : ''}  ${a.summary}`)
    }))

  monitoring.command('suspend')
    .description('Suspend the account an alert is about, pending investigation (ends its sessions).')
    .argument('<alert-id>').requiredOption('--as <username>', 'the privacy officer doing this')
    .action((id: string, options: { as: string }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      await services.monitoring.suspendUser(await actor(services, options.as), id, CLI_CONTEXT)
      out('The account is suspended pending investigation.')
    }))

  monitoring.command('close')
    .description('Close an alert with the outcome of the investigation: legitimate, training_needed, misuse_confirmed or referred.')
    .argument('<alert-id>').requiredOption('--as <username>', 'the privacy officer doing this')
    .requiredOption('--outcome <outcome>').requiredOption('--note <text>', 'what the investigation found')
    .action((id: string, options: { as: string; outcome: string; note: string }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      await services.monitoring.close(await actor(services, options.as), id, { outcome: options.outcome, note: options.note }, CLI_CONTEXT)
      out('Alert closed.')
    }))

  const investigations = program.command('investigations').description('Shield override investigations: every override of a shield is a case until closed.')

  investigations.command('list')
    .requiredOption('--as <username>', 'the privacy officer (or national administrator) doing this')
    .option('--all', 'open and closed').option('--closed', 'closed only')
    .action((options: { as: string; all?: boolean; closed?: boolean }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      const cases = await services.investigations.list(await actor(services, options.as), status(options.all, options.closed), CLI_CONTEXT)
      if (cases.length === 0) out('No investigations.')
      for (const c of cases) out(`${c.id}  ${formatDateTime(c.created_at)}  child ${formatId(c.contactpoint_id)}  by ${c.user_display_name} (${c.organisation_name})  ${c.reason_code}  ${c.status}${c.outcome_code ? `: ${c.outcome_code}` : ''}`)
    }))

  investigations.command('close')
    .description('Close an override investigation: justified, not_justified or referred.')
    .argument('<id>').requiredOption('--as <username>', 'the privacy officer doing this')
    .requiredOption('--outcome <outcome>').requiredOption('--note <text>', 'what the investigation found')
    .action((id: string, options: { as: string; outcome: string; note: string }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      await services.investigations.close(await actor(services, options.as), id, { outcome: options.outcome, note: options.note }, CLI_CONTEXT)
      out('Investigation closed.')
    }))

  program.command('access-log')
    .description('Who accessed a child\'s record (newest first), as the web page shows it.')
    .argument('<contactpoint-id>').requiredOption('--as <username>', 'the privacy officer doing this')
    .action((id: string, options: { as: string }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      const log = await services.accessLog.childAccess(await actor(services, options.as), id, CLI_CONTEXT)
      for (const e of log.entries) {
        const v = presentEntry(e)
        out(`${v.when}  ${v.who} (${v.organisation})  ${v.what}  ${v.outcome}${v.reason ? `  reason: ${v.reason}` : ''}`)
      }
    }))

  program.command('subject-access')
    .description('Write the subject access report for a child as a PDF: everything held and who accessed it.')
    .argument('<contactpoint-id>').requiredOption('--as <username>', 'the privacy officer doing this')
    .requiredOption('--out <file>', 'the PDF to write')
    .action((id: string, options: { as: string; out: string }) => withRuntime(async ({ config, database }) => {
      const services = servicesFor(database, config)
      const sar = await services.accessLog.subjectAccess(await actor(services, options.as), id, 'pdf', CLI_CONTEXT)
      await writeFile(options.out, renderPdf(sarPdfLines(presentSubjectAccess(sar)), `ContactPoint subject access report, ${formatId(sar.child.contactpoint_id)}`), { mode: 0o600 })
      out(`Wrote ${options.out} (${sar.entries.length} audit events).${sar.child.shielded ? ' The child is shielded: check the report before releasing it.' : ''}`)
    }))

  const reports = program.command('reports').description('Management information and workforce readiness, per authority or for England.')

  reports.command('monthly')
    .description('The monthly highlight report: users, searches, views, data quality, coverage, alerts, overrides.')
    .option('--authority <code>', 'a local authority (code or LA number); England when left out')
    .option('--month <YYYY-MM>', 'the month (default this month)', month)
    .option('--csv', 'print CSV')
    .action((options: { authority?: string; month?: string; csv?: boolean }) => withRuntime(async ({ config, database }) => {
      const report = await servicesFor(database, config).reports.monthly({ operator: true }, options.authority ?? null, options.month)
      process.stdout.write(options.csv ? monthlyCsv(report) : formatMonthly(report))
    }, { logLevel: 'warn' }))

  reports.command('workforce')
    .description('Workforce readiness per authority and agency: potential and registered users, DBS checks, training, access channel.')
    .option('--authority <code>', 'a local authority (code or LA number); England when left out')
    .option('--csv', 'print CSV')
    .action((options: { authority?: string; csv?: boolean }) => withRuntime(async ({ config, database }) => {
      const report = await servicesFor(database, config).reports.workforce({ operator: true }, options.authority ?? null)
      process.stdout.write(options.csv ? workforceCsv(report) : formatWorkforce(report))
    }, { logLevel: 'warn' }))

  reports.command('set-potential')
    .description('Record the workforce analysis\' estimate of an organisation\'s staff who will need ContactPoint.')
    .argument('<organisation-code>').argument('<count>', 'number of potential users', wholeNumber(0, 10_000_000))
    .action((code: string, count: number) => withRuntime(async ({ config, database }) => {
      const { name } = await servicesFor(database, config).reports.setPotentialUsers(code, count)
      out(`${name}: ${count.toLocaleString('en-GB')} potential users.`)
    }))
}

function formatMonthly(r: MonthlyReport): string {
  const n = (v: number): string => v.toLocaleString('en-GB').padStart(10)
  const lines = [
    `Monthly report: ${r.scope.name}, ${r.month}`, '',
    `  Active accounts                      ${n(r.users.active)}`, `  Registered this month                ${n(r.users.registeredInPeriod)}`,
    `  Suspended accounts                   ${n(r.users.suspended)}`, `  Users who searched or viewed         ${n(r.usage.activeUsers)}`,
    `  Sign-ins                             ${n(r.usage.signIns)}`, `  Searches                             ${n(r.usage.searches)}`,
    `  Records viewed                       ${n(r.usage.views)}`, `  Refused requests                     ${n(r.usage.denied)}`,
    `  Live children                        ${n(r.dataQuality.children)}`, `  Possible matches to review           ${n(r.dataQuality.openReviews)}`,
    `  Conflicts to resolve                 ${n(r.dataQuality.openConflicts)}`, `  School age, no school place          ${n(r.coverage.ofSchoolAgeWithoutSchool)}`,
    `  No GP practice                       ${n(r.coverage.withoutGp)}`, `  Shield overrides (still open)        ${n(r.overrides.made)} (${r.overrides.open})`,
    '', '  Alerts raised (closed) by rule:', ...(r.alerts.length ? r.alerts.map((a) => `    ${a.rule.padEnd(28)} ${n(a.raised)} (${a.closed})`) : ['    none']),
  ]
  return `${lines.join('\n')}\n`
}

function formatWorkforce(r: WorkforceReport): string {
  const lines = [`Workforce readiness: ${r.scope.name}, ${r.asOf}`, '',
    'authority / agency                         potential  registered  active  DBS valid/lapsing/lapsed  trained  web/cms/both']
  for (const row of r.rows) {
    lines.push(`${`${row.authority_name ?? 'National'} / ${row.kind}`.padEnd(42).slice(0, 42)} ${String(row.potential ?? '-').padStart(9)}  ${String(row.registered).padStart(10)}  ${String(row.active).padStart(6)}  ${`${row.dbs_valid}/${row.dbs_due}/${row.dbs_lapsed}`.padStart(24)}  ${String(row.trained).padStart(7)}  ${`${row.web}/${row.cms}/${row.both}`.padStart(12)}`)
  }
  return `${lines.join('\n')}\n`
}
