// Liveness (/ping), readiness with the database (/health) and build facts (/info). Public, so they
// say nothing about data: no counts, no names, no connection strings.
import fs from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../services.ts'

const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string }
const startedAt = new Date()

export function registerHealthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/ping', async () => ({ status: 'UP' }))

  app.get('/health', async (_request, reply) => {
    const started = performance.now()
    const up = await services.database.ping()
    const database = { status: up ? 'UP' : 'DOWN', store: services.database.kind, ms: Math.round(performance.now() - started) }
    return reply.code(up ? 200 : 503).send({ status: up ? 'UP' : 'DOWN', components: { database } })
  })

  app.get('/info', async () => ({
    name: pkg.name,
    version: pkg.version,
    commit: process.env.GIT_COMMIT ?? gitCommit(),
    node: process.version,
    store: services.database.kind,
    startedAt: startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  }))
}

function gitCommit(): string | null {
  try {
    const head = fs.readFileSync('.git/HEAD', 'utf8').trim()
    if (!head.startsWith('ref: ')) return head
    return fs.readFileSync(`.git/${head.slice(5)}`, 'utf8').trim()
  } catch {
    return null
  }
}
