// Row validation: each reason a supplier can get, table-driven; and the published JSON Schema is
// the one the code builds, with examples from docs/feeds/README.md accepted.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { feedRecordSchema } from './feed-schema.ts'
import { validateJsonLine, type ValidationContext } from './feed-validate.ts'

const ctx: ValidationContext = { supplies: new Set(['identity', 'carers', 'involvements']), organisationCodes: new Set(['E06000901-YS']), today: '2026-11-24' }
const child = { given_name: 'Ada', family_name: 'Byron', date_of_birth: '2015-12-10' }
const inv = { involvement_id: 'I1', service_type: 'youth_service', organisation_code: 'E06000901-YS', started_on: '2025-01-01' }

const rejected: [string, unknown, string | RegExp][] = [
  ['broken JSON', '{"op":', /^not valid JSON/],
  ['unknown field', { op: 'upsert', record_id: 'R', child, colour: 'blue' }, "the record has an unknown field 'colour'"],
  ['unknown op', { op: 'merge', record_id: 'R' }, "op 'merge' is not one of: upsert, delete, involvement_ended"],
  ['no record_id', { op: 'upsert', child }, 'record_id is required'],
  ['upsert without child', { op: 'upsert', record_id: 'R' }, 'child is required for an upsert'],
  ['impossible date', { op: 'upsert', record_id: 'R', child: { ...child, date_of_birth: '2019-02-30' } }, "child.date_of_birth '2019-02-30' is not a real date"],
  ['date in another form', { op: 'upsert', record_id: 'R', child: { ...child, date_of_birth: '10/12/2015' } }, "child.date_of_birth '10/12/2015' is not a date in the form YYYY-MM-DD"],
  ['future date', { op: 'upsert', record_id: 'R', child: { ...child, date_of_birth: '2027-01-01' } }, "child.date_of_birth '2027-01-01' is in the future"],
  ['too old', { op: 'upsert', record_id: 'R', child: { ...child, date_of_birth: '1990-01-01' } }, /more than 26 years ago/],
  ['death before birth', { op: 'upsert', record_id: 'R', child: { ...child, date_of_death: '2014-01-01' } }, "child.date_of_death '2014-01-01' is before the date of birth"],
  ['bad gender', { op: 'upsert', record_id: 'R', child: { ...child, gender: 'x' } }, "child.gender 'x' is not one of: female, male, not_specified"],
  ['current address without lines', { op: 'upsert', record_id: 'R', child: { ...child, address: { status: 'current', lines: [] } } }, 'child.address.lines is required when the status is current'],
  ['return intent when not left', { op: 'upsert', record_id: 'R', child: { ...child, address: { status: 'current', lines: ['1 A St'], return_intent: 'unknown' } } }, 'child.address.return_intent is only allowed when the status is left_england'],
  ['unknown organisation', { op: 'upsert', record_id: 'R', child, involvements: [{ ...inv, organisation_code: 'NOPE' }] }, "involvements[0].organisation_code 'NOPE' is not a registered organisation"],
  ['sensitive without consent', { op: 'upsert', record_id: 'R', child, involvements: [{ ...inv, service_type: 'sexual_health' }] }, 'involvements[0].consent_basis is required for the sensitive service sexual_health'],
  ['consent on an ordinary service', { op: 'upsert', record_id: 'R', child, involvements: [{ ...inv, consent_basis: 'consent' }] }, 'involvements[0].consent_basis is only for sensitive services'],
  ['ended before started', { op: 'upsert', record_id: 'R', child, involvements: [{ ...inv, ended_on: '2024-01-01' }] }, "involvements[0].ended_on '2024-01-01' is before started_on"],
  ['same involvement twice', { op: 'upsert', record_id: 'R', child, involvements: [inv, inv] }, "involvement_id 'I1' appears twice in the record"],
  ['delete with content', { op: 'delete', record_id: 'R', child }, 'a delete carries only op and record_id'],
  ['ending without a date', { op: 'involvement_ended', record_id: 'R', involvements: [{ involvement_id: 'I1' }] }, 'involvements[0].ended_on is required'],
  ['control character', { op: 'upsert', record_id: 'R', child: { ...child, given_name: 'A\u0007da' } }, 'child.given_name contains a control character'],
]

for (const [name, row, reason] of rejected) {
  test(`rejected: ${name}`, () => {
    const result = validateJsonLine(typeof row === 'string' ? row : JSON.stringify(row), ctx)
    assert.equal(result.ok, false)
    if (!result.ok) {
      if (typeof reason === 'string') assert.equal(result.reason, reason)
      else assert.match(result.reason, reason)
    }
  })
}

test('a source that does not supply carers or involvements cannot send them', () => {
  const identityOnly = { ...ctx, supplies: new Set(['identity'] as const) }
  const r1 = validateJsonLine(JSON.stringify({ op: 'upsert', record_id: 'R', child, carers: [{ given_name: 'M', family_name: 'B', relationship: 'mother', parental_responsibility: true }] }), identityOnly)
  const r2 = validateJsonLine(JSON.stringify({ op: 'upsert', record_id: 'R', child, involvements: [inv] }), identityOnly)
  assert.deepEqual([r1.ok, r2.ok], [false, false])
})

test('a bad NHS number or postcode is dropped with a warning; the row is kept; values are standardised', () => {
  const r = validateJsonLine(JSON.stringify({ op: 'upsert', record_id: 'R', child: { ...child, nhs_number: '943 476 5918', address: { status: 'current', lines: ['1 A St'], postcode: '12345' } } }), ctx)
  assert.ok(r.ok)
  assert.equal(r.record.child?.nhs_number, null)
  assert.equal(r.record.child?.address?.postcode, null)
  assert.equal(r.warnings.length, 2)
  const good = validateJsonLine(JSON.stringify({ op: 'upsert', record_id: 'R', child: { ...child, nhs_number: '943 476 5919', address: { status: 'current', lines: ['1 A St'], postcode: 'nm11aa' } } }), ctx)
  assert.ok(good.ok)
  assert.equal(good.record.child?.nhs_number, '9434765919')
  assert.equal(good.record.child?.address?.postcode, 'NM1 1AA')
  assert.equal(good.warnings.length, 0)
})

test('docs/feeds/feed-record.schema.json is the schema the code builds', () => {
  const published = JSON.parse(fs.readFileSync(new URL('../../docs/feeds/feed-record.schema.json', import.meta.url), 'utf8'))
  assert.deepEqual(published, feedRecordSchema())
})

test('every example line in docs/feeds/README.md is accepted', () => {
  const readme = fs.readFileSync(new URL('../../docs/feeds/README.md', import.meta.url), 'utf8')
  const block = /```jsonl\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const lines = block.split('\n').filter((l) => l.trim())
  assert.ok(lines.length >= 3)
  for (const line of lines) {
    const r = validateJsonLine(line, ctx)
    assert.ok(r.ok, r.ok ? '' : r.reason)
  }
})
