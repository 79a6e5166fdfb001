// Reading stored JSON back for verification, safe from a V8 bug in JSON.parse.
//
// V8's JSON.parse (Node 24, and 26 at the time of writing) can decode an escaped object key wrongly:
// once a text with a key such as "\\" has been parsed, a later object whose next key is another short
// escape ("\n", "\"", "\t", …) after the same preceding keys is given the cached key instead —
// `{"x":1,"\n":2}` comes back as `{"x":1,"\\":2}`. (nodejs/node#63785, V8 issue 521080746; found here
// by the canonicalisation property test.) For verification that would be a false "altered" report.
// Texts without a backslash cannot have an escaped key and go to JSON.parse; the rest are read by the
// small strict parser below, which builds every object itself and uses JSON.parse only for single
// string literals (no keys, so no cache).

export function parseStoredJson(text: string): unknown {
  if (!text.includes('\\')) return JSON.parse(text)
  return new StrictJsonReader(text).document()
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

class StrictJsonReader {
  readonly #text: string
  #at = 0

  constructor(text: string) {
    this.#text = text
  }

  document(): unknown {
    const value = this.#value()
    this.#space()
    if (this.#at !== this.#text.length) this.#fail('unexpected text after the value')
    return value
  }

  #value(): unknown {
    this.#space()
    const c = this.#text[this.#at]
    switch (c) {
      case '{': return this.#object()
      case '[': return this.#array()
      case '"': return this.#string()
      case 't': return this.#word('true', true)
      case 'f': return this.#word('false', false)
      case 'n': return this.#word('null', null)
      default: return this.#number()
    }
  }

  #object(): Record<string, unknown> {
    const object: Record<string, unknown> = {}
    this.#at++
    this.#space()
    if (this.#text[this.#at] === '}') {
      this.#at++
      return object
    }
    for (;;) {
      this.#space()
      if (this.#text[this.#at] !== '"') this.#fail('expected a key')
      const key = this.#string()
      this.#space()
      if (this.#text[this.#at] !== ':') this.#fail('expected ":"')
      this.#at++
      // defineProperty, as JSON.parse does: a key "__proto__" is an own property, not the prototype.
      Object.defineProperty(object, key, { value: this.#value(), enumerable: true, writable: true, configurable: true })
      this.#space()
      const next = this.#text[this.#at++]
      if (next === '}') return object
      if (next !== ',') this.#fail('expected "," or "}"')
    }
  }

  #array(): unknown[] {
    const array: unknown[] = []
    this.#at++
    this.#space()
    if (this.#text[this.#at] === ']') {
      this.#at++
      return array
    }
    for (;;) {
      array.push(this.#value())
      this.#space()
      const next = this.#text[this.#at++]
      if (next === ']') return array
      if (next !== ',') this.#fail('expected "," or "]"')
    }
  }

  #string(): string {
    const start = this.#at
    let i = start + 1
    for (;;) {
      const code = this.#text.charCodeAt(i)
      if (Number.isNaN(code)) this.#fail('unterminated string')
      if (code === 0x5c) i += 2
      else if (code === 0x22) break
      else i++
    }
    this.#at = i + 1
    return JSON.parse(this.#text.slice(start, i + 1)) as string
  }

  #number(): number {
    NUMBER.lastIndex = this.#at
    const match = NUMBER.exec(this.#text)
    if (!match) this.#fail('expected a value')
    this.#at += match[0].length
    return Number(match[0])
  }

  #word<T>(word: string, value: T): T {
    if (!this.#text.startsWith(word, this.#at)) this.#fail('expected a value')
    this.#at += word.length
    return value
  }

  #space(): void {
    while (WHITESPACE.has(this.#text.charCodeAt(this.#at))) this.#at++
  }

  #fail(problem: string): never {
    throw new SyntaxError(`Stored JSON is malformed at character ${this.#at}: ${problem}`)
  }
}
