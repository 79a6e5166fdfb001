// Resolves the session cookie on every request into `request.auth`, ending sessions that timed
// out or whose account can no longer be used, and offers guards for routes that need a user.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config/config.ts'
import type { Services } from '../services.ts'
import { ABSOLUTE_TIMEOUT_MS, type SessionState } from './sign-in.service.ts'

declare module 'fastify' {
  interface FastifyRequest {
    auth: SessionState
  }
}

let cookieName = 'cp-session'

export function registerSessionHooks(app: FastifyInstance, services: Services, config: Config): void {
  // The __Host- prefix pins the cookie to this host over HTTPS, with no Domain and Path=/.
  cookieName = config.env === 'production' ? '__Host-cp-session' : 'cp-session'
  app.decorateRequest('auth', null as never)
  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith('/assets/')) {
      request.auth = { state: 'none' }
      return
    }
    request.auth = await services.signIn.resolve(request.cookies[cookieName])
    if (request.auth.state === 'ended') clearSessionCookie(reply)
    reply.locals = { ...reply.locals, signedInUser: request.auth.state === 'signed_in' ? { displayName: request.auth.user.display_name } : null }
  })
}

export function setSessionCookie(reply: FastifyReply, token: string, production: boolean): void {
  reply.setCookie(cookieName, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: production, maxAge: ABSOLUTE_TIMEOUT_MS / 1000 })
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(cookieName, { path: '/' })
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[cookieName]
}

/** Guard for pages that need a fully signed-in user: otherwise back to sign-in, saying why. */
export async function requireSignedIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.auth.state === 'signed_in') return
  const reason = request.auth.state === 'ended' ? `?ended=${request.auth.reason}` : ''
  await reply.redirect(`/sign-in${reason}`, 303)
}
