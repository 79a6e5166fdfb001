import assert from 'node:assert/strict'
import { test } from 'node:test'
import { archiveDueOn, birthdayAt } from './lifecycle.ts'

test('a record is due for archiving on the 18th birthday', () => {
  assert.equal(archiveDueOn('2010-06-15'), '2028-06-15')
  assert.equal(archiveDueOn('2009-12-31'), '2027-12-31')
})

test('a leap-day birthday falls on 28 February in a common year, and stays 29 February in a leap year', () => {
  assert.equal(archiveDueOn('2008-02-29'), '2026-02-28')
  assert.equal(birthdayAt('2008-02-29', 16), '2024-02-29')
  assert.equal(birthdayAt('2008-02-29', 25), '2033-02-28')
})
