// All SQL about what practitioners record: involvements, carers supplied with them, cause-for-concern
// markers, data-error reports and their queue, phone enquiries, and each authority's own source of
// records made in the service (a child not found, a date of death).
import { sql, type Kysely, type Transaction } from 'kysely'
import type {
  Database, DataErrorReport, ErrorReportPart, IdentityCheck, Involvement, NewCarer, NewInvolvement, PhoneEnquiry,
} from '../db/schema.ts'

type Executor = Kysely<Database> | Transaction<Database>

export interface NewMarker {
  readonly childId: string
  readonly organisationId: string
  readonly setByUserId: string
  readonly contactName: string
  readonly contactPhone?: string | null
  readonly contactEmail?: string | null
}

export interface QueuedReport extends DataErrorReport {
  readonly contactpoint_id: string
  readonly child_name: string
  readonly reporter_name: string
  readonly reporter_email: string | null
  readonly reporter_phone: string | null
  readonly reporter_organisation: string
  readonly resolver_name: string | null
}

export interface NewPhoneEnquiry {
  readonly userId: string
  readonly sessionId: string
  readonly callerName: string
  readonly callerOrganisation: string
  readonly callerPhone: string
  readonly identityCheck: IdentityCheck
  readonly identityCheckDetail: string | null
  readonly startedAt: Date
}

/** Each authority's source of records made in the service: lowest precedence, so any feed's value wins. */
const SERVICE_SOURCE_PRECEDENCE = 10

