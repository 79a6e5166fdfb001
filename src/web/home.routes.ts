import type { FastifyInstance } from 'fastify'

export function registerHomeRoutes(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.view('home.njk', { title: 'Find who is working with a child' }))
}
