// The HTTP pipeline shared by every page and API route, as small stages in a fixed order:
// request id → security headers (CSP with a per-request nonce) → static assets → views →
// forms and CSRF → request log → 404 and the one error handler.
import fs from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import nunjucks from 'nunjucks'
import type { Config } from '../config/config.ts'
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.ts'
import { GOVUK_FRONTEND_DIST, VIEW_FOLDERS } from './views.ts'

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public')
// The package exports only its entry point (script/index.js); its browser bundle sits in dist/ beside that folder.
const SIMPLEWEBAUTHN_DIST = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist')
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/

/** Honour a caller's X-Request-Id when it is well formed (CMS correlation); otherwise make one. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID()
}

export async function registerHttpPipeline(app: FastifyInstance, config: Config): Promise<void> {
  const production = config.env === 'production'

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: production ? [] : null,
      },
    },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  })

  // GOV.UK Frontend's fonts, images and our small init script; the CSS and JS bundles are read once.
  await app.register(fastifyStatic, {
    root: [path.join(GOVUK_FRONTEND_DIST, 'govuk', 'assets'), PUBLIC_DIR],
    prefix: '/assets/',
    maxAge: production ? '7d' : 0,
    immutable: production,
    index: false,
    dotfiles: 'deny',
  })
  const bundles = [
    ['govuk-frontend.min.css', path.join(GOVUK_FRONTEND_DIST, 'govuk', 'govuk-frontend.min.css'), 'text/css'],
    ['govuk-frontend.min.js', path.join(GOVUK_FRONTEND_DIST, 'govuk', 'govuk-frontend.min.js'), 'text/javascript'],
    ['simplewebauthn-browser.js', path.join(SIMPLEWEBAUTHN_DIST, 'bundle', 'index.umd.min.js'), 'text/javascript'],
  ] as const
  for (const [file, source, type] of bundles) {
    const body = fs.readFileSync(source)
    app.get(`/assets/${file}`, async (_request, reply) =>
      reply.type(`${type}; charset=utf-8`).header('cache-control', production ? 'public, max-age=604800, immutable' : 'no-cache').send(body))
  }

  await app.register(view, {
    engine: { nunjucks },
    templates: [...VIEW_FOLDERS, GOVUK_FRONTEND_DIST],
    production,
    options: {
      autoescape: true,
      onConfigure: (env: nunjucks.Environment) => env.addGlobal('serviceName', 'ContactPoint'),
    },
  })
  app.addHook('preHandler', async (request, reply) => {
    reply.locals = { ...reply.locals, cspNonce: reply.cspNonce.script, requestId: request.id }
    // Personal data must not linger in caches: pages and API answers are never stored.
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store')
  })

  // Per-route limits (sign-in, codes) against guessing; wider limits come with the search journeys.
  await app.register(rateLimit, { global: false })
  await app.register(formbody, { bodyLimit: 64 * 1024 })
  await app.register(cookie)
  await app.register(csrf, {
    cookieKey: production ? '__Host-csrf' : 'cp-csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: production, signed: false },
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf ?? request.headers['x-csrf-token'] as string | undefined,
  })

  // One line per request: what and how it went, never the query string, body or names.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      route: request.routeOptions.url ?? '(unmatched)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    }, 'request')
  })

  app.setNotFoundHandler(async (request, reply) => sendError(request, reply, 'not_found', 'Page not found', [
    'If you typed the web address, check it is correct.',
    'If you pasted the web address, check you copied the entire address.',
  ]))

  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed')
      return sendError(request, reply, error.code, titleFor(error.code), [error.message])
    }
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return sendError(request, reply, 'forbidden', 'Your session has expired', ['Go back, reload the page and try again.'])
    }
    if (error.validation || (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)) {
      const code = statusToCode(error.statusCode ?? 400)
      return sendError(request, reply, code, titleFor(code), ['The request could not be understood.'])
    }
    request.log.error({ err: error }, 'unexpected error')
    return sendError(request, reply, 'internal_error', 'Sorry, there is a problem with the service', ['Try again later.'])
  })
}

function statusToCode(status: number): ErrorCode {
  const found = (Object.entries(ERROR_CODES) as [ErrorCode, number][]).find(([, s]) => s === status)
  return found ? found[0] : 'validation_failed'
}

function titleFor(code: ErrorCode): string {
  switch (code) {
    case 'not_found': return 'Page not found'
    case 'unauthenticated': return 'You need to sign in'
    case 'forbidden': return 'You do not have access to this page'
    case 'rate_limited': return 'Too many requests'
    case 'service_unavailable': return 'Sorry, the service is unavailable'
    case 'internal_error': return 'Sorry, there is a problem with the service'
    case 'payload_too_large': return 'The information sent was too large'
    default: return 'There is a problem with the information given'
  }
}

/** HTML error pages for people, RFC 9457 problem details for API clients; never a stack trace. */
export async function sendError(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, title: string, paragraphs: string[]): Promise<FastifyReply> {
  const status = ERROR_CODES[code]
  reply.code(status).header('cache-control', 'no-store')
  const wantsJson = request.url.startsWith('/api/') || request.url.startsWith('/fhir') ||
    (request.headers.accept?.includes('json') === true && !request.headers.accept.includes('text/html'))
  if (wantsJson) {
    return reply.type('application/problem+json').send({
      type: `https://contactpoint.example/problems/${code}`, title, status, detail: paragraphs.join(' '), code, requestId: request.id,
    })
  }
  if (!reply.locals?.cspNonce) reply.locals = { ...reply.locals, cspNonce: reply.cspNonce?.script, requestId: request.id }
  return reply.view('error.njk', { title, paragraphs, requestId: request.id })
}
