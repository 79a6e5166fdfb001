// Pages for what practitioners record (their involvement, CAF and lead professional, cause-for-concern
// markers, data errors, a child not found, a date of death), the authority's data-error queue, and
// phone enquiries. Thin: read the form, ask the service, redirect (post/redirect/get) or re-render
// the question with its error summary. After a change the user returns to the record with a banner.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ERROR_REPORT_PARTS, IDENTITY_CHECKS, type PhoneEnquiry } from '../db/schema.ts'
import { AppError, type FieldProblem } from '../errors.ts'
import { SENSITIVE_SERVICE_TYPES } from '../feeds/feed-record.ts'
import { decide } from '../governance/policy.ts'
import { requireSignedIn } from '../people/session.hooks.ts'
import { byField, toSummary } from '../people/sign-in.routes.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { SERVICE_LABELS } from '../record/record.presenter.ts'
import type { Services } from '../services.ts'
import { formatDate, formatId, GENDER_LABELS, humanise } from '../web/format.ts'
import { IDENTITY_CHECK_LABELS, onBehalfOf, type PhoneEnquiryForm } from './phone-enquiry.service.ts'
import { RECORDABLE_SERVICES, type ActionContext, type InvolvementForm, type NewChildForm } from './practice.service.ts'

declare module 'fastify' {
  interface FastifyRequest {
    phoneEnquiry: PhoneEnquiry | null
  }
}

type Params = { id: string }
type Body = Record<string, string | string[] | undefined>

export const ERROR_PART_LABELS: Readonly<Record<(typeof ERROR_REPORT_PARTS)[number], string>> = {
  name: 'Name', date_of_birth: 'Date of birth', gender: 'Gender', address: 'Address', carers: 'Parents and carers', involvements: 'Who is working with the child', other: 'Something else',
}

/** Banners shown on the record after a change (a closed list: nothing from the request is echoed). */
export const DONE_MESSAGES: Readonly<Record<string, string>> = {
  involvement_recorded: 'Your involvement has been recorded',
  involvement_ended: 'Your involvement has been ended',
  indicators_saved: 'Your CAF and lead professional details have been saved',
  marker_set: 'Your cause-for-concern marker has been set',
  marker_removed: 'The cause-for-concern marker has been removed',
  error_reported: 'Your report has been sent to the local authority’s data team',
  death_recorded: 'The date of death has been recorded',
}

/** Who the request acts for: during a phone enquiry, its caller on the phone channel. */
export function actionContext(request: FastifyRequest): ActionContext {
  const enquiry = request.phoneEnquiry
  return { clientIp: request.ip, requestId: request.id, ...(enquiry ? { channel: 'phone' as const, onBehalfOf: onBehalfOf(enquiry) } : {}) }
}

