// A child's record: the reason question, the record itself, and the shield override. Thin: read
// the form, ask the record service, present, render. The record is shown in answer to the reason
// (a POST), so every showing is one audited view with its reason; nothing is cached (no-store).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldProblem } from '../errors.ts'
import { requireSignedIn } from '../people/session.hooks.ts'
import { byField, toSummary } from '../people/sign-in.routes.ts'
import type { Services } from '../services.ts'
import { formatId } from '../web/format.ts'
import { presentRecord } from './record.presenter.ts'
import { OVERRIDE_REASONS, VIEW_REASONS, type ReasonForm } from './record.service.ts'

type Params = { id: string }
type Body = { reason?: string | string[]; detail?: string | string[] }

/** Record openings per address per minute. */
export const RECORD_RATE_LIMIT = { max: 60, timeWindow: '1 minute' }

export function registerRecordRoutes(app: FastifyInstance, services: Services): void {
  const context = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })
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
  const validation = (error: unknown): FieldProblem[] | null =>
    error instanceof AppError && error.code === 'validation_failed' ? [...error.fields] : null

  app.get<{ Params: Params }>('/children/:id/reason', { preHandler: requireSignedIn }, async (request, reply) => reasonPage(reply, idOf(request), {}))

  app.post<{ Params: Params; Body: Body }>('/children/:id/reason', post, async (request, reply) => {
    const id = idOf(request)
    const { actor, session } = signedIn(request)
    const form = formOf(request.body)
    try {
      const access = await services.record.view(actor, id, form, session, context(request))
      const record = presentRecord(access)
      return reply.view('record.njk', { title: record.name, record, csrfToken: reply.generateCsrf() })
    } catch (error) {
      const problems = validation(error)
      if (problems) return reasonPage(reply, id, form, problems, 400)
      throw error
    }
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
      const record = presentRecord(access)
      return reply.view('record.njk', { title: record.name, record, overridden: true, csrfToken: reply.generateCsrf() })
    } catch (error) {
      const problems = validation(error)
      if (problems) return overridePage(reply, id, form, problems, 400)
      throw error
    }
  })
}

const first = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] ?? '' : value ?? '').slice(0, 2000)
