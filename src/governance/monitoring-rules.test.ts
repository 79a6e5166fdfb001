// Each misuse rule on its own, at its threshold and just below it, and what explains access away
// (an involvement, an authority role, a user's own night-time pattern).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  THRESHOLDS, evaluateRules, isUnusualHour, percentile, selfSearchFlags, streetKey,
  type ActivityEvent, type ChildFactsForMonitoring, type UserFacts,
} from './monitoring-rules.ts'

const DAY = new Date('2026-03-10T00:00:00Z')
const END = new Date('2026-03-11T00:00:00Z')
let seq = 0
const at = (hhmm: string, day = '2026-03-10') => new Date(`${day}T${hhmm}:00Z`)
const view = (childId: string, when = at('10:00'), extra: Partial<ActivityEvent> = {}): ActivityEvent =>
  ({ seq: String(++seq), at: when, userId: 'u1', action: 'child.view', childId, ...extra })
const search = (when = at('10:00'), extra: Partial<ActivityEvent> = {}): ActivityEvent =>
  ({ seq: String(++seq), at: when, userId: 'u1', action: 'child.search', childId: null, ...extra })

const user: UserFacts = {
  id: 'u1', authorityId: 'north', organisationId: 'school-1', authorityRoleIn: [], familyName: 'Thornbury',
  homeStreet: '14 Orchard Way', homePostcode: 'NM3 4EF', nightsActiveBefore: 0,
}
function child(id: string, overrides: Partial<ChildFactsForMonitoring> = {}): ChildFactsForMonitoring {
  return { contactPointId: id, authorityId: 'north', shielded: false, familyName: 'Amberley', street: '2 Mill Lane', postcode: 'NM1 1AA',
    involvedOrganisationIds: new Set(['school-1']), involvedUserIds: new Set(), ...overrides }
}
function run(events: ActivityEvent[], children: ChildFactsForMonitoring[], users: UserFacts[] = [user]) {
  return evaluateRules({
    windowStart: DAY, windowEnd: END, windowLabel: '2026-03-10', events,
    users: new Map(users.map((u) => [u.id, u])), children: new Map(children.map((c) => [c.contactPointId, c])),
  })
}
const rules = (alerts: ReturnType<typeof run>) => alerts.map((a) => a.rule).sort()

describe('unusual volume', () => {
  test('more distinct children in a day than the floor raises one alert; at the floor, none', () => {
    const kids = Array.from({ length: THRESHOLDS.viewsPerDay + 1 }, (_, i) => child(`c${i}`))
    // Spread over the day so the hourly burst rule stays quiet.
    const spread = (n: number) => kids.slice(0, n).map((k, i) => view(k.contactPointId, new Date(DAY.getTime() + 8 * 3_600_000 + i * 600_000)))
    assert.deepEqual(rules(run(spread(THRESHOLDS.viewsPerDay), kids)), [])
    const alerts = run(spread(THRESHOLDS.viewsPerDay + 1), kids)
    assert.deepEqual(rules(alerts), ['volume'])
    assert.equal(alerts[0]?.suspend, false)
    assert.equal(alerts[0]?.dedupeKey, 'volume|u1|2026-03-10')
  })

  test('a burst within one hour is volume too; far beyond the limit suspends', () => {
    const kids = Array.from({ length: 200 }, (_, i) => child(`c${i}`))
    const burst = kids.slice(0, THRESHOLDS.viewsPerHour + 1).map((k, i) => view(k.contactPointId, new Date(at('10:00').getTime() + i * 60_000)))
    assert.deepEqual(rules(run(burst, kids)), ['volume'])
    const harvest = kids.map((k, i) => view(k.contactPointId, new Date(at('09:00').getTime() + i * 20_000)))
    assert.equal(run(harvest, kids)[0]?.suspend, true)
  })

  test('the threshold rises with the peer group: busy colleagues make a busy day normal', () => {
    const busy = Array.from({ length: 20 }, (_, n) => ({ ...user, id: `peer${n}` }))
    const kids = Array.from({ length: 60 }, (_, i) => child(`c${i}`))
    const events = busy.flatMap((u) => kids.slice(0, 50).map((k, i) => ({ ...view(k.contactPointId, new Date(DAY.getTime() + 8 * 3_600_000 + i * 600_000)), userId: u.id })))
    assert.deepEqual(rules(run(events, kids, busy)), [])
  })

  test('searches: more than the daily floor', () => {
    const events = Array.from({ length: THRESHOLDS.searchesPerDay + 1 }, (_, i) => search(new Date(DAY.getTime() + 6 * 3_600_000 + i * 300_000)))
    assert.deepEqual(rules(run(events, [])), ['volume'])
    assert.deepEqual(rules(run(events.slice(1), [])), [])
  })
})

