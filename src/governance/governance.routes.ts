// The authority's and national team's governance pages: shielding, override investigations,
// monitoring alerts, who accessed a child, what a user did, the subject access report (page and
// PDF), and the monthly and workforce reports (pages with charts, and CSV). Thin: read the input,
// call one service, present, render. Services decide and audit; forms carry CSRF tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldProblem } from '../errors.ts'
import { requireSignedIn } from '../people/session.hooks.ts'
import { byField, toSummary } from '../people/sign-in.routes.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Services } from '../services.ts'
import { formatDate, formatId, GENDER_LABELS, humanise } from '../web/format.ts'
import { SHIELD_REASONS } from './shielding.service.ts'
import { londonDay } from './governance-access.ts'
import { formatDateTime, presentEntry, presentSubjectAccess, sarPdfLines } from './governance.presenter.ts'
import { OVERRIDE_OUTCOMES } from './investigation.service.ts'
import { ALERT_OUTCOMES } from './monitoring.service.ts'
import { renderPdf } from './pdf.ts'
import { decide } from './policy.ts'
import { presentMonthly, presentWorkforce } from './reports.presenter.ts'
import { monthlyCsv, workforceCsv } from './reports.service.ts'

type Body = Record<string, string | string[] | undefined>
type IdParams = { id: string }

const SHIELD_REASON_LABELS: Readonly<Record<string, string>> = {
  domestic_violence: 'Domestic violence or abuse', witness_protection: 'Witness protection', adoption: 'Adoption', other_risk: 'Another risk if the child were found',
}
const RULE_LABELS: Readonly<Record<string, string>> = {
  volume: 'Unusual volume', own_surname: 'Own surname', own_street: 'Own street', views_without_involvement: 'Repeated views without an involvement',
  out_of_area: 'Out-of-area access', shielded_access: 'Shielded records', unusual_hours: 'Unusual hours',
}

/** What a user's governance navigation offers, from the policy. */
export function governanceLinks(user: UserWithRoles) {
  const any = (action: Parameters<typeof decide>[1]) => user.roles.some((r) => decide(user, action, { authorityId: r.authorityId }).allowed)
  return {
    governance: any('alert.investigate') || any('child.shield'),
    investigate: any('alert.investigate'),
    shielding: any('child.shield'),
    reports: any('report.authority') || any('report.national'),
  }
}

