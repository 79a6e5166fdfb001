import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  archiveDue, archiveDueOn, archiveReadableUntil, birthdayAt, deleteDueOn, isOfCompulsorySchoolAge, londonDate, type LifecycleFacts,
} from './lifecycle.ts'

test('a record is due for archiving on the 18th birthday', () => {
  assert.equal(archiveDueOn('2010-06-15'), '2028-06-15')
  assert.equal(archiveDueOn('2009-12-31'), '2027-12-31')
})

test('a leap-day birthday falls on 28 February in a common year, and stays 29 February in a leap year', () => {
  assert.equal(archiveDueOn('2008-02-29'), '2026-02-28')
  assert.equal(birthdayAt('2008-02-29', 16), '2024-02-29')
  assert.equal(birthdayAt('2008-02-29', 25), '2033-02-28')
})

const facts = (overrides: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  dateOfBirth: '2010-06-15', dateOfDeath: null, retentionExtendedTo: null, addressStatus: 'current', returnIntent: null,
  leftEnglandOn: null, ...overrides,
})

test('archived on the 18th birthday; a leap-day child on 28 February in a common year', () => {
  assert.deepEqual(archiveDue(facts()), { on: '2028-06-15', rule: 'age' })
  assert.deepEqual(archiveDue(facts({ dateOfBirth: '2008-02-29' })), { on: '2026-02-28', rule: 'age' })
  assert.deepEqual(archiveDue(facts({ dateOfBirth: '2010-02-28' })), { on: '2028-02-28', rule: 'age' })
})

test('an extension with consent moves the archive date, but never earlier than the 18th birthday', () => {
  assert.deepEqual(archiveDue(facts({ retentionExtendedTo: '2035-06-14' })), { on: '2035-06-14', rule: 'extended_age' })
  assert.deepEqual(archiveDue(facts({ retentionExtendedTo: '2020-01-01' })), { on: '2028-06-15', rule: 'age' })
})

test('a child who died stays live for a year after the date of death (a leap day: 28 February next year)', () => {
  assert.deepEqual(archiveDue(facts({ dateOfDeath: '2024-02-29' })), { on: '2025-02-28', rule: 'death' })
  assert.deepEqual(archiveDue(facts({ dateOfDeath: '2028-01-01' })), { on: '2028-06-15', rule: 'age' }, 'the 18th birthday comes first')
  assert.deepEqual(archiveDue(facts({ dateOfDeath: '2027-06-15' })), { on: '2028-06-15', rule: 'death' }, 'the same day: death is the reason')
})

test('left England: 3 years to return when intending to or not known; 1 year when not intending to', () => {
  const left = { addressStatus: 'left_england' as const, leftEnglandOn: '2020-03-01' }
  assert.deepEqual(archiveDue(facts({ ...left, returnIntent: 'intends_to_return' })), { on: '2023-03-01', rule: 'left_england' })
  assert.deepEqual(archiveDue(facts({ ...left, returnIntent: 'unknown' })), { on: '2023-03-01', rule: 'left_england' })
  assert.deepEqual(archiveDue(facts({ ...left, returnIntent: 'does_not_intend_to_return' })), { on: '2021-03-01', rule: 'left_england' })
  assert.deepEqual(archiveDue(facts({ ...left, returnIntent: 'unknown', leftEnglandOn: null })), { on: '2028-06-15', rule: 'age' }, 'no start date yet: no window')
  assert.deepEqual(archiveDue(facts({ returnIntent: null, leftEnglandOn: '2020-03-01' })), { on: '2028-06-15', rule: 'age' }, 'came back: no window')
})

test('archives are readable for a year and deleted six years after archiving', () => {
  assert.equal(archiveReadableUntil('2026-06-15'), '2027-06-15')
  assert.equal(deleteDueOn('2026-06-15'), '2032-06-15')
  assert.equal(deleteDueOn('2028-02-29'), '2034-02-28')
})

test('compulsory school age runs from the 5th birthday to the day before the 16th', () => {
  assert.equal(isOfCompulsorySchoolAge('2015-09-01', '2020-08-31'), false)
  assert.equal(isOfCompulsorySchoolAge('2015-09-01', '2020-09-01'), true)
  assert.equal(isOfCompulsorySchoolAge('2015-09-01', '2031-08-31'), true)
  assert.equal(isOfCompulsorySchoolAge('2015-09-01', '2031-09-01'), false)
})

test('the date in England: birthdays begin at midnight London time, an hour before UTC in summer', () => {
  assert.equal(londonDate(new Date('2026-06-14T23:30:00Z')), '2026-06-15')
  assert.equal(londonDate(new Date('2026-12-14T23:30:00Z')), '2026-12-14')
})