export function registerPracticeRoutes(app: FastifyInstance, services: Services): void {
  app.decorateRequest('phoneEnquiry', null)
  // The session's phone enquiry, if one is open: every page shows it, every search and view is the caller's.
  app.addHook('preHandler', async (request, reply) => {
    if (request.auth?.state !== 'signed_in') return
    const user = request.auth.user
    const enquiry = await services.phoneEnquiries.active(request.auth.sessionId)
    request.phoneEnquiry = enquiry ?? null
    reply.locals = {
      ...reply.locals,
      practiceNav: { phone: services.phoneEnquiries.mayTakeEnquiries(user), addChild: services.practice.mayAddChild(user), dataErrors: user.roles.some((r) => decide(user, 'data_error.resolve', { authorityId: r.authorityId }).allowed) },
      ...(enquiry ? { phoneEnquiry: { caller: enquiry.caller_name, organisation: enquiry.caller_organisation } } : {}),
    }
  })

  const actor = (request: FastifyRequest): UserWithRoles => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return request.auth.user
  }
  const sessionId = (request: FastifyRequest): string => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return request.auth.sessionId
  }
  const idOf = (request: FastifyRequest<{ Params: Params }>) => {
    if (!/^\d{12}$/.test(request.params.id)) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
    return request.params.id
  }
  const post = { preHandler: [requireSignedIn, app.csrfProtection], config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }
  const get = { preHandler: requireSignedIn }
  const page = (reply: FastifyReply, view: string, title: string, data: Record<string, unknown>, problems: FieldProblem[] = [], status = 200) =>
    reply.code(status).view(view, { title, csrfToken: reply.generateCsrf(), errors: problems.map(toSummary), fieldErrors: byField(problems), ...data })
  /** Runs a change; a validation failure re-renders the question with the answers given. */
  const attempt = async (reply: FastifyReply, change: () => Promise<unknown>, done: () => string, rerender: (problems: FieldProblem[]) => Promise<FastifyReply> | FastifyReply) => {
    try {
      await change()
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') return rerender([...error.fields])
      throw error
    }
    return reply.redirect(done(), 303)
  }
  const back = (id: string, done: string) => `/children/${id}?done=${done}`
  const caption = (id: string) => `ContactPoint ID ${formatId(id)}`

  // --- your involvement ---------------------------------------------------------------------------

  const services_ = RECORDABLE_SERVICES.map((code) => ({ code, text: SERVICE_LABELS[code] ?? humanise(code), sensitive: SENSITIVE_SERVICE_TYPES.includes(code) }))
  const involvementPage = async (request: FastifyRequest, reply: FastifyReply, id: string, values: InvolvementForm, problems: FieldProblem[] = []) => {
    const { organisation } = await services.practice.involvementDefaults(actor(request))
    return page(reply, 'involvement.njk', 'Record your involvement', { id, caption: caption(id), values, organisation: organisation.name, services: services_ }, problems, problems.length ? 400 : 200)
  }
  app.get<{ Params: Params }>('/children/:id/involvement', get, async (request, reply) => {
    const id = idOf(request)
    await services.practice.allowed(actor(request), id, 'child.record_involvement', actionContext(request))
    return involvementPage(request, reply, id, (await services.practice.involvementDefaults(actor(request))).values)
  })
  app.post<{ Params: Params; Body: Body }>('/children/:id/involvement', post, async (request, reply) => {
    const id = idOf(request)
    const b = request.body
    const form: InvolvementForm = {
      serviceType: one(b.serviceType), consentBasis: one(b.consentBasis), practitionerName: one(b.practitionerName), phone: one(b.phone), email: one(b.email),
      startDay: one(b['start-day']), startMonth: one(b['start-month']), startYear: one(b['start-year']),
    }
    return attempt(reply, () => services.practice.recordInvolvement(actor(request), id, form, actionContext(request)), () => back(id, 'involvement_recorded'),
      (problems) => involvementPage(request, reply, id, form, problems))
  })

  type InvolvementParams = { id: string; involvementId: string }
  const ownInvolvement = async (request: FastifyRequest<{ Params: InvolvementParams }>, action: 'child.end_involvement' | 'child.set_indicator') => {
    const id = idOf(request)
    const child = await services.practice.allowed(actor(request), id, action, actionContext(request))
    const involvement = await services.practice.ownInvolvement(actor(request), child, request.params.involvementId)
    return { id, involvement, summary: `${SERVICE_LABELS[involvement.service_type] ?? involvement.service_type}, since ${formatDate(involvement.started_on)}` }
  }
  app.get<{ Params: InvolvementParams }>('/children/:id/involvements/:involvementId/end', get, async (request, reply) => {
    const { id, summary } = await ownInvolvement(request, 'child.end_involvement')
    const [y, m, d] = services.clock.now().toISOString().slice(0, 10).split('-')
    return page(reply, 'involvement-end.njk', 'End your involvement', { id, caption: caption(id), summary, action: request.url, values: { day: String(Number(d)), month: String(Number(m)), year: y } })
  })
  app.post<{ Params: InvolvementParams; Body: Body }>('/children/:id/involvements/:involvementId/end', post, async (request, reply) => {
    const id = idOf(request)
    const values = { day: one(request.body['end-day']), month: one(request.body['end-month']), year: one(request.body['end-year']) }
    return attempt(reply, () => services.practice.endInvolvement(actor(request), id, request.params.involvementId, values, actionContext(request)), () => back(id, 'involvement_ended'),
      async (problems) => {
        const { summary } = await ownInvolvement(request, 'child.end_involvement')
        return page(reply, 'involvement-end.njk', 'End your involvement', { id, caption: caption(id), summary, action: request.url, values }, problems, 400)
      })
  })
  app.get<{ Params: InvolvementParams }>('/children/:id/involvements/:involvementId/indicators', get, async (request, reply) => {
    const { id, involvement, summary } = await ownInvolvement(request, 'child.set_indicator')
    return page(reply, 'indicators.njk', 'CAF and lead professional', { id, caption: caption(id), summary, action: request.url, values: { holdsCaf: involvement.holds_caf, leadProfessional: involvement.is_lead_professional } })
  })
  app.post<{ Params: InvolvementParams; Body: Body }>('/children/:id/involvements/:involvementId/indicators', post, async (request, reply) => {
    const id = idOf(request)
    const chosen = many(request.body.indicators)
    await services.practice.setIndicators(actor(request), id, request.params.involvementId, { holdsCaf: chosen.includes('caf'), leadProfessional: chosen.includes('lead') }, actionContext(request))
    return reply.redirect(back(id, 'indicators_saved'), 303)
  })

  // --- cause-for-concern markers ----------------------------------------------------------------

  app.get<{ Params: Params }>('/children/:id/marker', get, async (request, reply) => {
    const id = idOf(request)
    await services.practice.allowed(actor(request), id, 'child.set_marker', actionContext(request))
    return page(reply, 'marker.njk', 'Set a cause-for-concern marker', { id, caption: caption(id), values: services.practice.markerDefaults(actor(request)) })
  })
  app.post<{ Params: Params; Body: Body }>('/children/:id/marker', post, async (request, reply) => {
    const id = idOf(request)
    const values = { contactName: one(request.body.contactName), phone: one(request.body.phone), email: one(request.body.email) }
    return attempt(reply, () => services.practice.setMarker(actor(request), id, values, actionContext(request)), () => back(id, 'marker_set'),
      (problems) => page(reply, 'marker.njk', 'Set a cause-for-concern marker', { id, caption: caption(id), values }, problems, 400))
  })
  app.post<{ Params: { id: string; markerId: string } }>('/children/:id/markers/:markerId/remove', post, async (request, reply) => {
    const id = idOf(request)
    await services.practice.removeMarker(actor(request), id, request.params.markerId, actionContext(request))
    return reply.redirect(back(id, 'marker_removed'), 303)
  })

  // --- data errors --------------------------------------------------------------------------------

  const parts = ERROR_REPORT_PARTS.map((code) => ({ code, text: ERROR_PART_LABELS[code] }))
  app.get<{ Params: Params }>('/children/:id/report-error', get, async (request, reply) => {
    const id = idOf(request)
    await services.practice.allowed(actor(request), id, 'child.report_error', actionContext(request))
    return page(reply, 'report-error.njk', 'Report an error on this record', { id, caption: caption(id), parts, values: {} })
  })
  app.post<{ Params: Params; Body: Body }>('/children/:id/report-error', post, async (request, reply) => {
    const id = idOf(request)
    const values = { part: one(request.body.part), description: one(request.body.description) }
    return attempt(reply, () => services.practice.reportError(actor(request), id, values, actionContext(request)), () => back(id, 'error_reported'),
      (problems) => page(reply, 'report-error.njk', 'Report an error on this record', { id, caption: caption(id), parts, values }, problems, 400))
  })

  app.get('/data-errors', get, async (request, reply) => {
    const queue = await services.practice.errorQueue(actor(request))
    return reply.view('data-errors.njk', { title: 'Reported data errors', activeNav: 'data-errors', queue: presentReports(queue.open), resolved: presentReports(queue.resolved) })
  })
  type ReportParams = { reportId: string }
  const reportPage = async (request: FastifyRequest<{ Params: ReportParams }>, reply: FastifyReply, values: { note?: string }, problems: FieldProblem[] = []) => {
    const report = await services.practice.errorReport(actor(request), request.params.reportId, actionContext(request))
    return page(reply, 'data-error.njk', 'Reported data error', { activeNav: 'data-errors', report: presentReports([report])[0], values, resolvedNow: (request.query as { resolved?: string }).resolved === '1' }, problems, problems.length ? 400 : 200)
  }
  app.get<{ Params: ReportParams }>('/data-errors/:reportId', get, async (request, reply) => reportPage(request, reply, {}))
  app.post<{ Params: ReportParams; Body: Body }>('/data-errors/:reportId', post, async (request, reply) => {
    const note = one(request.body.note)
    return attempt(reply, () => services.practice.resolveError(actor(request), request.params.reportId, note, actionContext(request)),
      () => `/data-errors/${request.params.reportId}?resolved=1`, (problems) => reportPage(request, reply, { note }, problems))
  })

  // --- date of death ------------------------------------------------------------------------------

  app.get<{ Params: Params }>('/children/:id/death', get, async (request, reply) => {
    const id = idOf(request)
    await services.practice.allowed(actor(request), id, 'child.record_death', actionContext(request))
    return page(reply, 'death.njk', 'Record a date of death', { id, caption: caption(id), values: {} })
  })
  app.post<{ Params: Params; Body: Body }>('/children/:id/death', post, async (request, reply) => {
    const id = idOf(request)
    const values = { day: one(request.body['death-day']), month: one(request.body['death-month']), year: one(request.body['death-year']) }
    return attempt(reply, () => services.practice.recordDeath(actor(request), id, values, actionContext(request)), () => back(id, 'death_recorded'),
      (problems) => page(reply, 'death.njk', 'Record a date of death', { id, caption: caption(id), values }, problems, 400))
  })

  // --- a child not found --------------------------------------------------------------------------

  const childServices = services_.filter((s) => !s.sensitive)
  const newChildPage = (reply: FastifyReply, values: Partial<NewChildForm>, problems: FieldProblem[] = []) =>
    page(reply, 'new-child.njk', 'Add a child who is not on ContactPoint', { values, services: childServices, dobError: problems.find((p) => p.field.startsWith('dob-'))?.message ?? null }, problems, problems.length ? 400 : 200)
  const newChildForm = (b: Body): NewChildForm => ({
    givenName: one(b.givenName), middleNames: one(b.middleNames), familyName: one(b.familyName), dobDay: one(b['dob-day']), dobMonth: one(b['dob-month']),
    dobYear: one(b['dob-year']), gender: one(b.gender), addressLine1: one(b.addressLine1), addressLine2: one(b.addressLine2), town: one(b.town),
    postcode: one(b.postcode), serviceType: one(b.serviceType),
  })
  app.get('/children/new', get, async (request, reply) => {
    if (!services.practice.mayAddChild(actor(request))) throw new AppError('forbidden', 'Your account cannot add children to ContactPoint')
    const defaults = await services.practice.involvementDefaults(actor(request))
    return newChildPage(reply, { serviceType: defaults.values.serviceType })
  })
  app.post<{ Body: Body }>('/children/new', post, async (request, reply) => {
    const form = newChildForm(request.body)
    // "none of these is the child": the matches were offered; now it is added (or held for the data team)
    const offerMatches = one(request.body.noneMatch) !== 'yes'
    try {
      const outcome = await services.practice.addChild(actor(request), form, { offerMatches }, actionContext(request))
      if (outcome.kind === 'offer') {
        return page(reply, 'new-child-matches.njk', 'Is this the child?', {
          values: form, matches: outcome.matches.map((m) => ({ ...m, id: formatId(m.contactPointId), dateOfBirth: formatDate(m.dateOfBirth), gender: GENDER_LABELS[m.gender] ?? m.gender })),
        })
      }
      if (outcome.kind === 'created') return reply.redirect(`/children/new/added/${outcome.contactPointId}`, 303)
      return reply.redirect('/children/new/held', 303)
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') return newChildPage(reply, form, [...error.fields])
      throw error
    }
  })
  app.get<{ Params: Params }>('/children/new/added/:id', get, async (request, reply) => {
    const id = idOf(request)
    return reply.view('new-child-done.njk', { title: 'Record added', id, contactPointId: formatId(id), held: false })
  })
  app.get('/children/new/held', get, async (_request, reply) => reply.view('new-child-done.njk', { title: 'Sent to the data team to check', held: true }))

  // --- phone enquiries ----------------------------------------------------------------------------

  const checks = IDENTITY_CHECKS.map((code) => ({ code, text: IDENTITY_CHECK_LABELS[code] }))
  app.get('/phone-enquiry', get, async (request, reply) => {
    if (!services.phoneEnquiries.mayTakeEnquiries(actor(request))) throw new AppError('forbidden', 'Your account cannot take phone enquiries')
    return page(reply, 'phone-enquiry.njk', 'Take a phone enquiry', { activeNav: 'phone', checks, values: {}, current: request.phoneEnquiry })
  })
  app.post<{ Body: Body }>('/phone-enquiry', post, async (request, reply) => {
    const form: PhoneEnquiryForm = {
      callerName: one(request.body.callerName), callerOrganisation: one(request.body.callerOrganisation), callerPhone: one(request.body.callerPhone),
      identityCheck: one(request.body.identityCheck), identityCheckDetail: one(request.body.identityCheckDetail),
    }
    return attempt(reply, () => services.phoneEnquiries.start(actor(request), sessionId(request), form, actionContext(request)), () => '/search',
      (problems) => page(reply, 'phone-enquiry.njk', 'Take a phone enquiry', { activeNav: 'phone', checks, values: form, current: request.phoneEnquiry }, problems, 400))
  })
  app.post('/phone-enquiry/end', post, async (request, reply) => {
    await services.phoneEnquiries.end(actor(request), sessionId(request), actionContext(request))
    return reply.redirect('/search', 303)
  })
}

function presentReports(reports: readonly Awaited<ReturnType<Services['practice']['errorReport']>>[]) {
  return reports.map((r) => ({
    id: r.id, contactPointId: formatId(r.contactpoint_id), rawContactPointId: r.contactpoint_id, childName: r.child_name, part: ERROR_PART_LABELS[r.part],
    description: r.description, reportedOn: formatDate(r.created_at.toISOString()), reporter: r.reporter_name, reporterOrganisation: r.reporter_organisation,
    reporterContact: [r.reporter_phone, r.reporter_email].filter(Boolean).join(', ') || null, status: r.status,
    resolvedOn: r.resolved_at ? formatDate(r.resolved_at.toISOString()) : null, resolver: r.resolver_name, note: r.resolution_note,
  }))
}

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] ?? '' : value ?? '').slice(0, 2000)
const many = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value ? [value] : [])
