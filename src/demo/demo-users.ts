// One demo account per role, so that a newcomer can try every part of the service. Demo accounts
// exist only in the demo local authority, which is loaded only outside production.
import { createHash } from 'node:crypto'
import type { Role } from '../db/schema.ts'

export const DEMO_PASSWORD = 'demo-only-Northmoor-2026'

export interface DemoUser {
  readonly username: string
  readonly displayName: string
  readonly jobTitle: string
  readonly roles: readonly Role[]
  /** Which of the demo authority's organisations employs them: a kind from the generator's catalogue. */
  readonly organisationKind: 'local_authority' | 'school' | 'health_service' | 'social_care' | 'national_body'
  readonly kind: 'person' | 'system'
  readonly description: string
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'demo.teacher', displayName: 'Hannah Okafor', jobTitle: 'Designated safeguarding lead', roles: ['practitioner'], organisationKind: 'school', kind: 'person', description: 'practitioner (school)' },
  { username: 'demo.health-visitor', displayName: 'Gareth Lloyd', jobTitle: 'Health visitor', roles: ['practitioner'], organisationKind: 'health_service', kind: 'person', description: 'practitioner (health visiting)' },
  { username: 'demo.social-worker', displayName: 'Amira Haddad', jobTitle: 'Senior social worker', roles: ['practitioner', 'practitioner_shield_override'], organisationKind: 'social_care', kind: 'person', description: 'practitioner with the right to override a shield' },
  { username: 'demo.data-manager', displayName: 'Tomasz Nowak', jobTitle: 'ContactPoint data manager', roles: ['authority_data_manager'], organisationKind: 'local_authority', kind: 'person', description: 'authority data manager (review queue, merges)' },
  { username: 'demo.user-admin', displayName: 'Grace Mensah', jobTitle: 'ContactPoint user administrator', roles: ['authority_user_admin'], organisationKind: 'local_authority', kind: 'person', description: 'authority user administrator' },
  { username: 'demo.privacy', displayName: 'Oliver Bennett', jobTitle: 'Privacy officer', roles: ['authority_privacy_officer'], organisationKind: 'local_authority', kind: 'person', description: 'authority privacy officer (audit, shielding, investigations)' },
  { username: 'demo.national', displayName: 'Fatima Rahman', jobTitle: 'National ContactPoint administrator', roles: ['national_admin'], organisationKind: 'national_body', kind: 'person', description: 'national administrator' },
  { username: 'demo.supplier', displayName: 'Northmoor education system', jobTitle: 'Data supplier', roles: ['data_supplier'], organisationKind: 'local_authority', kind: 'system', description: 'data supplier system account (no web sign-in)' },
  { username: 'demo.cms', displayName: 'Northmoor case management system', jobTitle: 'CMS client', roles: ['cms_client'], organisationKind: 'social_care', kind: 'system', description: 'case management system client (no web sign-in)' },
]

/**
 * A demo person's authenticator secret, derived from the demo seed and the username so that
 * `contactpoint demo code` can print the current code without opening the store (which the running
 * service holds). Acceptable only because demo accounts are synthetic and never loaded in production.
 */
export function demoTotpSecret(username: string, seed: number): Buffer {
  return createHash('sha256').update(`contactpoint demo authenticator|${seed}|${username.toLowerCase()}`).digest().subarray(0, 20)
}

export function isDemoPerson(username: string): boolean {
  return DEMO_USERS.some((u) => u.username === username.toLowerCase() && u.kind === 'person')
}
