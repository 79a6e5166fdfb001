// Sign-in pages. Thin: validate the form, ask the service, render.
import type { FastifyInstance } from 'fastify'
import type { Services } from '../services.ts'
import type { FieldProblem } from '../errors.ts'

interface SignInForm {
  username?: string
  password?: string
}

export function registerSignInRoutes(app: FastifyInstance, services: Services): void {
  app.get('/sign-in', async (_request, reply) =>
    reply.view('sign-in.njk', { title: 'Sign in to ContactPoint', csrfToken: reply.generateCsrf(), values: {} }))

  app.post<{ Body: SignInForm }>('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
    const username = (request.body.username ?? '').trim()
    const password = request.body.password ?? ''
    const problems: FieldProblem[] = []
    if (!username) problems.push({ field: 'username', message: 'Enter your username' })
    if (!password) problems.push({ field: 'password', message: 'Enter your password' })
    const render = (status: number, extra: Record<string, unknown>) => reply.code(status).view('sign-in.njk', {
      title: 'Sign in to ContactPoint', csrfToken: reply.generateCsrf(), values: { username }, ...extra,
    })
    if (problems.length) return render(400, { errors: problems.map(toSummary), fieldErrors: byField(problems) })

    const check = await services.signIn.checkPassword(username, password, { clientIp: request.ip, requestId: request.id })
    if (check.outcome === 'invalid') {
      const wrong = [{ field: 'username', message: 'Enter a correct username and password' }]
      return render(401, { errors: wrong.map(toSummary), fieldErrors: byField(wrong) })
    }
    if (check.outcome === 'not_active') {
      return render(403, { errors: [{ text: 'Your account cannot be used at the moment. Contact your local authority ContactPoint team.', href: '#username' }] })
    }
    return reply.view('second-factor.njk', { title: 'Confirm it is you', displayName: check.user.display_name })
  })
}

const toSummary = (p: FieldProblem) => ({ text: p.message, href: `#${p.field}` })
const byField = (problems: FieldProblem[]) => Object.fromEntries(problems.map((p) => [p.field, { text: p.message }]))
