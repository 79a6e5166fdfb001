// The authority team's user pages. Thin: read the form, call the service, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import type { Services } from '../services.ts'
import { requireSignedIn } from './session.hooks.ts'
import { byField, toSummary } from './sign-in.routes.ts'
import { ASSIGNABLE_ROLES, type NewUserForm } from './user-admin.service.ts'
import type { UserWithRoles } from './user.repository.ts'

type Body = Record<string, string | string[] | undefined>

const ROLE_LABELS: Record<string, string> = {
  practitioner: 'Practitioner', practitioner_shield_override: 'May override a shield (with a reason)',
  authority_data_manager: 'Data manager', authority_user_admin: 'User administrator', authority_privacy_officer: 'Privacy officer',
}
const CHANNELS = [['web', 'The web service'], ['cms', 'Their case management system'], ['both', 'Both']] as const

/** `publicUrl` comes from configuration, never from the request's Host header (which an attacker could set). */
export function registerUserAdminRoutes(app: FastifyInstance, services: Services, publicUrl: string): void {
  const admin = services.userAdmin
  const context = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })
  const actorOf = (request: FastifyRequest): UserWithRoles => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return request.auth.user
  }
  const guard = { preHandler: requireSignedIn }
  const guardPost = { preHandler: [requireSignedIn, app.csrfProtection] }

  app.get('/admin/users', guard, async (request, reply) => {
    const actor = actorOf(request)
    const users = await admin.list(actor, admin.authorityOf(actor), context(request))
    return reply.view('admin-users.njk', {
      title: 'Users', rows: users.map((u) => [
        { html: `<a class="govuk-link" href="/admin/users/${u.id}">${escape(u.display_name)}</a>` },
        { text: u.organisation_name }, { text: u.roles.map((r) => ROLE_LABELS[r] ?? r.replaceAll('_', ' ')).join(', ') },
        { text: u.status }, { text: u.dbs_checked_on ?? 'Not recorded' },
      ]),
    })
  })

  const renderNew = async (request: FastifyRequest, reply: FastifyReply, values: Partial<Record<string, unknown>>, status = 200, errors: { field: string; message: string }[] = []) => {
    const actor = actorOf(request)
    const organisations = await admin.organisationsFor(actor, admin.authorityOf(actor), context(request))
    return reply.code(status).view('admin-user-new.njk', {
      title: 'Register a user', csrfToken: reply.generateCsrf(), values,
      organisations: [{ value: '', text: 'Select an organisation' }, ...organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === values.organisationId }))],
      roles: ASSIGNABLE_ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r], checked: ((values.roles as string[] | undefined) ?? []).includes(r) })),
      channels: CHANNELS.map(([value, text]) => ({ value, text, checked: values.accessChannel === value })),
      errors: errors.map(toSummary), fieldErrors: byField(errors),
    })
  }

  app.get('/admin/users/new', guard, async (request, reply) => renderNew(request, reply, { accessChannel: 'web' }))

  app.post<{ Body: Body }>('/admin/users/new', guardPost, async (request, reply) => {
    const body = request.body
    const form: NewUserForm = {
      displayName: text(body.displayName), username: text(body.username), email: text(body.email), jobTitle: text(body.jobTitle),
      organisationId: text(body.organisationId), roles: list(body.roles), accessChannel: text(body.accessChannel),
      dbsCheckedOn: dateFrom(body, 'dbsCheckedOn'), trainingCompletedOn: dateFrom(body, 'trainingCompletedOn'), agreementSignedOn: dateFrom(body, 'agreementSignedOn'),
    }
    const actor = actorOf(request)
    try {
      const { user, invitation } = await admin.register(actor, admin.authorityOf(actor), form, context(request))
      return reply.view('admin-user-invited.njk', { title: 'User registered', name: user.display_name, link: `${publicUrl}/enrol/${invitation}` })
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') return renderNew(request, reply, { ...body, roles: form.roles }, 400, [...error.fields])
      throw error
    }
  })

  app.get<{ Params: { id: string } }>('/admin/users/:id', guard, async (request, reply) => {
    const actor = actorOf(request)
    const users = await admin.list(actor, admin.authorityOf(actor), context(request))
    const user = users.find((u) => u.id === request.params.id)
    if (!user) throw new AppError('not_found', 'That user was not found')
    return reply.view('admin-user.njk', {
      title: user.display_name, csrfToken: reply.generateCsrf(), user, self: user.id === actor.id,
      roles: user.roles.map((r) => ROLE_LABELS[r] ?? r.replaceAll('_', ' ')).join(', '),
    })
  })

  app.get('/admin/organisations', guard, async (request, reply) => {
    const actor = actorOf(request)
    const organisations = await services.accreditation.listOrganisations(actor, admin.authorityOf(actor))
    return reply.view('admin-organisations.njk', {
      title: 'Organisations', csrfToken: reply.generateCsrf(),
      organisations: organisations.map((o) => ({ id: o.id, name: o.name, kind: o.kind.replaceAll('_', ' '), status: o.accreditation_status })),
    })
  })

  app.post<{ Params: { id: string }; Body: Body }>('/admin/organisations/:id/status', guardPost, async (request, reply) => {
    const status = text(request.body.status)
    if (status !== 'accredited' && status !== 'suspended') throw new AppError('validation_failed', 'Choose to accredit or suspend the organisation')
    await services.accreditation.setStatus(actorOf(request), request.params.id, status, context(request))
    return reply.redirect('/admin/organisations', 303)
  })

  app.post<{ Params: { id: string }; Body: Body }>('/admin/users/:id/suspend', guardPost, async (request, reply) => {
    await admin.suspend(actorOf(request), request.params.id, text(request.body.reason), context(request))
    return reply.redirect(`/admin/users/${request.params.id}`, 303)
  })

  app.post<{ Params: { id: string } }>('/admin/users/:id/reinstate', guardPost, async (request, reply) => {
    await admin.reinstate(actorOf(request), request.params.id, context(request))
    return reply.redirect(`/admin/users/${request.params.id}`, 303)
  })

  app.post<{ Params: { id: string } }>('/admin/users/:id/reset-factor', guardPost, async (request, reply) => {
    const invitation = await admin.resetSecondFactor(actorOf(request), request.params.id, context(request))
    return reply.view('admin-user-invited.njk', { title: 'Second factor reset', name: '', link: `${publicUrl}/enrol/${invitation}` })
  })
}

const text = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] ?? '' : value ?? '').trim()
const list = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value ? [value] : [])

/** Joins a GOV.UK date input's day, month and year into YYYY-MM-DD ('' when all are empty). */
function dateFrom(body: Body, name: string): string {
  const [day, month, year] = (['day', 'month', 'year'] as const).map((part) => text(body[`${name}-${part}`])) as [string, string, string]
  if (!day && !month && !year) return ''
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
