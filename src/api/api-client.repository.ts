// All SQL of the integration API's clients: registered case management systems, their public keys,
// the client assertions already used, access tokens (as hashes) and idempotency records.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { ApiClient, ApiClientStatus, Database, Role } from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

export interface ClientKey {
  readonly kid: string
  readonly jwk: Record<string, unknown>
  readonly status: 'active' | 'retired'
  readonly created_at: Date
  readonly retired_at: Date | null
}

export interface StoredAnswer {
  readonly requestHash: string
  /** null while the first request with this key is still being answered. */
  readonly status: number | null
  readonly response: unknown
}

export class ApiClientRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insert(client: { id: string; name: string; organisationId: string; systemUserId: string; scopes: readonly string[]; createdBy: string | null }, trx: Transaction<Database>): Promise<ApiClient> {
    return trx.insertInto('api_client').values({
      id: client.id, name: client.name, organisation_id: client.organisationId, system_user_id: client.systemUserId,
      scopes: [...client.scopes], created_by: client.createdBy,
    }).returningAll().executeTakeFirstOrThrow()
  }

  async find(id: string, db: Executor = this.#db): Promise<ApiClient | undefined> {
    return db.selectFrom('api_client').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async list(): Promise<(ApiClient & { organisation_code: string; keys: number })[]> {
    const rows = await this.#db.selectFrom('api_client as c').innerJoin('organisation as o', 'o.id', 'c.organisation_id')
      .selectAll('c').select('o.code as organisation_code').orderBy('c.id').execute()
    const keys = await this.#db.selectFrom('api_client_key').select(['client_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('status', '=', 'active').groupBy('client_id').execute()
    const counts = new Map(keys.map((k) => [k.client_id, Number(k.n)]))
    return rows.map((r) => ({ ...r, keys: counts.get(r.id) ?? 0 }))
  }

  async setStatus(id: string, status: ApiClientStatus, now: Date): Promise<boolean> {
    const rows = await this.#db.updateTable('api_client').set({ status, updated_at: now }).where('id', '=', id).returning('id').execute()
    return rows.length > 0
  }

  async addKey(clientId: string, kid: string, jwk: Record<string, unknown>, db: Executor = this.#db): Promise<void> {
    await db.insertInto('api_client_key').values({ client_id: clientId, kid, jwk: JSON.stringify(jwk) }).execute()
  }

  async retireKey(clientId: string, kid: string, now: Date): Promise<boolean> {
    const rows = await this.#db.updateTable('api_client_key').set({ status: 'retired', retired_at: now })
      .where('client_id', '=', clientId).where('kid', '=', kid).where('status', '=', 'active').returning('kid').execute()
    return rows.length > 0
  }

  async keys(clientId: string): Promise<ClientKey[]> {
    return this.#db.selectFrom('api_client_key').select(['kid', 'jwk', 'status', 'created_at', 'retired_at'])
      .where('client_id', '=', clientId).orderBy('created_at').execute()
  }

  async activeKey(clientId: string, kid: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.#db.selectFrom('api_client_key').select('jwk')
      .where('client_id', '=', clientId).where('kid', '=', kid).where('status', '=', 'active').executeTakeFirst()
    return row?.jwk
  }

  /** Records a client assertion's jti; false when it was seen before (a replay). Expired ones are swept. */
  async useAssertion(clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.#db.deleteFrom('api_assertion').where('expires_at', '<', now).execute()
    const rows = await this.#db.insertInto('api_assertion').values({ client_id: clientId, jti, expires_at: expiresAt })
      .onConflict((oc) => oc.doNothing()).returning('jti').execute()
    return rows.length > 0
  }

  async insertToken(token: { hash: string; clientId: string; scopes: readonly string[]; issuedAt: Date; expiresAt: Date }): Promise<void> {
    await this.#db.deleteFrom('api_token').where('expires_at', '<', token.issuedAt).execute()
    await this.#db.insertInto('api_token').values({
      token_hash: token.hash, client_id: token.clientId, scopes: [...token.scopes], issued_at: token.issuedAt, expires_at: token.expiresAt,
    }).execute()
  }

  /**
   * The live token with this hash, with its client, whether the client's organisation is accredited,
   * and the roles of the client's active system account: everything about the client in one query.
   */
  async findToken(hash: string, now: Date): Promise<{ client: ApiClient; scopes: string[]; accredited: boolean; systemRoles: Role[] } | undefined> {
    const row = await this.#db.selectFrom('api_token as t').innerJoin('api_client as c', 'c.id', 't.client_id')
      .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
      .innerJoin('app_user as u', 'u.id', 'c.system_user_id')
      .selectAll('c').select(['t.scopes as token_scopes', 'o.accreditation_status', 'u.status as system_user_status'])
      .select((eb) => eb.selectFrom('user_role as r').select(sql<Role[]>`coalesce(array_agg(r.role::text), '{}')`.as('roles')).whereRef('r.user_id', '=', 'c.system_user_id').as('system_roles'))
      .where('t.token_hash', '=', hash).where('t.expires_at', '>', now).executeTakeFirst()
    if (!row) return undefined
    const { token_scopes: scopes, accreditation_status: accreditation, system_user_status: userStatus, system_roles: roles, ...client } = row
    return { client, scopes, accredited: accreditation === 'accredited', systemRoles: userStatus === 'active' ? roles ?? [] : [] }
  }

  async revokeTokens(clientId: string): Promise<void> {
    await this.#db.deleteFrom('api_token').where('client_id', '=', clientId).execute()
  }

  /**
   * Claims an idempotency key for a request. Returns null when this request is the first with the
   * key (the caller answers it and then calls `storeAnswer`), or what was stored before.
   */
  async claimIdempotencyKey(clientId: string, key: string, requestHash: string, now: Date): Promise<StoredAnswer | null> {
    const inserted = await this.#db.insertInto('api_idempotency')
      .values({ client_id: clientId, key, request_hash: requestHash, status: null, response: null, created_at: now })
      .onConflict((oc) => oc.doNothing()).returning('key').execute()
    if (inserted.length > 0) return null
    const row = await this.#db.selectFrom('api_idempotency').select(['request_hash', 'status', 'response'])
      .where('client_id', '=', clientId).where('key', '=', key).executeTakeFirstOrThrow()
    return { requestHash: row.request_hash, status: row.status, response: row.response }
  }

  async storeAnswer(clientId: string, key: string, status: number, response: unknown): Promise<void> {
    await this.#db.updateTable('api_idempotency').set({ status, response: JSON.stringify(response) })
      .where('client_id', '=', clientId).where('key', '=', key).execute()
  }

  /** A request that failed before answering gives its key back, so the client may retry with it. */
  async releaseIdempotencyKey(clientId: string, key: string): Promise<void> {
    await this.#db.deleteFrom('api_idempotency').where('client_id', '=', clientId).where('key', '=', key).where('status', 'is', null).execute()
  }

  async sweepIdempotency(before: Date): Promise<void> {
    await this.#db.deleteFrom('api_idempotency').where('created_at', '<', before).execute()
  }
}
