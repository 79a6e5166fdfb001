// Who may do what, as one declarative table: role × action, narrowed by the record's state
// (shielded, sensitive, archived, merged) and by the actor's authority. Pure: no database, no
// clock of its own. Every route, the API and the CLI ask `decide`; tests walk the whole matrix.
import type { Role } from '../db/schema.ts'

export const ACTIONS = [
  // Practitioners' work with a child
  'child.search', 'child.view', 'child.override_shield', 'child.record_involvement', 'child.end_involvement',
  'child.set_marker', 'child.remove_marker', 'child.report_error', 'child.create', 'child.record_death',
  'child.phone_enquiry', 'child.set_indicator',
  // The authority's data-quality and governance work on a child
  'child.view_archived', 'child.shield', 'child.unshield', 'child.merge', 'child.approve_merge', 'child.split',
  'child.view_access_log', 'child.subject_access_report', 'child.transfer',
  // Running the service
  'review.decide', 'data_error.resolve', 'user.manage', 'organisation.accredit', 'alert.investigate', 'audit.verify',
  'report.authority', 'report.national', 'feed.load', 'api.access',
] as const
export type Action = (typeof ACTIONS)[number]

export interface Actor {
  readonly roles: readonly { readonly role: Role; readonly authorityId: string | null }[]
}

/** What the policy needs to know about a child, and nothing more. */
export interface ChildFacts {
  readonly responsibleAuthorityId: string
  readonly shielded: boolean
  readonly status: 'active' | 'archived' | 'merged'
  /** Days since the record was archived (archived records are readable for a year). */
  readonly daysSinceArchived?: number | null
}

export interface Decision {
  readonly allowed: boolean
  /** Why, in words for an audit reader. */
  readonly reason: string
  /** Allowed only with a stated reason, recorded and investigated (shield override). */
  readonly needsReason?: boolean
  /** Allowed, but the view is restricted to name, gender, date of birth and ID (shielded). */
  readonly restricted?: boolean
}

type Scope = 'any' | 'own_authority'

/** The one table of permissions. A role not listed for an action never has it. */
const GRANTS: Readonly<Record<Action, readonly (readonly [Role, Scope])[]>> = {
  'child.search': [['practitioner', 'any'], ['authority_data_manager', 'own_authority'], ['authority_privacy_officer', 'own_authority']],
  'child.view': [['practitioner', 'any'], ['authority_data_manager', 'own_authority'], ['authority_privacy_officer', 'own_authority']],
  'child.override_shield': [['practitioner_shield_override', 'any']],
  'child.record_involvement': [['practitioner', 'any']],
  'child.end_involvement': [['practitioner', 'any'], ['authority_data_manager', 'own_authority']],
  'child.set_marker': [['practitioner', 'any']],
  'child.remove_marker': [['practitioner', 'any'], ['authority_data_manager', 'own_authority']],
  'child.report_error': [['practitioner', 'any']],
  'child.create': [['practitioner', 'any'], ['authority_data_manager', 'own_authority']],
  'child.record_death': [['authority_data_manager', 'own_authority']],
  'child.phone_enquiry': [['practitioner', 'any']],
  // Holding a CAF or being lead professional is said of one's own involvement.
  'child.set_indicator': [['practitioner', 'any']],
  'child.view_archived': [['authority_data_manager', 'own_authority']],
  'child.shield': [['authority_privacy_officer', 'own_authority'], ['authority_data_manager', 'own_authority']],
  'child.unshield': [['authority_privacy_officer', 'own_authority']],
  'child.merge': [['authority_data_manager', 'own_authority']],
  'child.approve_merge': [['authority_data_manager', 'own_authority']],
  'child.split': [['authority_data_manager', 'own_authority']],
  'child.view_access_log': [['authority_privacy_officer', 'own_authority']],
  'child.subject_access_report': [['authority_privacy_officer', 'own_authority']],
  'child.transfer': [['authority_data_manager', 'own_authority']],
  'review.decide': [['authority_data_manager', 'own_authority']],
  'data_error.resolve': [['authority_data_manager', 'own_authority']],
  'user.manage': [['authority_user_admin', 'own_authority'], ['national_admin', 'any']],
  'organisation.accredit': [['authority_user_admin', 'own_authority'], ['national_admin', 'any']],
  'alert.investigate': [['authority_privacy_officer', 'own_authority'], ['national_admin', 'any']],
  'audit.verify': [['authority_privacy_officer', 'own_authority'], ['national_admin', 'any']],
  'report.authority': [['authority_user_admin', 'own_authority'], ['authority_data_manager', 'own_authority'], ['authority_privacy_officer', 'own_authority'], ['national_admin', 'any']],
  'report.national': [['national_admin', 'any']],
  'feed.load': [['data_supplier', 'any']],
  'api.access': [['cms_client', 'any']],
}

/** Actions on a record that only the record's ordinary users perform: refused on archived and merged records. */
const LIVE_RECORD_ONLY: ReadonlySet<Action> = new Set([
  'child.view', 'child.override_shield', 'child.record_involvement', 'child.end_involvement', 'child.set_marker',
  'child.remove_marker', 'child.report_error', 'child.record_death', 'child.phone_enquiry', 'child.set_indicator', 'child.shield',
  'child.unshield', 'child.merge', 'child.approve_merge', 'child.split', 'child.transfer',
])

const ARCHIVE_READABLE_DAYS = 365

/**
 * The decision for one actor, action and (where the action is about a child) record. `authorityId`
 * is the authority the action is taken in: the child's responsible authority, or, for actions not
 * about a child (users, reports), the authority whose data is concerned (null: national).
 */
