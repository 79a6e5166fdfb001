// All SQL about second factors and enrolment invitations.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface StoredWebauthnCredential {
  readonly id: string
  readonly publicKey: Uint8Array
  readonly signCount: number
  readonly transports: readonly string[]
}

export class CredentialRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Stores a new secret; unconfirmed until its first code is used, unless `confirmedAt` is given. */
  async saveTotp(userId: string, secretCiphertext: string, confirmedAt: Date | null = null): Promise<void> {
    await this.#db.insertInto('totp_credential').values({ user_id: userId, secret_ciphertext: secretCiphertext, confirmed_at: confirmedAt, last_used_step: null })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_ciphertext: secretCiphertext, confirmed_at: confirmedAt, last_used_step: null }))
      .execute()
  }

  async findTotp(userId: string): Promise<{ secretCiphertext: string; confirmed: boolean } | undefined> {
    const row = await this.#db.selectFrom('totp_credential').select(['secret_ciphertext', 'confirmed_at'])
      .where('user_id', '=', userId).executeTakeFirst()
    return row ? { secretCiphertext: row.secret_ciphertext, confirmed: row.confirmed_at !== null } : undefined
  }

  /**
   * Records that the code for `step` was used, only if no later or equal step was used before:
   * one atomic statement, so the same code can never be accepted twice, even by two requests at once.
   */
  async useTotpStep(userId: string, step: number, now: Date): Promise<boolean> {
    const result = await this.#db.updateTable('totp_credential')
      .set((eb) => ({ last_used_step: String(step), confirmed_at: eb.fn.coalesce('confirmed_at', eb.val(now)) }))
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]))
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async addWebauthn(userId: string, credential: StoredWebauthnCredential, label: string | null): Promise<void> {
    await this.#db.insertInto('webauthn_credential').values({
      id: credential.id, user_id: userId, public_key: credential.publicKey, sign_count: credential.signCount,
      transports: [...credential.transports], label, last_used_at: null,
    }).execute()
  }

  async listWebauthn(userId: string): Promise<StoredWebauthnCredential[]> {
    const rows = await this.#db.selectFrom('webauthn_credential').select(['id', 'public_key', 'sign_count', 'transports'])
      .where('user_id', '=', userId).orderBy('created_at').execute()
    return rows.map((r) => ({ id: r.id, publicKey: new Uint8Array(r.public_key), signCount: Number(r.sign_count), transports: r.transports }))
  }

  async recordWebauthnUse(id: string, signCount: number, now: Date): Promise<void> {
    await this.#db.updateTable('webauthn_credential').set({ sign_count: signCount, last_used_at: now }).where('id', '=', id).execute()
  }

  /** Which second factors a user has ready to use. */
  async factorsOf(userId: string): Promise<{ totp: boolean; webauthn: number }> {
    const [totp, keys] = await Promise.all([
      this.findTotp(userId),
      this.#db.selectFrom('webauthn_credential').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow(),
    ])
    return { totp: totp?.confirmed ?? false, webauthn: Number(keys.n) }
  }

  /** Removes every second factor of a user (an authority resets them before a new invitation). */
  async removeAllFactors(userId: string): Promise<void> {
    await this.#db.deleteFrom('totp_credential').where('user_id', '=', userId).execute()
    await this.#db.deleteFrom('webauthn_credential').where('user_id', '=', userId).execute()
  }

  async createInvitation(tokenHash: string, userId: string, createdBy: string | null, expiresAt: Date): Promise<void> {
    await this.#db.insertInto('enrolment_invitation').values({ token_hash: tokenHash, user_id: userId, created_by: createdBy, expires_at: expiresAt, used_at: null }).execute()
  }

  /** Marks an unused, unexpired invitation used and returns its user; one atomic statement, so it works once. */
  async consumeInvitation(tokenHash: string, now: Date): Promise<string | undefined> {
    const row = await this.#db.updateTable('enrolment_invitation').set({ used_at: now })
      .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', now)
      .returning('user_id').executeTakeFirst()
    return row?.user_id
  }

  async findInvitation(tokenHash: string, now: Date): Promise<string | undefined> {
    const row = await this.#db.selectFrom('enrolment_invitation').select('user_id')
      .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst()
    return row?.user_id
  }
}
