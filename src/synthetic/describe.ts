// Markdown tables of the model, printed into docs/synthetic.md between
// `<!-- synthetic:NAME:start -->` and `<!-- synthetic:NAME:end -->` (a test keeps them equal).
// `node src/synthetic/describe.ts` rewrites them after the data changes.

import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ORIGINS } from './data/origins.ts'
import type { Eligibility } from './sources.ts'
import { ERROR_KINDS, SOURCE_PROFILES } from './sources.ts'

const ELIGIBILITY: Readonly<Record<Eligibility, string>> = {
  child_benefit: 'children under 16, or 16–17 in education, not in foster care',
  nhs_registered: 'children with an NHS number',
  state_pupil: 'pupils in Reception to Year 11 at state-funded schools',
  born_in_england: 'children born in England',
  recent_arrival: 'children born abroad who arrived in the last 3 years',
  service: 'children with an involvement of its services',
}

const percent = (rate: number): string => `${Number((rate * 100).toPrecision(3))}%`

export function sourcesTable(): string {
  const rows = SOURCE_PROFILES.map((p) => {
    const code = p.scope === 'national' ? `\`${p.key}\`` : `\`<authority>-${p.key}\``
    const identifiers = [p.nhsNumber ? 'NHS number' : '', p.upn ? 'UPN' : ''].filter((s) => s !== '').join(', ') || '–'
    const services = p.services.length > 0 ? p.services.map((s) => `\`${s}\``).join(', ') : '–'
    const coverage = `${percent(p.coverage)} of ${ELIGIBILITY[p.eligibility]}${p.unit === 'household' ? ' (decided per household)' : ''}`
    return `| ${code} | ${p.name} | ${coverage} | ${identifiers} | ${services} | ${p.carers} |`
  })
  return ['| Source | Name | Holds | Identifiers | Involvements | Carers |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n')
}

export function errorRatesTable(): string {
  const header = `| Error | ${SOURCE_PROFILES.map((p) => p.key).join(' | ')} |`
  const rule = `| --- | ${SOURCE_PROFILES.map(() => '---:').join(' | ')} |`
  const rows = ERROR_KINDS.map((kind) =>
    `| \`${kind}\` | ${SOURCE_PROFILES.map((p) => (p.errors[kind] ? percent(p.errors[kind]) : '')).join(' | ')} |`)
  return [header, rule, ...rows].join('\n')
}

export function originsTable(): string {
  const total = ORIGINS.reduce((sum, o) => sum + o.share, 0)
  const rows = ORIGINS.map((o) =>
    `| ${o.code.replace('_', ' ')} | ${percent(o.share / total)} | ${percent(o.englishGiven)} | ${percent(o.migrant)} |${o.feminineSurnames ? ' feminine surname forms |' : ' |'}`)
  return ['| Origin | Share of households | Given names from the English pool | Arrived from abroad | Notes |', '| --- | ---: | ---: | ---: | --- |', ...rows].join('\n')
}

const TABLES: Readonly<Record<string, () => string>> = { origins: originsTable, sources: sourcesTable, errors: errorRatesTable }

/** The document with every generated table brought up to date. */
export function renderDocTables(doc: string): string {
  return Object.entries(TABLES).reduce((text, [name, table]) => {
    const start = `<!-- synthetic:${name}:start -->`
    const end = `<!-- synthetic:${name}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from < 0 || to < from) throw new Error(`docs/synthetic.md has no ${start} … ${end} section`)
    return `${text.slice(0, from + start.length)}\n${table()}\n${text.slice(to)}`
  }, doc)
}

export const DOC_FILE = fileURLToPath(new URL('../../docs/synthetic.md', import.meta.url))

if (import.meta.main) await writeFile(DOC_FILE, renderDocTables(await readFile(DOC_FILE, 'utf8')))
