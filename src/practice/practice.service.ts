// What practitioners record about their own work with a child, and the authority's queue of reported
// data errors. Every action asks the policy first (a refusal is audited, and another authority's
// child looks like no child at all), changes the record and appends its audit event in one
// transaction, and records nothing about *why*: an involvement says who, a marker says "contact me",
// a report says which part of the record is wrong.
import type { Kysely, Transaction } from 'kysely'
import type { ChildRepository } from '../children/child.repository.ts'
import { londonDate } from '../children/lifecycle.ts'
import type { Child, Database, ErrorReportPart, Involvement, Organisation } from '../db/schema.ts'
import { ERROR_REPORT_PARTS } from '../db/schema.ts'
import { AppError, validationFailed, type FieldProblem } from '../errors.ts'
import type { FeedLoader } from '../feeds/feed-loader.service.ts'
import { CONSENT_BASES, SENSITIVE_SERVICE_TYPES, SERVICE_TYPES, type ConsentBasis, type FeedChild, type ServiceType } from '../feeds/feed-record.ts'
import type { FeedRepository } from '../feeds/feed.repository.ts'
import { originOf, type AuditRepository } from '../governance/audit.repository.ts'
import { publishChange } from '../notifications/notification.repository.ts'
import { decide, type Action, type ChildFacts } from '../governance/policy.ts'
import type { RequestContext } from '../people/sign-in.service.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { RecordRepository } from '../record/record.repository.ts'
import type { Clock } from '../system/clock.ts'
import { MAX_TEXT, optionalEmail, optionalPhone, optionalText, readDate, requiredText } from './forms.ts'
import type { PracticeRepository, QueuedReport } from './practice.repository.ts'

/** Where an action came from (the web, a case management system, or a phone enquiry made for a caller). */
export interface ActionContext extends RequestContext {
  readonly onBehalfOf?: string | null
}

/** Services a practitioner may record themselves in; sensitive ones need a basis (consent or significant harm). */
export const RECORDABLE_SERVICES: readonly ServiceType[] = SERVICE_TYPES

export interface InvolvementForm {
  readonly serviceType: string
  readonly consentBasis: string
  readonly practitionerName: string
  readonly phone: string
  readonly email: string
  readonly startDay: string
  readonly startMonth: string
  readonly startYear: string
}

export interface MarkerForm {
  readonly contactName: string
  readonly phone: string
  readonly email: string
}

export interface ErrorReportForm {
  readonly part: string
  readonly description: string
}

export interface DateForm {
  readonly day: string
  readonly month: string
  readonly year: string
}

export interface NewChildForm {
  readonly givenName: string
  readonly middleNames: string
  readonly familyName: string
  readonly dobDay: string
  readonly dobMonth: string
  readonly dobYear: string
  readonly gender: string
  readonly addressLine1: string
  readonly addressLine2: string
  readonly town: string
  readonly postcode: string
  readonly serviceType: string
}

export interface ProbableMatch {
  readonly contactPointId: string
  readonly name: string
  readonly dateOfBirth: string
  readonly gender: string
  readonly postcodeDistrict: string | null
  readonly town: string | null
}

/** What adding a child came to: matches offered first, a new record, or a record held for the data team. */
export type NewChildOutcome =
  | { readonly kind: 'offer'; readonly matches: readonly ProbableMatch[] }
  | { readonly kind: 'created'; readonly contactPointId: string }
  | { readonly kind: 'held' }

/** What the record page offers this user to do, and their own entries to change. */
export interface PracticePanel {
  readonly may: Readonly<Record<'recordInvolvement' | 'setIndicator' | 'setMarker' | 'reportError' | 'recordDeath', boolean>>
  readonly ownInvolvements: readonly Involvement[]
  readonly organisationMarkers: readonly { id: string; contact_name: string; set_at: Date }[]
  readonly mayRemoveMarkers: boolean
}

