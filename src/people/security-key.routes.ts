// Security keys and passkeys (WebAuthn): the browser talks JSON to these routes from
// /assets/webauthn.js. The pages work without JavaScript by offering the authenticator app instead.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import type { Services } from '../services.ts'
import { sessionToken } from './session.hooks.ts'

interface KeyBody {
  response?: unknown
}

export function registerSecurityKeyRoutes(app: FastifyInstance, services: Services): void {
  const context = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })
  const limit = { rateLimit: { max: 30, timeWindow: '1 minute' } }
  const problem = (message: string) => new AppError('validation_failed', message)
  const responseOf = (body: KeyBody | undefined) => {
    const response = body?.response
    if (!response || typeof response !== 'object') throw problem('The security key did not send a response')
    return response as never
  }

  app.get('/sign-in/security-key', async (request, reply) => {
    if (request.auth.state !== 'second_factor_pending') return reply.redirect('/sign-in', 303)
    const factors = await services.repositories.credentials.factorsOf(request.auth.user.id)
    return reply.view('security-key.njk', {
      title: 'Use your security key', mode: 'authenticate', csrfToken: reply.generateCsrf(),
      optionsUrl: '/sign-in/security-key/options', action: '/sign-in/security-key',
      alternative: factors.totp ? { href: '/sign-in/code', text: 'Use your authenticator app instead' } : null,
    })
  })

  app.post('/sign-in/security-key/options', { preHandler: app.csrfProtection, config: limit }, async (request) => {
    const options = await services.signIn.securityKeyOptions(sessionToken(request) ?? '')
    if (!options) throw new AppError('unauthenticated', 'Sign in with your password first')
    return options
  })

  app.post<{ Body: KeyBody }>('/sign-in/security-key', { preHandler: app.csrfProtection, config: limit }, async (request) => {
    const result = await services.signIn.verifySecurityKey(sessionToken(request) ?? '', responseOf(request.body), context(request))
    if (result === 'expired') throw new AppError('unauthenticated', 'Your sign-in has expired: sign in again')
    if (result === 'invalid') throw problem('That security key is not registered for your account, or it could not be checked')
    return { redirect: '/home' }
  })

  app.get('/enrol-security-key', async (request, reply) => {
    const state = request.auth.state
    if (state !== 'enrolment_pending' && state !== 'signed_in') return reply.redirect('/sign-in', 303)
    return reply.view('security-key.njk', {
      title: state === 'signed_in' ? 'Add a security key' : 'Set up your security key', mode: 'register', csrfToken: reply.generateCsrf(),
      optionsUrl: '/enrol-security-key/options', action: '/enrol-security-key',
      alternative: state === 'signed_in' ? { href: '/home', text: 'Cancel' } : { href: '/enrol-authenticator', text: 'Use an authenticator app instead' },
    })
  })

  app.post('/enrol-security-key/options', { preHandler: app.csrfProtection, config: limit }, async (request) => {
    const options = await services.signIn.securityKeyRegistrationOptions(sessionToken(request) ?? '')
    if (!options) throw new AppError('unauthenticated', 'Your session has ended: sign in again')
    return options
  })

  app.post<{ Body: KeyBody }>('/enrol-security-key', { preHandler: app.csrfProtection, config: limit }, async (request) => {
    const result = await services.signIn.registerSecurityKey(sessionToken(request) ?? '', responseOf(request.body), context(request))
    if (result === 'expired') throw new AppError('unauthenticated', 'Your session has ended: sign in again')
    if (result === 'invalid') throw problem('The security key could not be registered. Try again.')
    return { redirect: result === 'registered' ? '/home?key=added' : '/home' }
  })

}
