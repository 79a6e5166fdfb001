// All SQL about user accounts and their roles.
import type { Kysely, Transaction } from 'kysely'
import type { AppUser, AppUserUpdate, Database, NewAppUser, Role } from '../db/schema.ts'

export interface RoleGrant {
  readonly role: Role
  /** The authority an authority-scoped role applies to; null for national roles. */
  readonly authorityId: string | null
}

export interface UserWithRoles extends AppUser {
  readonly roles: readonly RoleGrant[]
}

export class UserRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Creates the account and its roles together; joins the caller's transaction when given one. */
  async insert(user: NewAppUser, roles: readonly RoleGrant[], grantedBy: string | null = null, trx?: Transaction<Database>): Promise<UserWithRoles> {
    if (trx) return insertUser(trx, user, roles, grantedBy)
    return this.#db.transaction().execute((t) => insertUser(t, user, roles, grantedBy))
  }

  async findByUsername(username: string): Promise<UserWithRoles | undefined> {
    const user = await this.#db.selectFrom('app_user').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst()
    return user ? this.#withRoles(user) : undefined
  }

  async findById(id: string): Promise<UserWithRoles | undefined> {
    const user = await this.#db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst()
    return user ? this.#withRoles(user) : undefined
  }

  async update(id: string, changes: AppUserUpdate): Promise<void> {
    await this.#db.updateTable('app_user').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
  }

  /** People and systems of every organisation that belongs to (or is) the authority, with their organisation. */
  async listInAuthority(authorityId: string): Promise<(AppUser & { organisation_name: string; roles: Role[] })[]> {
    const users = await this.#db.selectFrom('app_user as u').innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .selectAll('u').select('o.name as organisation_name')
      .where((eb) => eb.or([eb('o.authority_id', '=', authorityId), eb('o.id', '=', authorityId)]))
      .where('u.status', '<>', 'removed').orderBy('u.display_name').execute()
    if (users.length === 0) return []
    const roles = await this.#db.selectFrom('user_role').select(['user_id', 'role']).where('user_id', 'in', users.map((u) => u.id)).execute()
    return users.map((u) => ({ ...u, roles: roles.filter((r) => r.user_id === u.id).map((r) => r.role) }))
  }

  /** Suspends every active person of an organisation with the given reason; returns their ids. */
  async suspendOrganisationStaff(organisationId: string, reason: string, now: Date): Promise<string[]> {
    const rows = await this.#db.updateTable('app_user').set({ status: 'suspended', status_reason: reason, updated_at: now })
      .where('organisation_id', '=', organisationId).where('status', '=', 'active').returning('id').execute()
    return rows.map((r) => r.id)
  }

  /** Reinstates the staff suspended for exactly this reason (not those suspended for their own conduct). */
  async reinstateOrganisationStaff(organisationId: string, reason: string, now: Date): Promise<string[]> {
    const rows = await this.#db.updateTable('app_user').set({ status: 'active', status_reason: null, updated_at: now })
      .where('organisation_id', '=', organisationId).where('status', '=', 'suspended').where('status_reason', '=', reason)
      .returning('id').execute()
    return rows.map((r) => r.id)
  }

  /** Active people whose DBS check is dated on or before `checkedOnOrBefore`, or not recorded. */
  async listVettingDue(checkedOnOrBefore: string): Promise<Pick<AppUser, 'id' | 'username' | 'organisation_id' | 'dbs_checked_on' | 'training_completed_on' | 'agreement_signed_on'>[]> {
    return this.#db.selectFrom('app_user')
      .select(['id', 'username', 'organisation_id', 'dbs_checked_on', 'training_completed_on', 'agreement_signed_on'])
      .where('status', '=', 'active').where('kind', '=', 'person')
      .where((eb) => eb.or([eb('dbs_checked_on', 'is', null), eb('dbs_checked_on', '<=', checkedOnOrBefore)]))
      .orderBy('username').execute()
  }

  /** The authority an organisation belongs to (itself, for an authority). */
  async authorityOfOrganisation(organisationId: string): Promise<string | null> {
    const row = await this.#db.selectFrom('organisation').select(['id', 'kind', 'authority_id']).where('id', '=', organisationId).executeTakeFirst()
    return row ? (row.kind === 'local_authority' ? row.id : row.authority_id) : null
  }

  async countByRole(): Promise<Map<Role, number>> {
    const rows = await this.#db.selectFrom('user_role').select(['role', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('role').execute()
    return new Map(rows.map((r) => [r.role, Number(r.n)]))
  }

  async #withRoles(user: AppUser): Promise<UserWithRoles> {
    const roles = await this.#db.selectFrom('user_role').select(['role', 'authority_id']).where('user_id', '=', user.id)
      .orderBy('role').execute()
    return { ...user, roles: roles.map((r) => ({ role: r.role, authorityId: r.authority_id })) }
  }
}

async function insertUser(trx: Transaction<Database>, user: NewAppUser, roles: readonly RoleGrant[], grantedBy: string | null): Promise<UserWithRoles> {
  const row = await trx.insertInto('app_user').values({ ...user, username: user.username.toLowerCase() })
    .returningAll().executeTakeFirstOrThrow()
  if (roles.length) {
    await trx.insertInto('user_role').values(roles.map((r) => ({
      user_id: row.id, role: r.role, authority_id: r.authorityId, granted_by: grantedBy,
    }))).execute()
  }
  return { ...row, roles }
}
