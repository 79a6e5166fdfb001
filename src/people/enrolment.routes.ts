// Accepting an invitation from the authority team: choose a password, then set up an
// authenticator app, confirmed by its first code. The invitation link works once.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FieldProblem } from '../errors.ts'
import type { Services } from '../services.ts'
import { sessionToken, setSessionCookie } from './session.hooks.ts'
import { byField, toSummary } from './sign-in.routes.ts'
import { MIN_PASSWORD_LENGTH } from './sign-in.service.ts'

/** `production` (from config) decides whether the session cookie is Secure. */
export function registerEnrolmentRoutes(app: FastifyInstance, services: Services, production: boolean): void {
  const context = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })
  const invalid = { title: 'This invitation cannot be used', paragraphs: ['The link has expired or has already been used. Ask your local authority ContactPoint team for a new invitation.'] }

  app.get<{ Params: { token: string } }>('/enrol/:token', async (request, reply) => {
    if (!await services.signIn.invitationIsValid(request.params.token)) return reply.code(404).view('error.njk', invalid)
    return reply.view('enrol-password.njk', { title: 'Create your password', csrfToken: reply.generateCsrf(), token: request.params.token, minLength: MIN_PASSWORD_LENGTH })
  })

  app.post<{ Params: { token: string }; Body: { password?: string; confirm?: string } }>('/enrol/:token', { preHandler: app.csrfProtection, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const password = String(request.body.password ?? '')
    const confirm = String(request.body.confirm ?? '')
    const again = (problems: FieldProblem[]) => reply.code(400).view('enrol-password.njk', {
      title: 'Create your password', csrfToken: reply.generateCsrf(), token: request.params.token, minLength: MIN_PASSWORD_LENGTH,
      errors: problems.map(toSummary), fieldErrors: byField(problems),
    })
    if (!password) return again([{ field: 'password', message: 'Enter a password' }])
    if (password !== confirm) return again([{ field: 'confirm', message: 'The passwords do not match' }])
    const result = await services.signIn.acceptInvitation(request.params.token, password, context(request))
    if (result.outcome === 'weak_password') return again([{ field: 'password', message: result.reason }])
    if (result.outcome === 'invalid_invitation') return reply.code(404).view('error.njk', invalid)
    setSessionCookie(reply, result.sessionToken, production)
    return reply.redirect('/enrol-authenticator', 303)
  })

  app.get('/enrol-authenticator', async (request, reply) => {
    const secret = await services.signIn.beginTotpEnrolment(sessionToken(request) ?? '')
    if (!secret) return reply.redirect('/sign-in', 303)
    return reply.view('enrol-authenticator.njk', { title: 'Set up your authenticator app', csrfToken: reply.generateCsrf(), secret })
  })

  app.post<{ Body: { code?: string } }>('/enrol-authenticator', { preHandler: app.csrfProtection, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const code = String(request.body.code ?? '').replace(/\s/g, '')
    const result = /^\d{6}$/.test(code) ? await services.signIn.verifyTotp(sessionToken(request) ?? '', code, context(request)) : 'invalid'
    if (result === 'expired') return reply.redirect('/sign-in', 303)
    if (result === 'invalid') {
      const secret = await services.signIn.beginTotpEnrolment(sessionToken(request) ?? '')
      const message = 'Enter the 6-digit code your authenticator app shows for ContactPoint'
      return reply.code(400).view('enrol-authenticator.njk', {
        title: 'Set up your authenticator app', csrfToken: reply.generateCsrf(), secret,
        errors: [{ text: message, href: '#code' }], fieldErrors: { code: { text: message } },
      })
    }
    return reply.redirect('/home', 303)
  })
}