describe('own surname and own street', () => {
  test('a search flagged as the user\'s own surname alerts; a view of a same-surname child with no involvement alerts', () => {
    assert.deepEqual(rules(run([search(at('10:00'), { ownSurname: true })], [])), [], 'one unexplained search for a common name is a coincidence')
    assert.deepEqual(rules(run([search(at('10:00'), { ownSurname: true }), search(at('11:00'), { ownSurname: true })], [])), ['own_surname'])
    const same = child('c1', { familyName: 'THORNBURY', involvedOrganisationIds: new Set() })
    assert.deepEqual(rules(run([view('c1')], [same])), ['own_surname'])
  })

  test('the same surname with an involvement of the user\'s organisation is their work', () => {
    assert.deepEqual(rules(run([view('c1')], [child('c1', { familyName: 'Thornbury' })])), [])
  })

  test('a child on the user\'s own street, or at their postcode, without an involvement', () => {
    const neighbour = child('c1', { street: '22 Orchard Way', involvedOrganisationIds: new Set() })
    assert.deepEqual(rules(run([view('c1')], [neighbour])), ['own_street'])
    const samePostcode = child('c2', { postcode: 'nm34ef', involvedOrganisationIds: new Set() })
    assert.deepEqual(rules(run([view('c2')], [samePostcode])), ['own_street'])
    assert.deepEqual(rules(run([search(at('10:00'), { ownStreet: true })], [])), ['own_street'])
  })

  test('the search flags come from what was typed, which is then dropped', () => {
    const me = { display_name: 'Joanne Thornbury', home_street: '14 Orchard Way', home_postcode: 'NM3 4EF' }
    assert.deepEqual(selfSearchFlags(me, { familyName: 'thornbury' }), { ownSurname: true, ownStreet: false })
    assert.deepEqual(selfSearchFlags(me, { familyName: 'Amberley', address: ['orchard', 'way'] }), { ownSurname: false, ownStreet: true })
    assert.deepEqual(selfSearchFlags(me, { familyName: 'Amberley', postcode: { compact: 'NM34EF' } }), { ownSurname: false, ownStreet: true })
    assert.deepEqual(selfSearchFlags(me, { familyName: 'Amberley', postcode: { compact: 'NM3' } }), { ownSurname: false, ownStreet: false })
    assert.equal(streetKey('14a Orchard Way'), 'orchardway')
  })
})

describe('repeated views without an involvement', () => {
  test('the third view of one child within 7 days alerts on the day it happens', () => {
    const stranger = child('c1', { involvedOrganisationIds: new Set() })
    const earlier = [view('c1', at('10:00', '2026-03-05')), view('c1', at('10:00', '2026-03-08'))]
    assert.deepEqual(rules(run([...earlier, view('c1', at('11:00'))], [stranger])), ['views_without_involvement'])
    assert.deepEqual(rules(run(earlier, [stranger])), [], 'nothing in the window: raised on the day of the third view, not again')
    assert.deepEqual(rules(run([view('c1', at('10:00', '2026-03-01')), view('c1', at('10:00', '2026-03-02')), view('c1', at('11:00'))], [stranger])), [], 'older views fall out of the look-back')
  })

  test('an involvement, or an authority role for the child\'s authority, explains repeated views', () => {
    const views = [view('c1', at('09:00')), view('c1', at('10:00')), view('c1', at('11:00'))]
    assert.deepEqual(rules(run(views, [child('c1')])), [])
    assert.deepEqual(rules(run(views, [child('c1', { involvedOrganisationIds: new Set() })], [{ ...user, authorityRoleIn: ['north'] }])), [])
  })
})