export class PracticeRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  // --- involvements -----------------------------------------------------------------------------

  async insertInvolvements(rows: readonly NewInvolvement[], db: Executor = this.#db): Promise<Involvement[]> {
    if (rows.length === 0) return []
    return db.insertInto('involvement').values([...rows]).returningAll().execute()
  }

  async involvement(id: string, db: Executor = this.#db): Promise<Involvement | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
    return db.selectFrom('involvement').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** The user's own current involvements with a child (recorded by them in the service). */
  async ownInvolvements(childId: string, userId: string, db: Executor = this.#db): Promise<Involvement[]> {
    return db.selectFrom('involvement').selectAll().where('child_id', '=', childId).where('practitioner_user_id', '=', userId)
      .where('ended_on', 'is', null).orderBy('started_on').execute()
  }

  async endInvolvement(id: string, endedOn: string, db: Executor = this.#db): Promise<boolean> {
    const result = await db.updateTable('involvement').set({ ended_on: sql<string>`GREATEST(started_on, ${endedOn}::date)`, updated_at: new Date() })
      .where('id', '=', id).where('ended_on', 'is', null).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async setIndicators(id: string, indicators: { holdsCaf: boolean; leadProfessional: boolean }, db: Executor = this.#db): Promise<void> {
    await db.updateTable('involvement').set({ holds_caf: indicators.holdsCaf, is_lead_professional: indicators.leadProfessional, updated_at: new Date() })
      .where('id', '=', id).execute()
  }

  async insertCarers(rows: readonly NewCarer[], db: Executor = this.#db): Promise<void> {
    if (rows.length) await db.insertInto('carer').values([...rows]).execute()
  }

  // --- cause-for-concern markers ------------------------------------------------------------------

  async setMarker(marker: NewMarker, db: Executor = this.#db): Promise<string> {
    const row = await db.insertInto('concern_marker').values({
      child_id: marker.childId, organisation_id: marker.organisationId, set_by_user_id: marker.setByUserId,
      contact_name: marker.contactName, contact_phone: marker.contactPhone ?? null, contact_email: marker.contactEmail ?? null,
      removed_at: null, removed_by_user_id: null,
    }).returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  async insertMarkers(markers: readonly NewMarker[], db: Executor = this.#db): Promise<void> {
    if (markers.length === 0) return
    await db.insertInto('concern_marker').values(markers.map((m) => ({
      child_id: m.childId, organisation_id: m.organisationId, set_by_user_id: m.setByUserId, contact_name: m.contactName,
      contact_phone: m.contactPhone ?? null, contact_email: m.contactEmail ?? null, removed_at: null, removed_by_user_id: null,
    }))).execute()
  }

  /** Current markers on a child set by the user's organisation (its staff may remove them). */
  async organisationMarkers(childId: string, organisationId: string, db: Executor = this.#db): Promise<{ id: string; contact_name: string; set_at: Date }[]> {
    return db.selectFrom('concern_marker').select(['id', 'contact_name', 'set_at']).where('child_id', '=', childId)
      .where('organisation_id', '=', organisationId).where('removed_at', 'is', null).orderBy('set_at').execute()
  }

  async marker(id: string, db: Executor = this.#db): Promise<{ id: string; child_id: string; organisation_id: string; removed_at: Date | null } | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
    return db.selectFrom('concern_marker').select(['id', 'child_id', 'organisation_id', 'removed_at']).where('id', '=', id).executeTakeFirst()
  }

  async removeMarker(id: string, removedByUserId: string, db: Executor = this.#db): Promise<boolean> {
    const result = await db.updateTable('concern_marker').set({ removed_at: new Date(), removed_by_user_id: removedByUserId })
      .where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  // --- data-error reports -------------------------------------------------------------------------

  async insertErrorReport(report: { childId: string; authorityId: string; userId: string; organisationId: string; part: ErrorReportPart; description: string; createdAt: Date }, db: Executor = this.#db): Promise<string> {
    const row = await db.insertInto('data_error_report').values({
      child_id: report.childId, authority_id: report.authorityId, reported_by_user_id: report.userId, reporter_organisation_id: report.organisationId,
      part: report.part, description: report.description, created_at: report.createdAt, resolved_at: null, resolved_by_user_id: null, resolution_note: null,
    }).returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  /** An authority's reports: open ones oldest first (the queue), or the most recently resolved. */
  async errorReports(authorityId: string, status: 'open' | 'resolved', limit: number): Promise<QueuedReport[]> {
    let q = this.#reports().where('r.authority_id', '=', authorityId).where('r.status', '=', status)
    q = status === 'open' ? q.orderBy('r.created_at').orderBy('r.id') : q.orderBy('r.resolved_at', 'desc')
    return q.limit(limit).execute()
  }

  async errorReport(id: string, db: Executor = this.#db): Promise<QueuedReport | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
    return this.#reports(db).where('r.id', '=', id).executeTakeFirst()
  }

  async resolveErrorReport(id: string, userId: string, note: string, now: Date, trx: Transaction<Database>): Promise<boolean> {
    const result = await trx.updateTable('data_error_report').set({ status: 'resolved', resolved_at: now, resolved_by_user_id: userId, resolution_note: note })
      .where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  #reports(db: Executor = this.#db) {
    return db.selectFrom('data_error_report as r')
      .innerJoin('child as c', 'c.id', 'r.child_id')
      .innerJoin('app_user as u', 'u.id', 'r.reported_by_user_id')
      .innerJoin('organisation as o', 'o.id', 'r.reporter_organisation_id')
      .leftJoin('app_user as v', 'v.id', 'r.resolved_by_user_id')
      .selectAll('r')
      .select([
        'c.contactpoint_id', sql<string>`concat_ws(' ', c.given_name, c.middle_names, c.family_name)`.as('child_name'),
        'u.display_name as reporter_name', 'u.email as reporter_email', 'u.phone as reporter_phone', 'o.name as reporter_organisation',
        'v.display_name as resolver_name',
      ])
  }

  // --- phone enquiries ----------------------------------------------------------------------------

  async startPhoneEnquiry(e: NewPhoneEnquiry, trx: Transaction<Database>): Promise<PhoneEnquiry> {
    // one enquiry at a time in a session: starting another ends the one before
    await trx.updateTable('phone_enquiry').set({ ended_at: e.startedAt }).where('session_id', '=', e.sessionId).where('ended_at', 'is', null).execute()
    return trx.insertInto('phone_enquiry').values({
      user_id: e.userId, session_id: e.sessionId, caller_name: e.callerName, caller_organisation: e.callerOrganisation, caller_phone: e.callerPhone,
      identity_check: e.identityCheck, identity_check_detail: e.identityCheckDetail, started_at: e.startedAt, ended_at: null,
    }).returningAll().executeTakeFirstOrThrow()
  }

  async activePhoneEnquiry(sessionId: string): Promise<PhoneEnquiry | undefined> {
    return this.#db.selectFrom('phone_enquiry').selectAll().where('session_id', '=', sessionId).where('ended_at', 'is', null).executeTakeFirst()
  }

  async endPhoneEnquiry(id: string, now: Date, trx: Transaction<Database>): Promise<boolean> {
    const result = await trx.updateTable('phone_enquiry').set({ ended_at: now }).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  // --- records made in the service ----------------------------------------------------------------

  /** The authority's source of records made in the service, made the first time it is needed. */
  async serviceSource(authorityId: string, trx: Transaction<Database>): Promise<{ id: string; code: string }> {
    const authority = await trx.selectFrom('organisation').select(['la_number', 'code']).where('id', '=', authorityId).executeTakeFirstOrThrow()
    const code = `contactpoint-users-${(authority.la_number ?? authority.code).toLowerCase().replace(/[^a-z0-9-]/g, '-')}` // = serviceSourceCode
    await trx.insertInto('data_source').values({
      code, name: 'Recorded in ContactPoint by a practitioner', scope: 'local', organisation_id: authorityId, authority_id: authorityId,
      supplies: ['identity'], precedence: SERVICE_SOURCE_PRECEDENCE,
    }).onConflict((oc) => oc.column('code').doNothing()).execute()
    return trx.selectFrom('data_source').select(['id', 'code']).where('code', '=', code).executeTakeFirstOrThrow()
  }

  async setDateOfDeath(childId: string, dateOfDeath: string, from: { sourceId: string; sourceRecordId: string }, now: Date, trx: Transaction<Database>): Promise<void> {
    // survivorship has set both from the death record when the child has records of its identity; a child without any still gets them
    await trx.updateTable('child').set({ date_of_death: dateOfDeath, updated_at: now }).where('id', '=', childId).where('date_of_death', 'is', null).execute()
    await trx.insertInto('field_provenance').values({
      child_id: childId, field: 'date_of_death', source_record_id: from.sourceRecordId, source_id: from.sourceId, recorded_by_user_id: null, recorded_at: now,
    }).onConflict((oc) => oc.columns(['child_id', 'field']).doNothing()).execute()
  }

}
