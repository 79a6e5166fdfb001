// The part of autocannon's programmatic API the API benchmark uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'
  interface Request { method?: string; path?: string; headers?: Record<string, string>; body?: string }
  interface Options {
    url: string
    connections?: number
    duration?: number
    timeout?: number
    requests?: readonly { setupRequest?: (request: Request) => Request }[]
  }
  interface Result {
    requests: { average: number; total: number }
    errors: number
    timeouts: number
    non2xx: number
    duration: number
  }
  interface Instance extends EventEmitter, PromiseLike<Result> {}
  function autocannon(options: Options): Instance
  export default autocannon
}
