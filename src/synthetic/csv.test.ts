import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IDENTITY_CSV_COLUMNS } from '../feeds/feed-record.ts'
import { csvField, IDENTITY_CSV_HEADER, identityCsvRow } from './csv.ts'
import { parseCsv } from './test-support.ts'

describe('CSV writing', () => {
  it('quotes only what needs quoting', () => {
    assert.equal(csvField('Amelia'), 'Amelia')
    assert.equal(csvField("O'Brien"), "O'Brien")
    assert.equal(csvField('Zoë Nguyễn'), 'Zoë Nguyễn')
    assert.equal(csvField('12 High Street, Northmoor'), '"12 High Street, Northmoor"')
    assert.equal(csvField('say "hi"'), '"say ""hi"""')
    assert.equal(csvField('two\nlines'), '"two\nlines"')
    assert.equal(csvField(' padded '), '" padded "')
    assert.equal(csvField(null), '')
  })

  it('writes identity rows that read back exactly, Unicode and awkward text included', () => {
    const record = {
      op: 'upsert' as const,
      record_id: 'X-1',
      child: {
        given_name: 'Siobhán "Shiv"', middle_names: 'Zoë\nMarie', family_name: 'Okonkwo-Mensah ', former_family_names: ["O'Brien", 'Wiśniewska'],
        date_of_birth: '2014-03-07', gender: 'female' as const, nhs_number: '9434765919', upn: null,
        address: { lines: ['Flat 3, Rowan House', '45 Station Road'], town: 'Northmoor', postcode: 'NT4 7QJ', status: 'current' as const },
      },
      carers: [
        { given_name: 'Siobhán', family_name: "O'Brien", relationship: 'mother' as const, parental_responsibility: true },
        { given_name: 'Chidi', family_name: 'Okonkwo-Mensah', relationship: 'father' as const, parental_responsibility: true },
      ],
    }
    const [header, row] = parseCsv(IDENTITY_CSV_HEADER + identityCsvRow('northmoor-education', record))
    assert.deepEqual(header, [...IDENTITY_CSV_COLUMNS])
    assert.deepEqual(row, [
      'northmoor-education', 'X-1', 'Siobhán "Shiv"', 'Zoë\nMarie', 'Okonkwo-Mensah ', "O'Brien;Wiśniewska", '2014-03-07', 'female',
      'Flat 3, Rowan House, 45 Station Road, Northmoor', 'NT4 7QJ', '9434765919', '',
      "Siobhán O'Brien;Chidi Okonkwo-Mensah",
    ])
  })
})
