// The access policy, walked as a whole generated matrix (every role × action × record state ×
// own or other authority), checked against rules stated here independently of the policy table,
// and against the published matrix in docs/access-matrix.md.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ROLES, type Role } from '../db/schema.ts'
import { ACTIONS, RECORD_ACTION_LIST, RECORD_STATES, accessMatrixMarkdown, childInState, decide, type Action, type Decision } from './policy.ts'

const AUTHORITY_ROLES: readonly Role[] = ['authority_data_manager', 'authority_user_admin', 'authority_privacy_officer']
const SYSTEM_ROLES: readonly Role[] = ['data_supplier', 'cms_client']

/** Every cell of the matrix for single-role users of authority 'own'. */
function* matrix(): Generator<{ role: Role; action: Action; state: (typeof RECORD_STATES)[number]; where: 'own' | 'other'; decision: Decision }> {
  for (const role of ROLES) {
    for (const action of RECORD_ACTION_LIST) {
      for (const state of RECORD_STATES) {
        for (const where of ['own', 'other'] as const) {
          yield { role, action, state, where, decision: decide({ roles: [{ role, authorityId: 'own' }] }, action, { child: childInState(state, where) }) }
        }
      }
    }
  }
}

const cells = [...matrix()]

test('the matrix covers every role, action, record state and authority', () => {
  assert.equal(cells.length, ROLES.length * RECORD_ACTION_LIST.length * RECORD_STATES.length * 2)
  assert.ok(cells.some((c) => c.decision.allowed) && cells.some((c) => !c.decision.allowed))
})

test('system accounts never act on a child record', () => {
  for (const c of cells.filter((c) => SYSTEM_ROLES.includes(c.role))) assert.equal(c.decision.allowed, false, `${c.role} ${c.action}`)
})

test('authority roles never reach another authority\'s records', () => {
  for (const c of cells.filter((c) => AUTHORITY_ROLES.includes(c.role) && c.where === 'other')) {
    assert.equal(c.decision.allowed, false, `${c.role} ${c.action} ${c.state}`)
  }
})

test('a shielded record is never shown in full: only limited views, or an override that needs a reason', () => {
  for (const c of cells.filter((c) => c.state === 'shielded' && c.decision.allowed && ['child.view', 'child.search', 'child.phone_enquiry'].includes(c.action))) {
    assert.equal(c.decision.restricted, true, `${c.role} ${c.action}`)
  }
  const overrides = cells.filter((c) => c.action === 'child.override_shield' && c.decision.allowed)
  assert.ok(overrides.length > 0)
  for (const c of overrides) {
    assert.equal(c.role, 'practitioner_shield_override')
    assert.equal(c.state, 'shielded')
    assert.equal(c.decision.needsReason, true)
  }
})

test('practitioners cannot record or change anything on a shielded record', () => {
  for (const action of ['child.record_involvement', 'child.end_involvement', 'child.set_marker', 'child.remove_marker', 'child.report_error', 'child.set_indicator'] as const) {
    assert.equal(decide({ roles: [{ role: 'practitioner', authorityId: 'own' }] }, action, { child: childInState('shielded', 'own') }).allowed, false, action)
  }
})

test('archived records: data managers of the authority read them for a year; nobody else, and nothing else', () => {
  for (const c of cells.filter((c) => c.state.startsWith('archived') && c.decision.allowed)) {
    assert.ok(c.action === 'child.view_access_log' || c.action === 'child.subject_access_report' || c.action === 'child.view_archived', `${c.role} ${c.action}`)
    if (c.action === 'child.view_archived') {
      assert.equal(c.role, 'authority_data_manager')
      assert.equal(c.where, 'own')
      assert.equal(c.state, 'archived_recently')
    }
  }
})

test('a merged record allows only splitting and reading who accessed it', () => {
  const allowed = new Set(cells.filter((c) => c.state === 'merged' && c.decision.allowed).map((c) => c.action))
  assert.deepEqual([...allowed].sort(), ['child.split', 'child.subject_access_report', 'child.view_access_log'])
})

test('practitioners may find and view any authority\'s children (children move), but never administer them', () => {
  const practitioner = { roles: [{ role: 'practitioner' as const, authorityId: 'own' }] }
  assert.equal(decide(practitioner, 'child.view', { child: childInState('active', 'other') }).allowed, true)
  for (const action of ['user.manage', 'organisation.accredit', 'review.decide', 'report.national', 'audit.verify', 'feed.load', 'api.access'] as const) {
    assert.equal(decide(practitioner, action, { authorityId: 'own' }).allowed, false, action)
  }
})

test('national administrators manage nationally; authority user administrators only their own authority', () => {
  const national = { roles: [{ role: 'national_admin' as const, authorityId: null }] }
  const local = { roles: [{ role: 'authority_user_admin' as const, authorityId: 'own' }] }
  assert.equal(decide(national, 'user.manage', { authorityId: 'other' }).allowed, true)
  assert.equal(decide(national, 'report.national').allowed, true)
  assert.equal(decide(local, 'user.manage', { authorityId: 'own' }).allowed, true)
  assert.equal(decide(local, 'user.manage', { authorityId: 'other' }).allowed, false)
  assert.equal(decide(local, 'user.manage', { authorityId: null }).allowed, false)
  assert.match(decide(local, 'user.manage', { authorityId: 'other' }).reason, /another local authority/)
})

test('several roles combine: a practitioner with the override right may override, with a reason', () => {
  const both = { roles: [{ role: 'practitioner' as const, authorityId: 'own' }, { role: 'practitioner_shield_override' as const, authorityId: 'own' }] }
  const decision = decide(both, 'child.override_shield', { child: childInState('shielded', 'other') })
  assert.deepEqual({ allowed: decision.allowed, needsReason: decision.needsReason }, { allowed: true, needsReason: true })
  assert.equal(decide(both, 'child.override_shield', { child: childInState('active', 'own') }).allowed, false)
})

test('every action is granted to someone, and a user with no roles can do nothing', () => {
  for (const action of ACTIONS) {
    const granted = RECORD_ACTION_LIST.includes(action)
      ? cells.some((c) => c.action === action && c.decision.allowed)
      : ROLES.some((role) => decide({ roles: [{ role, authorityId: 'own' }] }, action, { authorityId: 'own' }).allowed)
    assert.ok(granted, action)
    assert.equal(decide({ roles: [] }, action, { authorityId: 'own' }).allowed, false)
    for (const state of RECORD_STATES) assert.equal(decide({ roles: [] }, action, { child: childInState(state, 'own') }).allowed, false)
  }
})

test('docs/access-matrix.md is exactly the matrix the code enforces', () => {
  const published = readFileSync(new URL('../../docs/access-matrix.md', import.meta.url), 'utf8')
  assert.equal(published, accessMatrixMarkdown(ROLES), 'run: npm run docs:access-matrix')
})