export function registerGovernanceRoutes(app: FastifyInstance, services: Services): void {
  const context = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })
  const actorOf = (request: FastifyRequest): UserWithRoles => {
    if (request.auth.state !== 'signed_in') throw new AppError('unauthenticated', 'Sign in first')
    return request.auth.user
  }
  const guard = { preHandler: requireSignedIn }
  const guardPost = { preHandler: [requireSignedIn, app.csrfProtection] }
  const field = (body: Body, name: string): string => {
    const value = body[name]
    return (Array.isArray(value) ? value[0] ?? '' : value ?? '').slice(0, 4000)
  }
  const validation = (error: unknown): FieldProblem[] | null =>
    error instanceof AppError && error.code === 'validation_failed' ? [...error.fields] : null
  const childIdOf = (request: FastifyRequest<{ Params: IdParams }>): string => {
    const id = request.params.id.replace(/[\s-]/g, '')
    if (!/^\d{12}$/.test(id)) throw new AppError('not_found', 'No child with that ContactPoint ID was found in your authority')
    return id
  }
  const render = (request: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown>, status = 200) => {
    const links = governanceLinks(actorOf(request))
    return reply.code(status).view(template, {
      ...data, csrfToken: reply.generateCsrf(),
      navigation: [
        { href: '/search', text: 'Find a child' },
        ...(links.governance ? [{ href: '/governance', text: 'Governance', active: data.activeNav === 'governance' }] : []),
        ...(links.reports ? [{ href: '/reports/monthly', text: 'Reports', active: data.activeNav === 'reports' }] : []),
        { href: '/home', text: 'Your account' },
      ],
    })
  }

  // The hub: what needs attention.
  app.get('/governance', guard, async (request, reply) => {
    const actor = actorOf(request)
    const links = governanceLinks(actor)
    if (!links.governance) throw new AppError('forbidden', 'Your account does not have governance work')
    const alerts = links.investigate ? (await services.monitoring.queue(actor, 'open', context(request))).alerts.length : null
    const overrides = links.investigate ? (await services.investigations.list(actor, 'open', context(request))).length : null
    const shieldAuthority = links.shielding ? actor.roles.find((r) => r.authorityId && decide(actor, 'child.shield', { authorityId: r.authorityId }).allowed)?.authorityId : undefined
    const reviews = shieldAuthority ? (await services.shielding.reviewsDue(actor, shieldAuthority, londonDay(services.clock.now()))).length : null
    return render(request, reply, 'governance-home.njk', { title: 'Governance', activeNav: 'governance', links, alerts, overrides, reviews })
  })

  app.get<{ Querystring: { id?: string } }>('/governance/children', guard, async (request, reply) => {
    const id = String(request.query.id ?? '').replace(/[\s-]/g, '')
    if (!/^\d{12}$/.test(id)) {
      return render(request, reply, 'governance-home.njk', {
        title: 'Governance', activeNav: 'governance', links: governanceLinks(actorOf(request)), alerts: null, overrides: null, reviews: null,
        errors: [{ text: 'Enter a ContactPoint ID of 12 digits', href: '#id' }], fieldErrors: { id: { text: 'Enter a ContactPoint ID of 12 digits' } }, values: { id: request.query.id ?? '' },
      }, 400)
    }
    return reply.redirect(`/governance/children/${id}`, 303)
  })

  // A child, for the governance team: shielding, who accessed it, subject access.
  app.get<{ Params: IdParams }>('/governance/children/:id', guard, async (request, reply) => {
    const actor = actorOf(request)
    const id = childIdOf(request)
    const action = actor.roles.some((r) => r.role === 'authority_privacy_officer') ? 'child.view_access_log' : 'child.shield'
    const { child, shield } = await services.accessLog.child(actor, id, action, context(request))
    const facts = { child: { responsibleAuthorityId: child.responsible_authority_id, shielded: child.shielded, status: child.status } }
    return render(request, reply, 'governance-child.njk', {
      title: [child.given_name, child.family_name].join(' '), activeNav: 'governance', id, contactPointId: formatId(id),
      rows: [
        { key: { text: 'ContactPoint ID' }, value: { text: formatId(id) } },
        { key: { text: 'Date of birth' }, value: { text: formatDate(child.date_of_birth) } },
        { key: { text: 'Gender' }, value: { text: GENDER_LABELS[child.gender] ?? child.gender } },
        { key: { text: 'Record' }, value: { text: humanise(child.status) } },
        { key: { text: 'Shielded' }, value: { text: shield ? `Yes: ${SHIELD_REASON_LABELS[shield.reason] ?? shield.reason}, since ${formatDateTime(shield.decidedAt)}; review by ${formatDate(shield.reviewDueOn)}` : child.shielded ? 'Yes' : 'No' } },
      ],
      mayShield: !child.shielded && decide(actor, 'child.shield', facts).allowed,
      mayUnshield: child.shielded && decide(actor, 'child.unshield', facts).allowed,
      mayAudit: decide(actor, 'child.view_access_log', facts).allowed,
      maySar: decide(actor, 'child.subject_access_report', facts).allowed,
    })
  })

  // Shielding.
  const shieldPage = async (request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, values: Record<string, string>, problems: FieldProblem[] = [], status = 200) => {
    const id = childIdOf(request)
    const { child } = await services.accessLog.child(actorOf(request), id, 'child.shield', context(request))
    return render(request, reply, 'governance-shield.njk', {
      title: 'Shield this child', activeNav: 'governance', id, contactPointId: formatId(id), name: `${child.given_name} ${child.family_name}`, values,
      reasons: SHIELD_REASONS.map((r) => ({ value: r, text: SHIELD_REASON_LABELS[r], checked: values.reason === r })),
      errors: problems.map(toSummary), fieldErrors: byField(problems),
    }, status)
  }
  app.get<{ Params: IdParams }>('/governance/children/:id/shield', guard, async (request, reply) => shieldPage(request, reply, {}))
  app.post<{ Params: IdParams; Body: Body }>('/governance/children/:id/shield', guardPost, async (request, reply) => {
    const id = childIdOf(request)
    const [day, month, year] = ['day', 'month', 'year'].map((p) => field(request.body, `reviewDueOn-${p}`).trim())
    const values = { reason: field(request.body, 'reason'), note: field(request.body, 'note'), day: day ?? '', month: month ?? '', year: year ?? '' }
    const reviewDueOn = day || month || year ? `${(year ?? '').padStart(4, '0')}-${(month ?? '').padStart(2, '0')}-${(day ?? '').padStart(2, '0')}` : ''
    try {
      await services.shielding.shield(actorOf(request), id, { reason: values.reason, note: values.note, reviewDueOn }, context(request))
    } catch (error) {
      const problems = validation(error)
      if (problems) return shieldPage(request, reply, values, problems, 400)
      throw error
    }
    return reply.redirect(`/governance/children/${id}?done=shielded`, 303)
  })

  const unshieldPage = async (request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, values: Record<string, string>, problems: FieldProblem[] = [], status = 200) => {
    const id = childIdOf(request)
    const { child } = await services.accessLog.child(actorOf(request), id, 'child.unshield', context(request))
    return render(request, reply, 'governance-unshield.njk', {
      title: 'Lift the shield', activeNav: 'governance', id, contactPointId: formatId(id), name: `${child.given_name} ${child.family_name}`, values,
      errors: problems.map(toSummary), fieldErrors: byField(problems),
    }, status)
  }
  app.get<{ Params: IdParams }>('/governance/children/:id/unshield', guard, async (request, reply) => unshieldPage(request, reply, {}))
  app.post<{ Params: IdParams; Body: Body }>('/governance/children/:id/unshield', guardPost, async (request, reply) => {
    const id = childIdOf(request)
    const reason = field(request.body, 'reason')
    try {
      await services.shielding.lift(actorOf(request), id, reason, context(request))
    } catch (error) {
      const problems = validation(error)
      if (problems) return unshieldPage(request, reply, { reason }, problems, 400)
      throw error
    }
    return reply.redirect(`/governance/children/${id}?done=lifted`, 303)
  })

  app.get('/governance/shielding', guard, async (request, reply) => {
    const actor = actorOf(request)
    const authorityId = actor.roles.find((r) => r.authorityId && decide(actor, 'child.shield', { authorityId: r.authorityId }).allowed)?.authorityId
    if (!authorityId) throw new AppError('forbidden', 'Your account does not decide shielding')
    const today = londonDay(services.clock.now())
    const due = await services.shielding.reviewsDue(actor, authorityId, today)
    return render(request, reply, 'governance-shielding.njk', {
      title: 'Shield reviews due', activeNav: 'governance',
      rows: due.map((s) => [
        { html: `<a class="govuk-link" href="/governance/children/${s.contactPointId}">${formatId(s.contactPointId)}</a>` },
        { text: SHIELD_REASON_LABELS[s.reason] ?? s.reason }, { text: formatDateTime(s.decidedAt) }, { text: formatDate(s.reviewDueOn) },
      ]),
    })
  })

  // Who accessed a child; the subject access report.
  app.get<{ Params: IdParams }>('/governance/children/:id/access', guard, async (request, reply) => {
    const actor = actorOf(request)
    const log = await services.accessLog.childAccess(actor, childIdOf(request), context(request))
    return render(request, reply, 'governance-access.njk', {
      title: 'Who accessed this record', activeNav: 'governance', id: log.child.contactpoint_id, contactPointId: formatId(log.child.contactpoint_id),
      name: `${log.child.given_name} ${log.child.family_name}`, merged: log.ids.length - 1,
      rows: log.entries.map((e) => presentEntry(e)).map((v, i) => {
        const entry = log.entries[i]
        // No link to one's own activity: nobody investigates themselves.
        return [{ text: v.when }, entry?.actor_user_id && entry.actor_user_id !== actor.id ? { html: `<a class="govuk-link" href="/governance/users/${entry.actor_user_id}/activity">${escapeHtml(v.who)}</a>` } : { text: v.who },
          { text: v.organisation }, { text: v.what }, { text: v.outcome }, { text: v.reason }]
      }),
    })
  })

  app.get<{ Params: IdParams }>('/governance/children/:id/subject-access', guard, async (request, reply) => {
    const sar = await services.accessLog.subjectAccess(actorOf(request), childIdOf(request), 'html', context(request))
    return render(request, reply, 'governance-sar.njk', { title: 'Subject access report', activeNav: 'governance', id: sar.child.contactpoint_id, doc: presentSubjectAccess(sar) })
  })

  app.get<{ Params: IdParams }>('/governance/children/:id/subject-access.pdf', guard, async (request, reply) => {
    const sar = await services.accessLog.subjectAccess(actorOf(request), childIdOf(request), 'pdf', context(request))
    const pdf = renderPdf(sarPdfLines(presentSubjectAccess(sar)), `ContactPoint subject access report, ${formatId(sar.child.contactpoint_id)}`)
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="subject-access-${sar.child.contactpoint_id}.pdf"`).send(pdf)
  })

  app.get<{ Params: IdParams }>('/governance/users/:id/activity', guard, async (request, reply) => {
    const { user, entries } = await services.accessLog.userActivity(actorOf(request), request.params.id, context(request))
    return render(request, reply, 'governance-user-activity.njk', {
      title: `What ${user.display_name} did`, activeNav: 'governance', user,
      rows: entries.map((e) => {
        const v = presentEntry(e)
        const subject = e.subject_type === 'child' && e.subject_id ? { html: `<a class="govuk-link" href="/governance/children/${escapeHtml(e.subject_id)}">${escapeHtml(formatId(e.subject_id))}</a>` } : { text: e.subject_id ? `${e.subject_type ?? ''}` : '' }
        return [{ text: v.when }, { text: v.what }, subject, { text: v.outcome }, { text: v.reason }, { text: v.channel }]
      }),
    })
  })

  // Monitoring alerts.
  app.get<{ Querystring: { status?: string } }>('/governance/alerts', guard, async (request, reply) => {
    const status = request.query.status === 'closed' || request.query.status === 'all' ? request.query.status : 'open'
    const { alerts } = await services.monitoring.queue(actorOf(request), status, context(request))
    return render(request, reply, 'governance-alerts.njk', {
      title: 'Monitoring alerts', activeNav: 'governance', status,
      rows: alerts.map((a) => [
        { html: `<a class="govuk-link" href="/governance/alerts/${a.id}">${escapeHtml(RULE_LABELS[a.rule] ?? a.rule)}</a>` },
        { text: a.user_display_name }, { text: a.organisation_name }, { text: formatDateTime(a.raised_at) },
        { text: a.status === 'open' ? (a.user_suspended_at ? 'Open, account suspended' : 'Open') : `Closed: ${humanise(a.outcome_code ?? '')}` },
      ]),
    })
  })

  const alertPage = async (request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, values: Record<string, string> = {}, problems: FieldProblem[] = [], status = 200) => {
    const alert = await services.monitoring.alert(actorOf(request), request.params.id, context(request))
    const evidence = alert.evidence as { children?: string[]; seqs?: string[] }
    return render(request, reply, 'governance-alert.njk', {
      title: RULE_LABELS[alert.rule] ?? alert.rule, activeNav: 'governance', alert, values,
      rows: [
        { key: { text: 'User' }, value: { html: `<a class="govuk-link" href="/governance/users/${alert.user_id}/activity">${escapeHtml(alert.user_display_name)}</a> (${escapeHtml(alert.organisation_name)})` } },
        { key: { text: 'What was noticed' }, value: { text: alert.summary } },
        { key: { text: 'When' }, value: { text: `${formatDateTime(alert.window_start)} to ${formatDateTime(alert.window_end)}` } },
        { key: { text: 'Raised' }, value: { text: formatDateTime(alert.raised_at) } },
        { key: { text: 'Account' }, value: { text: alert.user_suspended_at ? `Suspended pending investigation (${formatDateTime(alert.user_suspended_at)})` : humanise(alert.user_status) } },
        { key: { text: 'Audit events' }, value: { text: (evidence.seqs ?? []).length ? `seq ${(evidence.seqs ?? []).slice(0, 20).join(', ')}${(evidence.seqs ?? []).length > 20 ? ' …' : ''}` : 'None' } },
        ...(alert.status === 'closed' ? [{ key: { text: 'Outcome' }, value: { text: `${humanise(alert.outcome_code ?? '')}: ${alert.outcome ?? ''}` } }] : []),
      ],
      children: (evidence.children ?? []).slice(0, 50).map((c) => ({ id: c, label: formatId(c) })),
      outcomes: ALERT_OUTCOMES.map((o) => ({ value: o.code, text: o.text, checked: values.outcome === o.code })),
      errors: problems.map(toSummary), fieldErrors: byField(problems),
    }, status)
  }
  app.get<{ Params: IdParams }>('/governance/alerts/:id', guard, async (request, reply) => alertPage(request, reply))
  app.post<{ Params: IdParams }>('/governance/alerts/:id/suspend', guardPost, async (request, reply) => {
    await services.monitoring.suspendUser(actorOf(request), request.params.id, context(request))
    return reply.redirect(`/governance/alerts/${request.params.id}`, 303)
  })
  app.post<{ Params: IdParams; Body: Body }>('/governance/alerts/:id/close', guardPost, async (request, reply) => {
    const form = { outcome: field(request.body, 'outcome'), note: field(request.body, 'note') }
    try {
      await services.monitoring.close(actorOf(request), request.params.id, form, context(request))
    } catch (error) {
      const problems = validation(error)
      if (problems) return alertPage(request, reply, form, problems, 400)
      throw error
    }
    return reply.redirect('/governance/alerts', 303)
  })

  // Shield override investigations.
  app.get<{ Querystring: { status?: string } }>('/governance/investigations', guard, async (request, reply) => {
    const status = request.query.status === 'closed' || request.query.status === 'all' ? request.query.status : 'open'
    const cases = await services.investigations.list(actorOf(request), status, context(request))
    return render(request, reply, 'governance-investigations.njk', {
      title: 'Shield override investigations', activeNav: 'governance', status,
      rows: cases.map((c) => [
        { html: `<a class="govuk-link" href="/governance/investigations/${c.id}">${formatDateTime(c.created_at)}</a>` },
        { text: formatId(c.contactpoint_id) }, { text: c.user_display_name }, { text: c.organisation_name }, { text: humanise(c.reason_code) },
        { text: c.status === 'open' ? 'Open' : `Closed: ${humanise(c.outcome_code ?? '')}` },
      ]),
    })
  })

  const casePage = async (request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, values: Record<string, string> = {}, problems: FieldProblem[] = [], status = 200) => {
    const { override, views } = await services.investigations.case(actorOf(request), request.params.id, context(request))
    return render(request, reply, 'governance-investigation.njk', {
      title: 'Shield override investigation', activeNav: 'governance', override, values,
      rows: [
        { key: { text: 'Child' }, value: { html: `<a class="govuk-link" href="/governance/children/${override.contactpoint_id}">${formatId(override.contactpoint_id)}</a>` } },
        { key: { text: 'Overridden by' }, value: { html: `<a class="govuk-link" href="/governance/users/${override.user_id}/activity">${escapeHtml(override.user_display_name)}</a>${override.user_job_title ? `, ${escapeHtml(override.user_job_title)}` : ''} (${escapeHtml(override.organisation_name)})` } },
        { key: { text: 'When' }, value: { text: formatDateTime(override.created_at) } },
        { key: { text: 'Reason' }, value: { text: `${humanise(override.reason_code)}: ${override.reason_text}` } },
        { key: { text: 'Views under the override' }, value: { text: views.map((v) => formatDateTime(v.occurred_at)).join('; ') || 'None' } },
        ...(override.status === 'closed' ? [{ key: { text: 'Outcome' }, value: { text: `${humanise(override.outcome_code ?? '')}: ${override.outcome ?? ''} (${override.closed_by_name ?? ''}, ${override.closed_at ? formatDateTime(override.closed_at) : ''})` } }] : []),
      ],
      outcomes: OVERRIDE_OUTCOMES.map((o) => ({ value: o.code, text: o.text, checked: values.outcome === o.code })),
      errors: problems.map(toSummary), fieldErrors: byField(problems),
    }, status)
  }
  app.get<{ Params: IdParams }>('/governance/investigations/:id', guard, async (request, reply) => casePage(request, reply))
  app.post<{ Params: IdParams; Body: Body }>('/governance/investigations/:id/close', guardPost, async (request, reply) => {
    const form = { outcome: field(request.body, 'outcome'), note: field(request.body, 'note') }
    try {
      await services.investigations.close(actorOf(request), request.params.id, form, context(request))
    } catch (error) {
      const problems = validation(error)
      if (problems) return casePage(request, reply, form, problems, 400)
      throw error
    }
    return reply.redirect('/governance/investigations', 303)
  })

  // Reports.
  type ReportQuery = { authority?: string; month?: string }
  const reportScope = async (actor: UserWithRoles, query: ReportQuery): Promise<string | null> => {
    if (query.authority === 'national') return null
    if (query.authority) return query.authority
    return services.reports.defaultScope(actor)
  }
  const scopeChoices = async (actor: UserWithRoles, selected: string | null) => {
    const national = decide(actor, 'report.national', { authorityId: null }).allowed
    const authorities = (await services.reports.authorities()).filter((a) => national || decide(actor, 'report.authority', { authorityId: a.id }).allowed)
    return [...(national ? [{ value: 'national', text: 'England (all authorities)', selected: selected === null }] : []),
      ...authorities.map((a) => ({ value: a.id, text: a.name, selected: selected === a.id }))]
  }

  app.get<{ Querystring: ReportQuery }>('/reports/monthly', guard, async (request, reply) => {
    const actor = actorOf(request)
    const scope = await reportScope(actor, request.query)
    const month = /^\d{4}-\d{2}$/.test(request.query.month ?? '') ? request.query.month as string : londonDay(services.clock.now()).slice(0, 7)
    const report = await services.reports.monthly({ user: actor, context: context(request) }, scope, month)
    const query = new URLSearchParams({ authority: report.scope.authorityId ?? 'national', month }).toString()
    return render(request, reply, 'report-monthly.njk', { title: `Monthly report: ${report.scope.name}`, activeNav: 'reports', report: presentMonthly(report), query, month, scopes: await scopeChoices(actor, report.scope.authorityId) })
  })

  app.get<{ Querystring: ReportQuery }>('/reports/monthly.csv', guard, async (request, reply) => {
    const actor = actorOf(request)
    const month = /^\d{4}-\d{2}$/.test(request.query.month ?? '') ? request.query.month as string : londonDay(services.clock.now()).slice(0, 7)
    const report = await services.reports.monthly({ user: actor, context: context(request) }, await reportScope(actor, request.query), month)
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="contactpoint-monthly-${report.scope.code ?? 'england'}-${month}.csv"`).send(monthlyCsv(report))
  })

  app.get<{ Querystring: ReportQuery }>('/reports/workforce', guard, async (request, reply) => {
    const actor = actorOf(request)
    const report = await services.reports.workforce({ user: actor, context: context(request) }, await reportScope(actor, request.query))
    const query = new URLSearchParams({ authority: report.scope.authorityId ?? 'national' }).toString()
    return render(request, reply, 'report-workforce.njk', { title: `Workforce readiness: ${report.scope.name}`, activeNav: 'reports', report: presentWorkforce(report), query, scopes: await scopeChoices(actor, report.scope.authorityId) })
  })

  app.get<{ Querystring: ReportQuery }>('/reports/workforce.csv', guard, async (request, reply) => {
    const actor = actorOf(request)
    const report = await services.reports.workforce({ user: actor, context: context(request) }, await reportScope(actor, request.query))
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="contactpoint-workforce-${report.asOf}.csv"`).send(workforceCsv(report))
  })
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
