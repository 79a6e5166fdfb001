// A child's record: the reason question, the record itself, and the shield override. Thin: read
// the form, ask the record service, present, render. The record is shown in answer to the reason
// (a POST), so every showing is one audited view with its reason; nothing is cached (no-store).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldProblem } from '../errors.ts'
import { requireSignedIn } from '../people/session.hooks.ts'
import { byField, toSummary } from '../people/sign-in.routes.ts'
import type { Services } from '../services.ts'
import { IDLE_TIMEOUT_MS } from '../people/sign-in.service.ts'
import { actionContext, DONE_MESSAGES } from '../practice/practice.routes.ts'
import { formatDate, formatId, humanise } from '../web/format.ts'
import { presentRecord, SERVICE_LABELS } from './record.presenter.ts'
import { OVERRIDE_REASONS, VIEW_REASONS, type RecordAccess, type ReasonForm } from './record.service.ts'

type Params = { id: string }
type Body = { reason?: string | string[]; detail?: string | string[] }

/** Record openings per address per minute. */
export const RECORD_RATE_LIMIT = { max: 60, timeWindow: '1 minute' }

export function registerRecordRoutes(app: FastifyInstance, services: Services): void {
  const context = actionContext
  const signedIn = (request: FastifyRequest) => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return { actor: request.auth.user, session: { sessionId: request.auth.sessionId } }
  }
  const idOf = (request: FastifyRequest<{ Params: Params }>) => {
    const id = request.params.id
    if (!/^\d{12}$/.test(id)) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
    return id
  }
  const formOf = (body: Body): ReasonForm => ({ reason: first(body.reason), detail: first(body.detail) })
  const post = { preHandler: [requireSignedIn, app.csrfProtection], config: { rateLimit: RECORD_RATE_LIMIT } }

  const reasonPage = (reply: FastifyReply, id: string, values: Partial<ReasonForm>, problems: FieldProblem[] = [], status = 200) =>
    reply.code(status).view('reason.njk', {
      title: 'Why do you need to see this record?', csrfToken: reply.generateCsrf(), id, contactPointId: formatId(id), values,
      reasons: VIEW_REASONS, errors: problems.map(toSummary), fieldErrors: byField(problems),
    })
  const overridePage = (reply: FastifyReply, id: string, values: Partial<ReasonForm>, problems: FieldProblem[] = [], status = 200) =>
    reply.code(status).view('override.njk', {
      title: 'Override the shield on this record', csrfToken: reply.generateCsrf(), id, contactPointId: formatId(id), values,
      reasons: OVERRIDE_REASONS, errors: problems.map(toSummary), fieldErrors: byField(problems),
    })
  /** The record page, with what this user may record on it (nothing on a restricted view). */
  const recordPage = async (request: FastifyRequest, reply: FastifyReply, access: RecordAccess, extra: Record<string, unknown> = {}) => {
    const record = presentRecord(access)
    const panel = access.restricted ? null : await services.practice.panel(signedIn(request).actor, access.child)
    return reply.view('record.njk', {
      title: record.name, record, csrfToken: reply.generateCsrf(), ...extra,
      practice: panel && {
        ...panel,
        ownInvolvements: panel.ownInvolvements.map((i) => ({ id: i.id, service: SERVICE_TEXT(i.service_type), since: formatDate(i.started_on), holdsCaf: i.holds_caf, leadProfessional: i.is_lead_professional })),
        organisationMarkers: panel.organisationMarkers.map((m) => ({ id: m.id, contact: m.contact_name, since: formatDate(m.set_at.toISOString()) })),
      },
    })
  }
  const validation = (error: unknown): FieldProblem[] | null =>
    error instanceof AppError && error.code === 'validation_failed' ? [...error.fields] : null

  app.get<{ Params: Params }>('/children/:id/reason', { preHandler: requireSignedIn }, async (request, reply) => reasonPage(reply, idOf(request), {}))

  app.post<{ Params: Params; Body: Body }>('/children/:id/reason', post, async (request, reply) => {
    const id = idOf(request)
    const { actor, session } = signedIn(request)
    const form = formOf(request.body)
    try {
      const access = await services.record.view(actor, id, form, session, context(request))
      return recordPage(request, reply, access)
    } catch (error) {
      const problems = validation(error)
      if (problems) return reasonPage(reply, id, form, problems, 400)
      throw error
    }
  })

  // Back to the record after recording something on it: the reason given minutes ago still stands
  // (a new audited view); otherwise the reason question again.
  app.get<{ Params: Params; Querystring: { done?: string } }>('/children/:id', { preHandler: requireSignedIn }, async (request, reply) => {
    const id = idOf(request)
    const { actor, session } = signedIn(request)
    const since = new Date(services.clock.now().getTime() - IDLE_TIMEOUT_MS)
    const access = await services.record.continueView(actor, id, session, context(request), since)
    if (!access) return reply.redirect(`/children/${id}/reason`, 303)
    const done = Object.hasOwn(DONE_MESSAGES, request.query.done ?? '') ? DONE_MESSAGES[request.query.done as string] : undefined
    return recordPage(request, reply, access, done ? { done } : {})
  })

  app.get<{ Params: Params }>('/children/:id/override', { preHandler: requireSignedIn }, async (request, reply) => {
    const id = idOf(request)
    await services.record.overridable(signedIn(request).actor, id, context(request))
    return overridePage(reply, id, {})
  })

  app.post<{ Params: Params; Body: Body }>('/children/:id/override', post, async (request, reply) => {
    const id = idOf(request)
    const { actor, session } = signedIn(request)
    const form = formOf(request.body)
    try {
      const access = await services.record.overrideShield(actor, id, form, session, context(request))
      return recordPage(request, reply, access, { overridden: true })
    } catch (error) {
      const problems = validation(error)
      if (problems) return overridePage(reply, id, form, problems, 400)
      throw error
    }
  })
}

const SERVICE_TEXT = (code: string): string => SERVICE_LABELS[code] ?? humanise(code)

const first = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] ?? '' : value ?? '').slice(0, 2000)
