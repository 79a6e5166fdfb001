// The authority data manager's data-quality pages: the review queue (possible matches side by side
// with the engine's explanation; same child / different children; a second person approves merges),
// disagreements between sources, and merges (with split). Thin: read the form, call the service, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import { requireSignedIn } from '../people/session.hooks.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Services } from '../services.ts'
import { compareRows, conflictView, explanationRows, mergeView, queueRow, sideTitle } from './quality.presenter.ts'

type Body = Record<string, string | undefined>

/** The authority whose data the signed-in data manager looks after. */
export function dataManagerAuthority(actor: UserWithRoles): string {
  const grant = actor.roles.find((r) => r.role === 'authority_data_manager' && r.authorityId)
  if (!grant?.authorityId) throw new AppError('forbidden', 'Only an authority data manager can do data-quality work')
  return grant.authorityId
}

export function registerQualityRoutes(app: FastifyInstance, services: Services): void {
  const reviews = services.review
  const context = (request: FastifyRequest) => ({ channel: 'web' as const, clientIp: request.ip, requestId: request.id })
  const actorOf = (request: FastifyRequest): UserWithRoles => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return request.auth.user
  }
  const guard = { preHandler: requireSignedIn }
  const guardPost = { preHandler: [requireSignedIn, app.csrfProtection] }

  app.get<{ Querystring: { done?: string } }>('/data-quality', guard, async (request, reply) => {
    const actor = actorOf(request)
    const authorityId = dataManagerAuthority(actor)
    const [queue, conflicts] = await Promise.all([reviews.queue(actor, authorityId, 200), reviews.conflicts(actor, authorityId, 1)])
    return reply.view('quality-queue.njk', {
      title: 'Data-quality work', rows: queue.map(queueRow), count: queue.length, hasConflicts: conflicts.length > 0,
      done: request.query.done === 'same' || request.query.done === 'different' || request.query.done === 'approved' || request.query.done === 'proposed' ? request.query.done : null,
    })
  })

  const renderReview = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, errors: { text: string; href: string }[] = []) => {
    const actor = actorOf(request)
    const detail = await reviews.detail(actor, request.params.id, context(request))
    const { review } = detail
    return reply.code(errors.length ? 400 : 200).view('quality-review.njk', {
      title: review.kind === 'record' ? 'Is this record one of our children?' : 'Are these two records one child?',
      csrfToken: reply.generateCsrf(), review, kind: review.kind, status: review.status, errors,
      leftTitle: sideTitle(detail.left), rightTitle: sideTitle(detail.right), shielded: detail.left.shielded || detail.right.shielded,
      rows: compareRows(detail.left, detail.right), probability: `${(review.match_probability * 100).toFixed(1)}%`,
      explanation: detail.explanation ? explanationRows(detail.explanation) : null, guards: detail.explanation?.guards ?? [],
      proposedByMe: review.decided_by_user_id === actor.id,
    })
  }

  app.get<{ Params: { id: string } }>('/data-quality/reviews/:id', guard, async (request, reply) => renderReview(request, reply))

  app.post<{ Params: { id: string }; Body: Body }>('/data-quality/reviews/:id', guardPost, async (request, reply) => {
    const verdict = request.body.verdict
    if (verdict !== 'same' && verdict !== 'different') {
      return renderReview(request, reply, [{ text: 'Choose whether they are the same child or different children', href: '#verdict' }])
    }
    const status = await reviews.decide(actorOf(request), request.params.id, verdict, context(request))
    return reply.redirect(`/data-quality?done=${status === 'awaiting_approval' ? 'proposed' : verdict}`, 303)
  })

  app.post<{ Params: { id: string } }>('/data-quality/reviews/:id/approve', guardPost, async (request, reply) => {
    await reviews.approveMerge(actorOf(request), request.params.id, context(request))
    return reply.redirect('/data-quality?done=approved', 303)
  })

  app.get<{ Querystring: { done?: string } }>('/data-quality/conflicts', guard, async (request, reply) => {
    const actor = actorOf(request)
    const conflicts = await reviews.conflicts(actor, dataManagerAuthority(actor))
    return reply.view('quality-conflicts.njk', { title: 'Sources that disagree', csrfToken: reply.generateCsrf(), conflicts: conflicts.map(conflictView), done: request.query.done === 'resolved' })
  })

  app.post<{ Params: { id: string } }>('/data-quality/conflicts/:id/resolve', guardPost, async (request, reply) => {
    await reviews.resolveConflict(actorOf(request), request.params.id, context(request))
    return reply.redirect('/data-quality/conflicts?done=resolved', 303)
  })

  app.get<{ Querystring: { done?: string } }>('/data-quality/merges', guard, async (request, reply) => {
    const actor = actorOf(request)
    const merges = await reviews.merges(actor, dataManagerAuthority(actor))
    return reply.view('quality-merges.njk', { title: 'Merged records', csrfToken: reply.generateCsrf(), merges: merges.map(mergeView), done: request.query.done === 'split' })
  })

  app.post<{ Params: { contactPointId: string } }>('/data-quality/merges/:contactPointId/split', guardPost, async (request, reply) => {
    await reviews.split(actorOf(request), request.params.contactPointId, context(request))
    return reply.redirect('/data-quality/merges?done=split', 303)
  })
}
