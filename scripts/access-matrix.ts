// Writes docs/access-matrix.md from the policy table, for data-protection officers and auditors.
import { writeFileSync } from 'node:fs'
import { ROLES } from '../src/db/schema.ts'
import { accessMatrixMarkdown } from '../src/governance/policy.ts'

writeFileSync(new URL('../docs/access-matrix.md', import.meta.url), accessMatrixMarkdown(ROLES))
console.log('Wrote docs/access-matrix.md')
