// Starts the real `contactpoint` command as a child process on a free port with its own data
// folder, waits until /health answers, and stops it afterwards. For browser and CLI tests.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface RunningServer {
  readonly url: string
  readonly dataDir: string
  readonly output: () => string
  stop(): Promise<void>
}

const ROOT = path.resolve(import.meta.dirname, '../..')
export const CLI = path.join(ROOT, 'bin', 'contactpoint.js')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

export async function startServer(options: { command?: 'start' | 'serve'; env?: Record<string, string>; dataDir?: string; timeoutMs?: number } = {}): Promise<RunningServer> {
  const port = await freePort()
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-'))
  // localhost, not 127.0.0.1: WebAuthn binds security keys to a host name, never to an IP address.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: 'localhost', PUBLIC_URL: `http://localhost:${port}`, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'info',
    // Checkpoints and the signing key beside the data, never in the working tree.
    AUDIT_CHECKPOINT_DIR: path.join(dataDir, 'audit-checkpoints'), AUDIT_SIGNING_KEY_FILE: path.join(dataDir, 'audit-signing-key.pem'),
    AUDIT_RETIRED_KEYS_DIR: path.join(dataDir, 'audit-retired-keys'), ...options.env }
  delete env.DATABASE_URL
  if (options.env?.DATABASE_URL) env.DATABASE_URL = options.env.DATABASE_URL
  const child: ChildProcess = spawn(process.execPath, [CLI, options.command ?? 'start'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  const url = `http://localhost:${port}`
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`contactpoint exited with ${child.exitCode}:\n${output}`)
    try {
      if ((await fetch(`${url}/health`)).ok && output.includes('Press Ctrl+C to stop')) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`contactpoint did not become healthy in time:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
