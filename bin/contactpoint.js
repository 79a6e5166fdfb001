#!/usr/bin/env node
// The `contactpoint` command. npm scripts and npx put the project's Node 24 first on PATH.
const [major] = process.versions.node.split('.').map(Number)
if (major < 24) {
  process.stderr.write(`ContactPoint needs Node.js 24 or later (this is ${process.version}). Run it through npm — "npx contactpoint …" or "npm start" — which use the project's own Node 24.\n`)
  process.exit(1)
}
await import('../src/cli/main.ts')