describe('out-of-area access', () => {
  test('a child of another authority with no involvement alerts; with one, it does not', () => {
    assert.deepEqual(rules(run([view('c1')], [child('c1', { authorityId: 'south', involvedOrganisationIds: new Set() })])), ['out_of_area'])
    assert.deepEqual(rules(run([view('c1')], [child('c1', { authorityId: 'south' })])), [])
  })
})

describe('shielded-record access', () => {
  test('three touches of shielded records in a day alert; two do not; the user\'s own work does not count', () => {
    const mine = child('m1', { shielded: true })
    assert.deepEqual(rules(run([view('m1', at('09:00')), view('m1', at('10:00')), view('m1', at('11:00'))], [mine])), [])
    const shielded = child('s1', { shielded: true, involvedOrganisationIds: new Set() })
    const two = [view('s1', at('09:00'), { restricted: true }), search(at('10:00'), { shieldedResults: 1 })]
    assert.deepEqual(rules(run(two, [shielded])), [])
    assert.deepEqual(rules(run([...two, { ...view('s1', at('11:00')), action: 'child.override_shield' }], [shielded])), ['shielded_access'])
  })
})

describe('unusual hours', () => {
  test('three searches or views between 22:00 and 06:00 in England alert', () => {
    const night = [search(at('23:10')), view('c1', at('23:20')), view('c2', at('23:40'))]
    assert.deepEqual(rules(run(night, [child('c1'), child('c2')])), ['unusual_hours'])
    assert.deepEqual(rules(run(night.slice(0, 2), [child('c1')])), [])
  })

  test('a user who often works at night (an emergency duty team) is not alerted', () => {
    const night = [search(at('23:10')), view('c1', at('23:20')), view('c2', at('23:40'))]
    assert.deepEqual(rules(run(night, [child('c1'), child('c2')], [{ ...user, nightsActiveBefore: THRESHOLDS.nightBaselineNights }])), [])
  })

  test('hours are English hours: 05:30 UTC in summer is 06:30 in London', () => {
    assert.equal(isUnusualHour(new Date('2026-01-15T05:30:00Z')), true)
    assert.equal(isUnusualHour(new Date('2026-07-15T05:30:00Z')), false)
    assert.equal(isUnusualHour(new Date('2026-07-15T21:30:00Z')), true)
  })
})

test('alerts go to the queue of the user\'s authority and carry no names', () => {
  const [alert] = run([view('c1')], [child('c1', { authorityId: 'south', involvedOrganisationIds: new Set(), familyName: 'Secretname' })])
  assert.equal(alert?.authorityId, 'north')
  assert.deepEqual(alert?.evidence.children, ['c1'])
  assert.doesNotMatch(JSON.stringify(alert), /Secretname/)
})

test('percentile', () => {
  assert.equal(percentile([], 0.95), 0)
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100], 0.95), 100)
})

test('a search for one\'s own surname followed by a record of that name the user works with is explained', () => {
  const own = child('c1', { familyName: 'Thornbury' })
  assert.deepEqual(rules(run([search(at('10:00'), { ownSurname: true }), view('c1', at('10:02'))], [own])), [])
  const twice = [search(at('10:00'), { ownSurname: true }), search(at('10:05'), { ownSurname: true })]
  assert.deepEqual(rules(run([...twice, view('c1', at('10:30'))], [own])), ['own_surname'], 'too long after')
})
