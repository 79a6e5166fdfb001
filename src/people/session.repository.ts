// All SQL about sign-in sessions. Sessions live in the database so any number of app processes can
// serve a user; the cookie carries a random token and only its SHA-256 is stored.
import type { Kysely } from 'kysely'
import type { Database, SecondFactor, SessionEndReason, SessionPurpose, UserSession } from '../db/schema.ts'

export class SessionRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async create(session: { id: string; userId: string; purpose: SessionPurpose; now: Date; expiresAt: Date; clientIp: string }): Promise<void> {
    await this.#db.insertInto('user_session').values({
      id: session.id, user_id: session.userId, purpose: session.purpose, created_at: session.now, last_seen_at: session.now,
      expires_at: session.expiresAt, client_ip: session.clientIp, second_factor: null, second_factor_at: null,
      challenge: null, ended_at: null, end_reason: null,
    }).execute()
  }

  async findOpen(id: string): Promise<UserSession | undefined> {
    return this.#db.selectFrom('user_session').selectAll().where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst()
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.#db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', id).execute()
  }

  async completeSecondFactor(id: string, factor: SecondFactor, now: Date, expiresAt: Date): Promise<void> {
    await this.#db.updateTable('user_session')
      .set({ second_factor: factor, second_factor_at: now, last_seen_at: now, expires_at: expiresAt, purpose: 'sign_in', challenge: null })
      .where('id', '=', id).where('ended_at', 'is', null).execute()
  }

  async setChallenge(id: string, challenge: string | null): Promise<void> {
    await this.#db.updateTable('user_session').set({ challenge }).where('id', '=', id).execute()
  }

  async end(id: string, reason: SessionEndReason, now: Date): Promise<void> {
    await this.#db.updateTable('user_session').set({ ended_at: now, end_reason: reason })
      .where('id', '=', id).where('ended_at', 'is', null).execute()
  }

  /** Ends every open session of a user; returns how many ended. */
  async endAllForUser(userId: string, reason: SessionEndReason, now: Date): Promise<number> {
    const result = await this.#db.updateTable('user_session').set({ ended_at: now, end_reason: reason })
      .where('user_id', '=', userId).where('ended_at', 'is', null).executeTakeFirst()
    return Number(result.numUpdatedRows)
  }
}
