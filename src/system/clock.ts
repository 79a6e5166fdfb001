// Time as a dependency, so session timeouts and code windows are tested with a fake clock.
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  #now: number

  constructor(start: Date | string = '2026-11-24T09:00:00Z') {
    this.#now = new Date(start).getTime()
  }

  now(): Date {
    return new Date(this.#now)
  }

  advance(ms: number): void {
    this.#now += ms
  }
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
