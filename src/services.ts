// Builds every service from the database handle: the one place where dependencies are wired.
// The web app, the CLI and the tests all build the same graph.
import { ApiAuthService } from './api/api-auth.service.ts'
import { ApiClientRepository } from './api/api-client.repository.ts'
import { ChildRepository } from './children/child.repository.ts'
import type { DatabaseHandle } from './db/client.ts'
import { FeedLoader } from './feeds/feed-loader.service.ts'
import { FeedRepository } from './feeds/feed.repository.ts'
import { ReviewRepository } from './feeds/review.repository.ts'
import { RematchService } from './feeds/rematch.service.ts'
import { ReviewService } from './feeds/review.service.ts'
import { SourceRepository } from './feeds/source.repository.ts'
import { AccessLogRepository } from './governance/access-log.repository.ts'
import { AccessLogService } from './governance/access-log.service.ts'
import { AuditRepository } from './governance/audit.repository.ts'
import { InvestigationRepository } from './governance/investigation.repository.ts'
import { InvestigationService } from './governance/investigation.service.ts'
import { MonitoringRepository } from './governance/monitoring.repository.ts'
import { MonitoringService } from './governance/monitoring.service.ts'
import { ReportsRepository } from './governance/reports.repository.ts'
import { ReportsService } from './governance/reports.service.ts'
import { ShieldRepository } from './governance/shield.repository.ts'
import { ShieldingService } from './governance/shielding.service.ts'
import { CoverageRepository } from './lifecycle/coverage.repository.ts'
import { CoverageService } from './lifecycle/coverage.service.ts'
import { LifecycleRepository } from './lifecycle/lifecycle.repository.ts'
import { LifecycleService } from './lifecycle/lifecycle.service.ts'
import { NotificationRepository } from './notifications/notification.repository.ts'
import { NotificationService } from './notifications/notification.service.ts'
import { OrganisationRepository } from './people/organisation.repository.ts'
import { AccreditationService } from './people/accreditation.service.ts'
import { CredentialRepository } from './people/credential.repository.ts'
import { SessionRepository } from './people/session.repository.ts'
import { SignInService } from './people/sign-in.service.ts'
import { UserAdminService } from './people/user-admin.service.ts'
import { UserRepository } from './people/user.repository.ts'
import { PhoneEnquiryService } from './practice/phone-enquiry.service.ts'
import { PracticeRepository } from './practice/practice.repository.ts'
import { PracticeService } from './practice/practice.service.ts'
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
  /** config.feeds and config.linkage; defaults as documented in the README */
  readonly feeds?: { readonly maxRejectionRate: number }
  readonly linkage?: { readonly link: number; readonly review: number }
  /** How webhooks are sent (tests may pass their own); the global fetch otherwise. */
  readonly fetch?: typeof fetch
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
    feeds: new FeedRepository(db),
    lifecycle: new LifecycleRepository(db),
    coverage: new CoverageRepository(db),
    search: new SearchRepository(db),
    records: new RecordRepository(db),
    monitoring: new MonitoringRepository(db),
    investigations: new InvestigationRepository(db),
    accessLog: new AccessLogRepository(db),
    reports: new ReportsRepository(db),
    apiClients: new ApiClientRepository(db),
    notifications: new NotificationRepository(db),
  }
  const signIn = new SignInService({
    relyingParty: relyingPartyOf(options.publicUrl ?? 'http://localhost:3000'),
    users: repositories.users, sessions: repositories.sessions, credentials: repositories.credentials,
    audit: repositories.audit, clock, encryptionKey: options.encryptionKey,
  })
  const feedLoader = new FeedLoader(database, repositories, {
    clock, maxRejectionRate: options.feeds?.maxRejectionRate ?? 0.05,
    ...(options.linkage ? { thresholds: { link: options.linkage.link, review: options.linkage.review } } : {}),
  })
  const rematch = new RematchService({ db, feeds: repositories.feeds, audit: repositories.audit, clock, ...(options.linkage ? { thresholds: { link: options.linkage.link, review: options.linkage.review } } : {}) })
  const review = new ReviewService({ db, reviews: new ReviewRepository(db), feeds: repositories.feeds, loader: feedLoader, audit: repositories.audit, clock })
  return {
    database,
    repositories,
    feedLoader,
    rematch,
    review,
    shielding: new ShieldingService({ db, children: repositories.children, shields: repositories.shields, audit: repositories.audit, clock }),
    search: new SearchService({ search: repositories.search, audit: repositories.audit, clock }),
    record: new RecordService({ db, records: repositories.records, children: repositories.children, audit: repositories.audit, clock }),
    practice: new PracticeService({
      db, practice: repositories.practice, records: repositories.records, children: repositories.children, feeds: repositories.feeds,
      loader: feedLoader, audit: repositories.audit, clock,
    }),
    phoneEnquiries: new PhoneEnquiryService({ db, practice: repositories.practice, audit: repositories.audit, clock }),
    clock,
    lifecycle: new LifecycleService({ repository: repositories.lifecycle, audit: repositories.audit, state: repositories.systemState, clock }),
    coverage: new CoverageService({ repository: repositories.coverage, audit: repositories.audit, clock }),
    signIn,
    accreditation: new AccreditationService({
      organisations: repositories.organisations, users: repositories.users, sessions: repositories.sessions, audit: repositories.audit, clock,
    }),
    monitoring: new MonitoringService({
      db, repository: repositories.monitoring, users: repositories.users, sessions: repositories.sessions, audit: repositories.audit, clock,
    }),
    investigations: new InvestigationService({ db, repository: repositories.investigations, audit: repositories.audit, clock }),
    accessLog: new AccessLogService({ repository: repositories.accessLog, children: repositories.children, shields: repositories.shields, audit: repositories.audit, clock }),
    reports: new ReportsService({
      reports: repositories.reports, coverage: repositories.coverage, monitoring: repositories.monitoring, investigations: repositories.investigations,
      audit: repositories.audit, clock,
    }),
    apiAuth: new ApiAuthService({
      db, clients: repositories.apiClients, users: repositories.users, organisations: repositories.organisations, audit: repositories.audit, clock,
      publicUrl: (options.publicUrl ?? 'http://localhost:3000').replace(/\/$/, ''),
    }),
    notifications: new NotificationService({
      repository: repositories.notifications, audit: repositories.audit, clock, encryptionKey: options.encryptionKey,
      ...(options.fetch ? { fetch: options.fetch } : {}),
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