export class PracticeService {
  readonly #db: Kysely<Database>
  readonly #practice: PracticeRepository
  readonly #records: RecordRepository
  readonly #children: ChildRepository
  readonly #feeds: FeedRepository
  readonly #loader: FeedLoader
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { db: Kysely<Database>; practice: PracticeRepository; records: RecordRepository; children: ChildRepository; feeds: FeedRepository; loader: FeedLoader; audit: AuditRepository; clock: Clock }) {
    this.#db = d.db
    this.#practice = d.practice
    this.#records = d.records
    this.#children = d.children
    this.#feeds = d.feeds
    this.#loader = d.loader
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** The child behind an ID if the user may take this action on it; a refusal is audited and thrown. */
  async allowed(actor: UserWithRoles, contactPointId: string, action: Action, context: ActionContext): Promise<Child> {
    const found = /^\d{12}$/.test(contactPointId) ? await this.#records.resolve(contactPointId) : undefined
    if (!found) return this.#refuse(actor, contactPointId, action, 'no such child', context)
    const decision = decide(actor, action, { child: factsOf(found.child, this.#clock.now()) })
    if (!decision.allowed) return this.#refuse(actor, found.child.contactpoint_id, action, decision.reason, context)
    return found.child
  }

  /** For the record page: which actions to offer, the user's own involvements and their organisation's markers. */
  async panel(actor: UserWithRoles, child: Child): Promise<PracticePanel> {
    const facts = factsOf(child, this.#clock.now())
    const may = (action: Action) => decide(actor, action, { child: facts }).allowed
    const [ownInvolvements, organisationMarkers] = await Promise.all([
      this.#practice.ownInvolvements(child.id, actor.id), this.#practice.organisationMarkers(child.id, actor.organisation_id),
    ])
    return {
      may: {
        recordInvolvement: may('child.record_involvement'), setIndicator: may('child.set_indicator'), setMarker: may('child.set_marker'),
        reportError: may('child.report_error'), recordDeath: may('child.record_death') && child.date_of_death === null,
      },
      ownInvolvements: may('child.end_involvement') ? ownInvolvements : [], organisationMarkers, mayRemoveMarkers: may('child.remove_marker'),
    }
  }

  /** What the involvement form starts with: the user's own profile and organisation, and today. */
  async involvementDefaults(actor: UserWithRoles): Promise<{ organisation: Organisation; values: InvolvementForm }> {
    const organisation = await this.#organisation(actor.organisation_id)
    const [y, m, d] = this.#today().split('-') as [string, string, string]
    return {
      organisation,
      values: {
        serviceType: defaultServiceFor(organisation.kind), consentBasis: '', practitionerName: actor.display_name,
        phone: actor.phone ?? organisation.phone ?? '', email: actor.email ?? organisation.email ?? '',
        startDay: String(Number(d)), startMonth: String(Number(m)), startYear: y,
      },
    }
  }

  async recordInvolvement(actor: UserWithRoles, contactPointId: string, form: InvolvementForm, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.record_involvement', context)
    const problems: FieldProblem[] = []
    const serviceType = RECORDABLE_SERVICES.find((s) => s === form.serviceType)
    if (!serviceType) problems.push({ field: 'serviceType', message: 'Select the service you work with the child through' })
    const sensitive = serviceType !== undefined && SENSITIVE_SERVICE_TYPES.includes(serviceType)
    const consentBasis = CONSENT_BASES.find((c) => c === form.consentBasis) ?? null
    if (sensitive && !consentBasis) problems.push({ field: 'consentBasis', message: 'Select whether the young person consented or you are recording it to prevent significant harm' })
    const practitionerName = requiredText(form.practitionerName, 'practitionerName', 'Enter your name', 100, problems)
    const phone = optionalPhone(form.phone, 'phone', problems)
    const email = optionalEmail(form.email, 'email', problems)
    if (!phone && !email && !problems.some((p) => p.field === 'phone' || p.field === 'email')) problems.push({ field: 'phone', message: 'Enter a phone number or an email address so that others can contact you' })
    const startedOn = readDate(form.startDay, form.startMonth, form.startYear, 'start', 'the date you started working with the child', problems)
    if (startedOn && startedOn > this.#today()) problems.push({ field: 'start-day', message: 'The date you started must be today or in the past' })
    if (startedOn && startedOn < child.date_of_birth) problems.push({ field: 'start-day', message: 'The date you started must be on or after the child’s date of birth' })
    if (problems.length) throw validationFailed(problems)
    await this.#db.transaction().execute(async (trx) => {
      const [created] = await this.#practice.insertInvolvements([{
        child_id: child.id, service_type: serviceType as ServiceType, organisation_id: actor.organisation_id, practitioner_user_id: actor.id,
        practitioner_name: practitionerName, phone, email, started_on: startedOn as string, ended_on: null, is_lead_professional: false, holds_caf: false,
        is_sensitive: sensitive, consent_basis: sensitive ? consentBasis as ConsentBasis : null, source_record_id: null, supplier_involvement_id: null,
        created_by_user_id: actor.id,
      }], trx)
      await this.#append(actor, context, 'child.record_involvement', child, { involvement: created?.id, service: serviceType, sensitive }, trx)
      await publishChange(trx, { type: 'involvement.changed', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: this.#clock.now() })
    })
    return child
  }

  /** One of the user's own current involvements with this child, or not found. */
  async ownInvolvement(actor: UserWithRoles, child: Child, involvementId: string): Promise<Involvement> {
    const involvement = await this.#practice.involvement(involvementId)
    if (!involvement || involvement.child_id !== child.id || involvement.practitioner_user_id !== actor.id || involvement.ended_on !== null) {
      throw new AppError('not_found', 'That involvement was not found, or it has already ended')
    }
    return involvement
  }

  async endInvolvement(actor: UserWithRoles, contactPointId: string, involvementId: string, form: DateForm, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.end_involvement', context)
    const involvement = await this.ownInvolvement(actor, child, involvementId)
    const problems: FieldProblem[] = []
    const endedOn = readDate(form.day, form.month, form.year, 'end', 'the date your involvement ended', problems)
    if (endedOn && endedOn > this.#today()) problems.push({ field: 'end-day', message: 'The date your involvement ended must be today or in the past' })
    if (endedOn && endedOn < involvement.started_on) problems.push({ field: 'end-day', message: 'The date your involvement ended must be on or after the date it started' })
    if (problems.length) throw validationFailed(problems)
    await this.#db.transaction().execute(async (trx) => {
      if (!await this.#practice.endInvolvement(involvement.id, endedOn as string, trx)) throw new AppError('conflict', 'That involvement has already ended')
      await this.#append(actor, context, 'child.end_involvement', child, { involvement: involvement.id }, trx)
      await publishChange(trx, { type: 'involvement.changed', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: this.#clock.now() })
    })
    return child
  }

  /** Says whether the user holds a CAF and whether they are the lead professional, on one of their involvements. */
  async setIndicators(actor: UserWithRoles, contactPointId: string, involvementId: string, indicators: { holdsCaf: boolean; leadProfessional: boolean }, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.set_indicator', context)
    const involvement = await this.ownInvolvement(actor, child, involvementId)
    await this.#db.transaction().execute(async (trx) => {
      await this.#practice.setIndicators(involvement.id, indicators, trx)
      await this.#append(actor, context, 'child.set_indicator', child, {
        involvement: involvement.id, holdsCaf: indicators.holdsCaf, leadProfessional: indicators.leadProfessional,
        was: { holdsCaf: involvement.holds_caf, leadProfessional: involvement.is_lead_professional },
      }, trx)
      await publishChange(trx, { type: 'indicator.changed', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: this.#clock.now() })
    })
    return child
  }

  markerDefaults(actor: UserWithRoles): MarkerForm {
    return { contactName: actor.display_name, phone: actor.phone ?? '', email: actor.email ?? '' }
  }

  /** A marker says only "contact me": a name and a phone number or email address, nothing more. */
  async setMarker(actor: UserWithRoles, contactPointId: string, form: MarkerForm, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.set_marker', context)
    const problems: FieldProblem[] = []
    const contactName = requiredText(form.contactName, 'contactName', 'Enter the name of the person to contact', 100, problems)
    const phone = optionalPhone(form.phone, 'phone', problems)
    const email = optionalEmail(form.email, 'email', problems)
    if (!phone && !email && !problems.some((p) => p.field === 'phone' || p.field === 'email')) problems.push({ field: 'phone', message: 'Enter a phone number or an email address to contact' })
    if (problems.length) throw validationFailed(problems)
    await this.#db.transaction().execute(async (trx) => {
      const id = await this.#practice.setMarker({ childId: child.id, organisationId: actor.organisation_id, setByUserId: actor.id, contactName, contactPhone: phone, contactEmail: email }, trx)
      await this.#append(actor, context, 'child.set_marker', child, { marker: id }, trx)
      await publishChange(trx, { type: 'marker.changed', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: this.#clock.now() })
    })
    return child
  }

  /** A marker is removed by its organisation's staff (or the authority's data team). */
  async removeMarker(actor: UserWithRoles, contactPointId: string, markerId: string, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.remove_marker', context)
    const marker = await this.#practice.marker(markerId)
    const dataTeam = decide(actor, 'child.remove_marker', { child: factsOf(child, this.#clock.now()) }).reason === 'allowed to authority_data_manager'
    if (!marker || marker.child_id !== child.id || marker.removed_at !== null || (marker.organisation_id !== actor.organisation_id && !dataTeam)) {
      throw new AppError('not_found', 'That cause-for-concern marker was not found, or it has already been removed')
    }
    await this.#db.transaction().execute(async (trx) => {
      if (!await this.#practice.removeMarker(marker.id, actor.id, trx)) throw new AppError('conflict', 'That marker has already been removed')
      await this.#append(actor, context, 'child.remove_marker', child, { marker: marker.id }, trx)
      await publishChange(trx, { type: 'marker.changed', childId: child.id, contactPointId: child.contactpoint_id, occurredAt: this.#clock.now() })
    })
    return child
  }

  /** A report goes to the data-quality queue of the child's authority. */
  async reportError(actor: UserWithRoles, contactPointId: string, form: ErrorReportForm, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.report_error', context)
    const problems: FieldProblem[] = []
    const part = ERROR_REPORT_PARTS.find((p) => p === form.part)
    if (!part) problems.push({ field: 'part', message: 'Select which part of the record is wrong' })
    const description = requiredText(form.description, 'description', 'Enter what is wrong and what it should say', MAX_TEXT, problems)
    if (problems.length) throw validationFailed(problems)
    await this.#db.transaction().execute(async (trx) => {
      const id = await this.#practice.insertErrorReport({
        childId: child.id, authorityId: child.responsible_authority_id, userId: actor.id, organisationId: actor.organisation_id,
        part: part as ErrorReportPart, description, createdAt: this.#clock.now(),
      }, trx)
      await this.#append(actor, context, 'child.report_error', child, { report: id, part }, trx)
    })
    return child
  }

  /** The data-quality queue of reported errors for each authority the user manages data for. */
  async errorQueue(actor: UserWithRoles): Promise<{ open: QueuedReport[]; resolved: QueuedReport[] }> {
    const authorities = this.#dataAuthorities(actor)
    const open: QueuedReport[] = []
    const resolved: QueuedReport[] = []
    for (const authorityId of authorities) {
      open.push(...await this.#practice.errorReports(authorityId, 'open', 200))
      resolved.push(...await this.#practice.errorReports(authorityId, 'resolved', 20))
    }
    return { open, resolved }
  }

  async errorReport(actor: UserWithRoles, reportId: string, context: ActionContext): Promise<QueuedReport> {
    const report = await this.#practice.errorReport(reportId)
    if (!report || !decide(actor, 'data_error.resolve', { authorityId: report.authority_id }).allowed) {
      await this.#audit.append({ ...this.#who(actor, context), action: 'data_error.resolve', outcome: 'denied', subjectType: 'data_error_report', subjectId: reportId, details: { reason: report ? 'another authority or no role' : 'no such report' } })
      throw new AppError('not_found', 'That report was not found')
    }
    return report
  }

  async resolveError(actor: UserWithRoles, reportId: string, note: string, context: ActionContext): Promise<QueuedReport> {
    const report = await this.errorReport(actor, reportId, context)
    const problems: FieldProblem[] = []
    const text = requiredText(note, 'note', 'Enter what you did about the report', MAX_TEXT, problems)
    if (problems.length) throw validationFailed(problems)
    await this.#db.transaction().execute(async (trx) => {
      if (!await this.#practice.resolveErrorReport(report.id, actor.id, text, this.#clock.now(), trx)) throw new AppError('conflict', 'That report has already been resolved')
      await this.#audit.append({
        ...this.#who(actor, context), action: 'data_error.resolve', outcome: 'success', subjectType: 'data_error_report', subjectId: report.id,
        details: { child: report.contactpoint_id, part: report.part },
      }, trx)
    })
    return report
  }

  /**
   * A date of death, as a record of the authority's own source linked to the child, so that
   * survivorship keeps it through later feed updates and the field shows where it came from. The
   * lifecycle job archives the record a year after the death.
   */
  async recordDeath(actor: UserWithRoles, contactPointId: string, form: DateForm, context: ActionContext): Promise<Child> {
    const child = await this.allowed(actor, contactPointId, 'child.record_death', context)
    if (child.date_of_death) throw new AppError('conflict', 'A date of death is already recorded for this child')
    const problems: FieldProblem[] = []
    const died = readDate(form.day, form.month, form.year, 'death', 'the date of death', problems)
    if (died && died > this.#today()) problems.push({ field: 'death-day', message: 'The date of death must be today or in the past' })
    if (died && died < child.date_of_birth) problems.push({ field: 'death-day', message: 'The date of death must be on or after the date of birth' })
    if (problems.length) throw validationFailed(problems)
    const now = this.#clock.now()
    await this.#db.transaction().execute(async (trx) => {
      const source = await this.#practice.serviceSource(child.responsible_authority_id, trx)
      const payload = JSON.stringify({ date_of_death: died })
      const recordId = await this.#feeds.upsertRecord({
        sourceId: source.id, recordId: `death-${child.id}`, givenName: null, middleNames: null, familyName: null, formerFamilyNames: [], dateOfBirth: null,
        dateOfDeath: died, gender: null, addressLines: null, town: null, postcode: null, addressStatus: null, returnIntent: null, nhsNumber: null, upn: null,
        payload, contentHash: payload, blockKeys: [], carerNames: null, held: false, loadId: null,
      }, trx)
      await this.#feeds.link({ sourceRecordId: recordId, childId: child.id, decidedBy: 'person', userId: actor.id }, trx)
      await this.#loader.resurvive([child.id], trx)
      await this.#practice.setDateOfDeath(child.id, died as string, { sourceId: source.id, sourceRecordId: recordId }, now, trx)
      await this.#append(actor, context, 'child.record_death', child, {}, trx)
    })
    return child
  }

  /**
   * A child the user could not find. The details are matched exactly as a feed record would be.
   * Probable matches the user may see are offered first (unless they have already said none is the
   * child); a shielded child is never offered. Then a new record is made when nothing might be this
   * child; otherwise it is held for the authority's data team, who decide — so a shield is never
   * defeated by a duplicate, and the user cannot tell a shielded candidate from any other doubt.
   */
  /** May the user add children (in the authority of their role)? */
  mayAddChild(actor: UserWithRoles): boolean {
    const authorityId = actor.roles.find((r) => r.authorityId)?.authorityId ?? null
    return authorityId !== null && decide(actor, 'child.create', { authorityId }).allowed
  }

  async addChild(actor: UserWithRoles, form: NewChildForm, options: { offerMatches: boolean }, context: ActionContext): Promise<NewChildOutcome> {
    const authorityId = actor.roles.find((r) => r.authorityId)?.authorityId ?? null
    if (!authorityId || !this.mayAddChild(actor)) {
      await this.#audit.append({ ...this.#who(actor, context), action: 'child.create', outcome: 'denied', details: { reason: 'no role of the user allows this' } })
      throw new AppError('forbidden', 'Your account cannot add children to ContactPoint')
    }
    const { child, serviceType } = this.#readNewChild(form)
    const authority = await this.#organisation(authorityId)
    const sourceCode = serviceSourceCode(authority)
    if (options.offerMatches) {
      const match = await this.#loader.matchPersonRecord(sourceCode, child)
      const probable = match.decision.children
        .filter((c) => !c.forbidden && !match.shieldedChildren.has(c.childId) && c.pairs[0]?.outcome === 'link')
        .slice(0, 3)
      const matches: ProbableMatch[] = []
      for (const c of probable) {
        const found = await this.#children.detail(c.childId)
        if (!found || found.child.status !== 'active') continue
        if (!decide(actor, 'child.search', { child: factsOf(found.child, this.#clock.now()) }).allowed) continue
        const address = found.addresses.find((a) => a.is_current)
        matches.push({
          contactPointId: found.child.contactpoint_id, name: [found.child.given_name, found.child.middle_names, found.child.family_name].filter(Boolean).join(' '),
          dateOfBirth: found.child.date_of_birth, gender: found.child.gender, town: address?.town ?? null, postcodeDistrict: address?.postcode ? address.postcode.toUpperCase().replace(/\s+/g, '').slice(0, -3) : null,
        })
      }
      if (matches.length > 0) {
        await this.#audit.append({ ...this.#who(actor, context), action: 'child.create', outcome: 'success', details: { stage: 'matches_offered', offered: matches.map((m) => m.contactPointId) } })
        return { kind: 'offer', matches }
      }
    }
    const now = this.#clock.now()
    return this.#db.transaction().execute(async (trx) => {
      const source = await this.#practice.serviceSource(authorityId, trx)
      const placed = await this.#loader.addPersonRecord({ sourceId: source.id, sourceCode: source.code, recordId: `${actor.id}-${now.getTime()}`, child, authorityId }, trx)
      if (!placed.childId) {
        await this.#audit.append({ ...this.#who(actor, context), action: 'child.create', outcome: 'success', subjectType: 'source_record', subjectId: placed.sourceRecordId, details: { stage: 'held_for_review' } }, trx)
        return { kind: 'held' as const }
      }
      const created = await trx.selectFrom('child').select(['contactpoint_id']).where('id', '=', placed.childId).executeTakeFirstOrThrow()
      if (serviceType) {
        await this.#practice.insertInvolvements([{
          child_id: placed.childId, service_type: serviceType, organisation_id: actor.organisation_id, practitioner_user_id: actor.id,
          practitioner_name: actor.display_name, phone: actor.phone ?? null, email: actor.email ?? null, started_on: now.toISOString().slice(0, 10), ended_on: null,
          is_lead_professional: false, holds_caf: false, is_sensitive: false, consent_basis: null, source_record_id: null, supplier_involvement_id: null, created_by_user_id: actor.id,
        }], trx)
      }
      await this.#audit.append({ ...this.#who(actor, context), action: 'child.create', outcome: 'success', subjectType: 'child', subjectId: created.contactpoint_id, details: { stage: 'created', involvement: serviceType ?? null } }, trx)
      return { kind: 'created' as const, contactPointId: created.contactpoint_id }
    })
  }

  #readNewChild(form: NewChildForm): { child: FeedChild; serviceType: ServiceType | null } {
    const problems: FieldProblem[] = []
    const givenName = requiredText(form.givenName, 'givenName', 'Enter the child’s first name', 100, problems)
    const middleNames = optionalText(form.middleNames, 'middleNames', 'middle names', 200, problems)
    const familyName = requiredText(form.familyName, 'familyName', 'Enter the child’s last name', 100, problems)
    const dob = readDate(form.dobDay, form.dobMonth, form.dobYear, 'dob', 'the child’s date of birth', problems)
    const today = this.#today()
    if (dob && dob > today) problems.push({ field: 'dob-day', message: 'The date of birth must be today or in the past' })
    else if (dob && Number(today.slice(0, 4)) - Number(dob.slice(0, 4)) > 25) problems.push({ field: 'dob-day', message: 'ContactPoint holds children and young people up to 25 years old' })
    const gender = (['female', 'male', 'not_specified'] as const).find((g) => g === form.gender)
    if (!gender) problems.push({ field: 'gender', message: 'Select the child’s gender, or “Not specified”' })
    const line1 = optionalText(form.addressLine1, 'addressLine1', 'address line 1', 100, problems)
    const line2 = optionalText(form.addressLine2, 'addressLine2', 'address line 2', 100, problems)
    const town = optionalText(form.town, 'town', 'town or city', 100, problems)
    const postcode = form.postcode.trim().toUpperCase().replace(/\s+/g, ' ')
    if (postcode && !/^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$/.test(postcode)) problems.push({ field: 'postcode', message: 'Enter a full UK postcode, like NM1 2AB' })
    if ((line1 || town || postcode) && !line1) problems.push({ field: 'addressLine1', message: 'Enter address line 1, or leave the address empty if it is not known' })
    const serviceType = form.serviceType ? RECORDABLE_SERVICES.filter((s) => !SENSITIVE_SERVICE_TYPES.includes(s)).find((s) => s === form.serviceType) ?? null : null
    if (form.serviceType && !serviceType) problems.push({ field: 'serviceType', message: 'Select the service you work with the child through' })
    if (problems.length) throw validationFailed(problems)
    const normalisedPostcode = postcode ? `${postcode.replace(' ', '').slice(0, -3)} ${postcode.replace(' ', '').slice(-3)}` : null
    return {
      serviceType,
      child: {
        given_name: givenName, middle_names: middleNames, family_name: familyName, date_of_birth: dob as string, gender: gender as FeedChild['gender'],
        address: line1 ? { lines: [line1, line2].filter((l): l is string => Boolean(l)), town, postcode: normalisedPostcode, status: 'current' } : null,
      },
    }
  }

  #dataAuthorities(actor: UserWithRoles): string[] {
    const ids = [...new Set(actor.roles.map((r) => r.authorityId).filter((a): a is string => a !== null))]
      .filter((a) => decide(actor, 'data_error.resolve', { authorityId: a }).allowed)
    if (ids.length === 0) throw new AppError('forbidden', 'Only an authority’s data team can see its reported data errors')
    return ids
  }

  async #organisation(id: string): Promise<Organisation> {
    const organisation = await this.#records.organisation(id)
    if (!organisation) throw new AppError('not_found', 'Your organisation was not found')
    return organisation
  }

  #today(): string {
    return this.#clock.now().toISOString().slice(0, 10)
  }

  async #append(actor: UserWithRoles, context: ActionContext, action: Action, child: Child, details: Record<string, unknown>, trx: Transaction<Database>): Promise<void> {
    await this.#audit.append({ ...this.#who(actor, context), action, outcome: 'success', subjectType: 'child', subjectId: child.contactpoint_id, details }, trx)
  }

  async #refuse(actor: UserWithRoles, contactPointId: string, action: Action, reason: string, context: ActionContext): Promise<never> {
    await this.#audit.append({ ...this.#who(actor, context), action, outcome: 'denied', subjectType: 'child', subjectId: contactPointId, details: { reason } })
    if (reason === 'no such child' || /another local authority/.test(reason)) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
    throw new AppError('forbidden', `You cannot do this: ${reason}.`)
  }

  #who(actor: UserWithRoles, context: ActionContext) {
    return { ...originOf(context), actorUserId: actor.id, actorOrganisationId: actor.organisation_id, onBehalfOf: context.onBehalfOf ?? null, occurredAt: this.#clock.now() }
  }
}

/** The code of an authority's own source of records made in the service. */
export function serviceSourceCode(authority: Pick<Organisation, 'la_number' | 'code'>): string {
  return `contactpoint-users-${(authority.la_number ?? authority.code).toLowerCase().replace(/[^a-z0-9-]/g, '-')}`
}

function defaultServiceFor(kind: Organisation['kind']): string {
  const byKind: Partial<Record<Organisation['kind'], ServiceType>> = {
    school: 'school', early_years: 'early_years', further_education: 'further_education', gp_practice: 'gp_practice',
    social_care: 'childrens_social_care', youth_offending: 'youth_offending', youth_service: 'youth_service', voluntary: 'voluntary_sector',
    police: 'police_liaison', housing: 'housing',
  }
  return byKind[kind] ?? ''
}

export function factsOf(child: Child, now: Date): ChildFacts {
  return {
    responsibleAuthorityId: child.responsible_authority_id, shielded: child.shielded, status: child.status,
    archivedOn: child.archived_at ? londonDate(child.archived_at) : null, asOf: londonDate(now),
  }
}
