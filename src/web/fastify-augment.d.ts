// Fields that plugins add to Fastify's request and reply, typed for our code.
import 'fastify'

declare module 'fastify' {
  interface FastifyReply {
    /** Merged by @fastify/view into every template's context. */
    locals: Record<string, unknown> | null
  }
}
