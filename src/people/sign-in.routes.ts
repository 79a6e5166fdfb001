// Sign-in, second factor, the signed-in start page and signing out. Thin: validate, ask the
// service, render or redirect.
import { governanceLinks } from '../governance/governance.routes.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldProblem } from '../errors.ts'
import type { Services } from '../services.ts'
import { clearSessionCookie, requireSignedIn, sessionToken, setSessionCookie } from './session.hooks.ts'
import type { AccountProblem } from './sign-in.service.ts'

const ENDED: Record<string, string> = {
  idle_timeout: 'You were signed out because you had not done anything for 30 minutes.',
  absolute_timeout: 'You were signed out because you had been signed in for 12 hours.',
  account_not_active: 'You were signed out because your account can no longer be used. Contact your local authority ContactPoint team.',
}

const NOT_ALLOWED: Record<AccountProblem, string> = {
  system_account: 'This account is for a computer system and cannot sign in on the web.',
  not_active: 'Your account is not active. Contact your local authority ContactPoint team.',
  no_web_access: 'Your account is for use through your case management system, not the web service.',
  no_cms_access: 'Your account is for the web service only.',
  dbs_lapsed: 'Your enhanced DBS check is more than 3 years old. Contact your local authority ContactPoint team to renew your access.',
  training_missing: 'You need to complete ContactPoint training before you can sign in.',
  agreement_missing: 'You need to sign the ContactPoint user agreement before you can sign in.',
}

/** `production` (from config) decides whether the session cookie is Secure. */
export function registerSignInRoutes(app: FastifyInstance, services: Services, production: boolean): void {
  const context = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })
  const limit = { rateLimit: { max: 20, timeWindow: '1 minute' } }

  app.get<{ Querystring: { ended?: string } }>('/sign-in', async (request, reply) => {
    if (request.auth.state === 'signed_in') return reply.redirect('/home', 303)
    const notice = ENDED[request.query.ended ?? ''] ?? null
    return reply.view('sign-in.njk', { title: 'Sign in to ContactPoint', csrfToken: reply.generateCsrf(), values: {}, notice })
  })

  app.post<{ Body: { username?: string; password?: string } }>('/sign-in', { preHandler: app.csrfProtection, config: limit }, async (request, reply) => {
    const username = String(request.body.username ?? '').trim()
    const password = String(request.body.password ?? '')
    const problems: FieldProblem[] = []
    if (!username) problems.push({ field: 'username', message: 'Enter your username' })
    if (!password) problems.push({ field: 'password', message: 'Enter your password' })
    const again = (status: number, errors: FieldProblem[]) => reply.code(status).view('sign-in.njk', {
      title: 'Sign in to ContactPoint', csrfToken: reply.generateCsrf(), values: { username },
      errors: errors.map(toSummary), fieldErrors: byField(errors),
    })
    if (problems.length) return again(400, problems)

    const result = await services.signIn.signInWithPassword(username, password, context(request))
    switch (result.outcome) {
      case 'invalid': return again(401, [{ field: 'username', message: 'Enter a correct username and password' }])
      case 'locked': return again(429, [{ field: 'username', message: 'You entered the wrong password too many times. Wait 15 minutes and try again, or contact your ContactPoint team.' }])
      case 'not_allowed': return again(403, [{ field: 'username', message: NOT_ALLOWED[result.problem] }])
      case 'no_factor': return again(403, [{ field: 'username', message: 'You have not set up a security key or authenticator app. Ask your local authority ContactPoint team for a new invitation.' }])
      case 'second_factor':
        setSessionCookie(reply, result.token, production)
        // Security keys first: they cannot be phished. The code page stays available as the fallback.
        return reply.redirect(result.factors.webauthn > 0 ? '/sign-in/security-key' : '/sign-in/code', 303)
    }
  })

  app.get('/sign-in/code', async (request, reply) => {
    if (request.auth.state !== 'second_factor_pending') return reply.redirect('/sign-in', 303)
    return reply.view('code.njk', { title: 'Enter the code from your authenticator app', csrfToken: reply.generateCsrf(), action: '/sign-in/code' })
  })

  app.post<{ Body: { code?: string } }>('/sign-in/code', { preHandler: app.csrfProtection, config: limit }, async (request, reply) => {
    const code = String(request.body.code ?? '').replace(/\s/g, '')
    if (!/^\d{6}$/.test(code)) return codeError(reply, code ? 'Enter the 6-digit code, using numbers only' : 'Enter the code from your authenticator app', '/sign-in/code')
    const result = await services.signIn.verifyTotp(sessionToken(request) ?? '', code, context(request))
    if (result === 'expired') return reply.redirect('/sign-in', 303)
    if (result === 'invalid') return codeError(reply, 'The code is not correct or has been used. Wait for a new code and enter it.', '/sign-in/code')
    return reply.redirect('/home', 303)
  })

  app.get('/home', { preHandler: requireSignedIn }, async (request, reply) => {
    if (request.auth.state !== 'signed_in') return reply
    const { user } = request.auth
    const organisation = await services.repositories.organisations.findById(user.organisation_id)
    return reply.view('account-home.njk', {
      title: 'ContactPoint', csrfToken: reply.generateCsrf(), keyAdded: (request.query as { key?: string }).key === 'added', user: { displayName: user.display_name, jobTitle: user.job_title,
        organisation: organisation?.name ?? '', roles: user.roles.map((r) => r.role.replaceAll('_', ' ')),
        managesUsers: user.roles.some((r) => r.role === 'authority_user_admin'), managesDataQuality: user.roles.some((r) => r.role === 'authority_data_manager'), maySearch: services.search.maySearch(user), governance: governanceLinks(user) },
    })
  })

  app.post('/sign-out', { preHandler: app.csrfProtection }, async (request, reply) => {
    await services.signIn.signOut(sessionToken(request) ?? '', context(request))
    clearSessionCookie(reply)
    return reply.redirect('/signed-out', 303)
  })

  app.post('/sign-out-everywhere', { preHandler: [requireSignedIn, app.csrfProtection] }, async (request, reply) => {
    await services.signIn.signOutEverywhere(sessionToken(request) ?? '', context(request))
    clearSessionCookie(reply)
    return reply.redirect('/signed-out?everywhere=1', 303)
  })

  app.get<{ Querystring: { everywhere?: string } }>('/signed-out', async (request, reply) =>
    reply.view('signed-out.njk', { title: 'You have signed out', everywhere: request.query.everywhere === '1' }))
}

function codeError(reply: FastifyReply, message: string, action: string) {
  return reply.code(400).view('code.njk', {
    title: 'Enter the code from your authenticator app', csrfToken: reply.generateCsrf(), action,
    errors: [{ text: message, href: '#code' }], fieldErrors: { code: { text: message } },
  })
}

export const toSummary = (p: FieldProblem) => ({ text: p.message, href: `#${p.field}` })
export const byField = (problems: FieldProblem[]) => Object.fromEntries(problems.map((p) => [p.field, { text: p.message }]))
