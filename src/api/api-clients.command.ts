// `contactpoint api-clients …`: registering case management systems and their keys. Run by the
// authority's user admin (or a national admin), named with --by, whose right to accredit the
// client's organisation is checked by the policy and who is recorded in the audit trail.
import fs from 'node:fs'
import type { Command } from 'commander'
import { fail, withRuntime } from '../cli/runtime.ts'
import { createServices, type Services } from '../services.ts'
import { API_SCOPES } from './api-auth.service.ts'

const cliContext = () => ({ clientIp: 'cli', requestId: `cli-${process.pid}` })

async function operator(services: Services, username: string | undefined) {
  if (!username) fail('say who you are with --by USERNAME (an authority user admin or national admin)')
  const user = await services.repositories.users.findByUsername(username)
  if (!user || user.status !== 'active') fail(`there is no active user called ${username}`)
  return user
}

function readJwk(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return fail(`could not read a JSON Web Key from ${file}`)
  }
}

export function registerApiClientsCommand(program: Command): void {
  const clients = program.command('api-clients').description('Case management systems registered to use the integration API (docs/integration.md).')
  const run = (action: (services: Services, publicUrl: string) => Promise<void>) => withRuntime(async ({ config, database }) => {
    await action(createServices(database, { encryptionKey: config.dataEncryptionKey, publicUrl: config.http.publicUrl }), config.http.publicUrl)
  })

  clients.command('register')
    .description('Register a CMS for an accredited organisation with its public key (a JWK file: EC P-256/P-384, Ed25519 or RSA ≥ 2048; never the private key).')
    .argument('<client-id>', 'the client ID: 3–63 lower-case letters, digits and hyphens')
    .requiredOption('--organisation <code>', 'the organisation\'s code')
    .requiredOption('--name <name>', 'the system\'s name, as the audit trail shows it')
    .requiredOption('--key <file>', 'the public key, a JWK in a JSON file')
    .option('--scopes <list>', `comma-separated: ${API_SCOPES.join(', ')}`, 'children.search,children.read,children.write,notifications')
    .option('--by <username>', 'who is registering it')
    .action((clientId: string, options: { organisation: string; name: string; key: string; scopes: string; by?: string }) => run(async (services, publicUrl) => {
      const client = await services.apiAuth.register(await operator(services, options.by), {
        id: clientId, name: options.name, organisationCode: options.organisation, scopes: options.scopes.split(',').map((s) => s.trim()).filter(Boolean), jwk: readJwk(options.key),
      }, cliContext())
      process.stdout.write([
        `Registered ${client.id} for ${options.organisation} with scopes ${client.scopes.join(' ')}.`,
        `Token endpoint: ${publicUrl}/api/oauth/token (audience of client assertions)`,
        `API audience:   ${publicUrl}/api (audience of user assertions)`, '',
      ].join('\n'))
    }))

  clients.command('list').description('Every registered client, its organisation, status, scopes and number of active keys.')
    .action(() => run(async (services) => {
      for (const c of await services.repositories.apiClients.list()) {
        process.stdout.write(`${c.id.padEnd(28)} ${c.organisation_code.padEnd(14)} ${c.status.padEnd(10)} keys ${c.keys}  ${c.scopes.join(' ')}\n`)
      }
    }))

  clients.command('add-key').description('Add a key (rotation: add the new key, move the CMS over, then retire the old one).')
    .argument('<client-id>').requiredOption('--key <file>', 'the new public key, a JWK in a JSON file').option('--by <username>', 'who is adding it')
    .action((clientId: string, options: { key: string; by?: string }) => run(async (services) => {
      const kid = await services.apiAuth.addKey(await operator(services, options.by), clientId, readJwk(options.key), cliContext())
      process.stdout.write(`Added key ${kid} to ${clientId}.\n`)
    }))

  clients.command('retire-key').description('Retire a key: assertions signed with it are refused from now on.')
    .argument('<client-id>').argument('<kid>').option('--by <username>', 'who is retiring it')
    .action((clientId: string, kid: string, options: { by?: string }) => run(async (services) => {
      await services.apiAuth.retireKey(await operator(services, options.by), clientId, kid, cliContext())
      process.stdout.write(`Retired key ${kid} of ${clientId}.\n`)
    }))

  for (const [name, status, description] of [
    ['suspend', 'suspended', 'Stop a client at once (its tokens end); reinstate it later.'],
    ['reinstate', 'active', 'Let a suspended client work again.'],
    ['revoke', 'revoked', 'End a client for good (its tokens end).'],
  ] as const) {
    clients.command(name).description(description).argument('<client-id>').option('--by <username>', 'who is doing it')
      .action((clientId: string, options: { by?: string }) => run(async (services) => {
        await services.apiAuth.setStatus(await operator(services, options.by), clientId, status, cliContext())
        process.stdout.write(`${clientId} is now ${status}.\n`)
      }))
  }
}
