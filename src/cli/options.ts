import { InvalidArgumentError } from 'commander'

/** A commander option parser for a whole number within bounds, with a message that says which. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d[\d_,]*$/.test(value)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`)
    const n = Number(value.replace(/[_,]/g, ''))
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`)
    return n
  }
}
