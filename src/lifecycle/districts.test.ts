import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseDistrictCsv, postcodeDistrict } from './districts.ts'

test('the district of a postcode is its outward code, however it is spaced or cased', () => {
  assert.equal(postcodeDistrict('NT4 2AB'), 'NT4')
  assert.equal(postcodeDistrict(' nt42ab '), 'NT4')
  assert.equal(postcodeDistrict('SW1A 1AA'), 'SW1A')
  assert.equal(postcodeDistrict('M1 1AE'), 'M1')
  assert.equal(postcodeDistrict('not a postcode'), null)
  assert.equal(postcodeDistrict(''), null)
})

test('a district map CSV: header and comments skipped, districts normalised, each bad line named', () => {
  const { rows, problems } = parseDistrictCsv('district,authority\n# comment\nnt4,E06000901\n\nNT4,E06000901\nOT1 , E06000902\nNT4,E06000902\nX,E1\nOT2\n')
  assert.deepEqual(rows, [{ district: 'NT4', authorityCode: 'E06000901' }, { district: 'OT1', authorityCode: 'E06000902' }])
  assert.deepEqual(problems.map((p) => p.line), [7, 8, 9])
  assert.match(problems[0]?.message ?? '', /given twice, for different authorities/)
  assert.match(problems[1]?.message ?? '', /not a postcode district/)
  assert.match(problems[2]?.message ?? '', /expected two fields/)
})
