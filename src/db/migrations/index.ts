// The ordered list of migrations. Append only: a released migration is never edited.
import type { Migration } from 'kysely/migration'
import * as m0001 from './0001_child_index.ts'
import * as m0002 from './0002_sign_in.ts'
import * as m0003 from './0003_feeds.ts'
import * as m0005 from './0005_lifecycle.ts'

export const migrations: Record<string, Migration> = {
  '0001_child_index': m0001,
  '0002_sign_in': m0002,
  '0003_feeds': m0003,
  '0005_lifecycle': m0005,
}