export function decide(actor: Actor, action: Action, target: { child?: ChildFacts; authorityId?: string | null } = {}): Decision {
  const authorityId = target.child?.responsibleAuthorityId ?? target.authorityId ?? null
  const grant = GRANTS[action].find(([role, scope]) => actor.roles.some((r) =>
    r.role === role && (scope === 'any' || (authorityId !== null && r.authorityId === authorityId))))
  if (!grant) {
    const hasRole = GRANTS[action].some(([role]) => actor.roles.some((r) => r.role === role))
    return deny(hasRole ? 'the record or data belongs to another local authority' : 'no role of the user allows this')
  }
  const child = target.child
  if (!child) return { allowed: true, reason: `allowed to ${grant[0]}` }
  if (action === 'child.create') return deny('creating a record is not an action on an existing record')

  if (child.status === 'merged' && action !== 'child.split' && action !== 'child.view_access_log' && action !== 'child.subject_access_report') {
    return deny('the record was merged into another; use the record that replaced it')
  }
  if (child.status === 'archived') {
    if (action === 'child.view_archived') {
      return (child.daysSinceArchived ?? Infinity) <= ARCHIVE_READABLE_DAYS
        ? { allowed: true, reason: 'archived record within its year of access for data managers' }
        : deny('archived more than a year ago: no longer readable in the service')
    }
    if (LIVE_RECORD_ONLY.has(action) || action === 'child.search') return deny('the record is archived')
  } else if (action === 'child.view_archived') {
    return deny('the record is not archived')
  }

  if (child.shielded) {
    if (action === 'child.override_shield') {
      return { allowed: true, reason: 'shield override: needs a reason, alerts the authority and is investigated', needsReason: true }
    }
    if (action === 'child.view' || action === 'child.search' || action === 'child.phone_enquiry') {
      return { allowed: true, restricted: true, reason: 'shielded: only name, gender, date of birth and ContactPoint ID' }
    }
    // Acting on a shielded record reveals or changes where the child is known: the authority does that.
    if (['child.record_involvement', 'child.end_involvement', 'child.set_marker', 'child.remove_marker', 'child.report_error', 'child.set_indicator'].includes(action)) {
      return deny('the record is shielded: contact the local authority ContactPoint team')
    }
  } else if (action === 'child.override_shield' || action === 'child.unshield') {
    return deny('the record is not shielded')
  }
  return { allowed: true, reason: `allowed to ${grant[0]}` }
}

const deny = (reason: string): Decision => ({ allowed: false, reason })

export const RECORD_STATES = ['active', 'shielded', 'archived_recently', 'archived_long_ago', 'merged'] as const
export type RecordState = (typeof RECORD_STATES)[number]

export const RECORD_ACTION_LIST: readonly Action[] = ACTIONS.filter((a) => a.startsWith('child.') && a !== 'child.create')

export function childInState(state: RecordState, responsibleAuthorityId: string): ChildFacts {
  switch (state) {
    case 'active': return { responsibleAuthorityId, shielded: false, status: 'active' }
    case 'shielded': return { responsibleAuthorityId, shielded: true, status: 'active' }
    case 'archived_recently': return { responsibleAuthorityId, shielded: false, status: 'archived', daysSinceArchived: 30 }
    case 'archived_long_ago': return { responsibleAuthorityId, shielded: false, status: 'archived', daysSinceArchived: 400 }
    case 'merged': return { responsibleAuthorityId, shielded: false, status: 'merged' }
  }
}

/** Actions on an existing record (creating a record is about an authority, not a record). */
const RECORD_ACTIONS = RECORD_ACTION_LIST

/**
 * The whole matrix as Markdown: every role, for every action on a child in every state, in the
 * user's own authority and in another. docs/access-matrix.md is this text; a test keeps them equal.
 */
export function accessMatrixMarkdown(roles: readonly Role[]): string {
  const mark = (d: Decision) => (!d.allowed ? '–' : d.needsReason ? 'reason' : d.restricted ? 'limited' : 'yes')
  const lines = [
    '# Access matrix',
    '',
    'Generated from `src/governance/policy.ts` by `npm run docs:access-matrix`; a test fails if the two differ.',
    '`yes` allowed · `limited` shielded view (name, gender, date of birth, ID only) · `reason` allowed only with a stated',
    'reason, which alerts the authority and opens an investigation · `–` refused. "Own" is a child of the user\'s own',
    'authority, "other" a child of another authority.',
    '',
  ]
  for (const role of roles) {
    const actor: Actor = { roles: [{ role, authorityId: 'own' }] }
    lines.push(`## ${role}`, '', `| Action | ${RECORD_STATES.flatMap((s) => [`${s} (own)`, `${s} (other)`]).join(' | ')} |`,
      `| --- | ${RECORD_STATES.flatMap(() => ['---', '---']).join(' | ')} |`)
    for (const action of RECORD_ACTIONS) {
      const cells = RECORD_STATES.flatMap((state) => ['own', 'other'].map((a) => mark(decide(actor, action, { child: childInState(state, a) }))))
      lines.push(`| ${action} | ${cells.join(' | ')} |`)
    }
    const other = ACTIONS.filter((a) => !RECORD_ACTIONS.includes(a))
    lines.push('', `| Action | own authority | another authority | national |`, '| --- | --- | --- | --- |')
    for (const action of other) {
      const cells = ['own', 'other', null].map((authorityId) => mark(decide(actor, action, { authorityId })))
      lines.push(`| ${action} | ${cells.join(' | ')} |`)
    }
    lines.push('')
  }
  return lines.join('\n')
}
