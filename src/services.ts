// Builds every service from the database handle: the one place where dependencies are wired.
// The web app, the CLI and the tests all build the same graph.
import { ChildRepository } from './children/child.repository.ts'
import type { DatabaseHandle } from './db/client.ts'
import { SourceRepository } from './feeds/source.repository.ts'
import { AuditRepository } from './governance/audit.repository.ts'
import { ShieldRepository } from './governance/shield.repository.ts'
import { ShieldingService } from './governance/shielding.service.ts'
import { OrganisationRepository } from './people/organisation.repository.ts'
import { AccreditationService } from './people/accreditation.service.ts'
import { CredentialRepository } from './people/credential.repository.ts'
import { SessionRepository } from './people/session.repository.ts'
import { SignInService } from './people/sign-in.service.ts'
import { UserAdminService } from './people/user-admin.service.ts'
import { UserRepository } from './people/user.repository.ts'
import { PracticeRepository } from './practice/practice.repository.ts'
import { RecordRepository } from './record/record.repository.ts'
import { RecordService } from './record/record.service.ts'
import { SearchRepository } from './search/search.repository.ts'
import { SearchService } from './search/search.service.ts'
import { systemClock, type Clock } from './system/clock.ts'
import { SystemStateRepository } from './system/state.repository.ts'

export interface ServiceOptions {
  readonly clock?: Clock
  /** Encrypts second-factor secrets at rest: config.dataEncryptionKey. */
  readonly encryptionKey: Buffer
  /** Where users reach the service (config.http.publicUrl): security keys are bound to it. */
  readonly publicUrl?: string
}

export function createServices(database: DatabaseHandle, options: ServiceOptions) {
  const clock = options.clock ?? systemClock
  const { db } = database
  const repositories = {
    children: new ChildRepository(db),
    organisations: new OrganisationRepository(db),
    users: new UserRepository(db),
    sources: new SourceRepository(db),
    practice: new PracticeRepository(db),
    audit: new AuditRepository(db),
    systemState: new SystemStateRepository(db),
    sessions: new SessionRepository(db),
    credentials: new CredentialRepository(db),
    shields: new ShieldRepository(db),
    search: new SearchRepository(db),
    records: new RecordRepository(db),
  }
  const signIn = new SignInService({
    relyingParty: relyingPartyOf(options.publicUrl ?? 'http://localhost:3000'),
    users: repositories.users, sessions: repositories.sessions, credentials: repositories.credentials,
    audit: repositories.audit, clock, encryptionKey: options.encryptionKey,
  })
  return {
    database,
    repositories,
    shielding: new ShieldingService({ db, children: repositories.children, shields: repositories.shields, audit: repositories.audit, clock }),
    search: new SearchService({ search: repositories.search, audit: repositories.audit, clock }),
    record: new RecordService({ db, records: repositories.records, children: repositories.children, audit: repositories.audit, clock }),
    clock,
    signIn,
    accreditation: new AccreditationService({
      organisations: repositories.organisations, users: repositories.users, sessions: repositories.sessions, audit: repositories.audit, clock,
    }),
    userAdmin: new UserAdminService({
      users: repositories.users, organisations: repositories.organisations, sessions: repositories.sessions,
      signIn, audit: repositories.audit, clock,
    }),
  }
}

export type Services = ReturnType<typeof createServices>

function relyingPartyOf(publicUrl: string) {
  const url = new URL(publicUrl)
  return { id: url.hostname, name: 'ContactPoint', origin: url.origin }
}
