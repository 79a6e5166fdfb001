// The "Find a child" page. Thin: read the form, ask the search service, present, render. The
// search is a POST so that names and dates of birth never sit in addresses, browser history or
// proxy logs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldProblem } from '../errors.ts'
import { byField, toSummary } from '../people/sign-in.routes.ts'
import { requireSignedIn } from '../people/session.hooks.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { actionContext } from '../practice/practice.routes.ts'
import type { Services } from '../services.ts'
import type { SearchForm } from './search-criteria.ts'
import { presentSearch, type SearchPageView } from './search.presenter.ts'

const FIELDS = ['contactPointId', 'familyName', 'givenName', 'dob-day', 'dob-month', 'dob-year', 'gender', 'postcode', 'address'] as const
type Body = Partial<Record<(typeof FIELDS)[number] | '_csrf', string | string[]>>

/** Searches per address per minute: far above a person's pace, far below a harvesting script's. */
export const SEARCH_RATE_LIMIT = { max: 60, timeWindow: '1 minute' }

export function registerSearchRoutes(app: FastifyInstance, services: Services): void {
  const context = actionContext
  const actorOf = (request: FastifyRequest): UserWithRoles => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return request.auth.user
  }
  const render = (reply: FastifyReply, values: Record<string, string>, results: SearchPageView | null, problems: FieldProblem[] = [], status = 200) =>
    reply.code(status).view('search.njk', {
      title: 'Find a child', activeNav: 'search', csrfToken: reply.generateCsrf(), values, results,
      errors: problems.map(toSummary), fieldErrors: byField(problems),
      dobError: problems.find((p) => p.field.startsWith('dob-'))?.message ?? null,
    })

  app.get('/search', { preHandler: requireSignedIn }, async (request, reply) => {
    if (!services.search.maySearch(actorOf(request))) throw new AppError('forbidden', 'Your account cannot search ContactPoint. Contact your local authority ContactPoint team.')
    return render(reply, { gender: 'any' }, null)
  })

  app.post<{ Body: Body }>('/search', { preHandler: [requireSignedIn, app.csrfProtection], config: { rateLimit: SEARCH_RATE_LIMIT } }, async (request, reply) => {
    const values = Object.fromEntries(FIELDS.map((f) => [f, first(request.body[f])])) as Record<(typeof FIELDS)[number], string>
    const form: SearchForm = {
      contactPointId: values.contactPointId, familyName: values.familyName, givenName: values.givenName, dobDay: values['dob-day'],
      dobMonth: values['dob-month'], dobYear: values['dob-year'], gender: values.gender, postcode: values.postcode, address: values.address,
    }
    try {
      const outcome = await services.search.search(actorOf(request), form, context(request))
      return render(reply, values, presentSearch(outcome))
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') return render(reply, values, null, [...error.fields], 400)
      throw error
    }
  })
}

const first = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] ?? '' : value ?? '').slice(0, 300)
