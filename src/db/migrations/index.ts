// The ordered list of migrations. Append only: a released migration is never edited.
// 0003 is reserved for the feeds migration, developed alongside; Kysely orders by name, so 0004
// runs after it wherever both are present.
import type { Migration } from 'kysely/migration'
import * as m0001 from './0001_child_index.ts'
import * as m0002 from './0002_sign_in.ts'
import * as m0003 from './0003_feeds.ts'
import * as m0005 from './0005_lifecycle.ts'
import * as m0004 from './0004_search.ts'
import * as m0006 from './0006_practice.ts'
import * as m0007 from './0007_governance.ts'
import * as m0008 from './0008_api.ts'

export const migrations: Record<string, Migration> = {
  '0001_child_index': m0001,
  '0002_sign_in': m0002,
  '0003_feeds': m0003,
  '0004_search': m0004,
  '0005_lifecycle': m0005,
  '0006_practice': m0006,
  '0007_governance': m0007,
  '0008_api': m0008,
}
