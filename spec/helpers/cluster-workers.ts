import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A forked cluster worker process (spec/fixtures/cluster/worker.ts). */
export interface WorkerProcess {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves once the worker serves its child. */
  readonly ready: Promise<void>;
  /** SIGKILL: the worker dies mid-call, as a crashed machine would. */
  kill(): Promise<void>;
  /** Asks the worker to stop cleanly and waits for it to exit. */
  stop(): Promise<void>;
}

export interface WorkerSettings {
  url: string;
  prefix: string;
  child: string;
  version?: string;
  concurrency?: number;
}

const WORKER = path.join(__dirname, '..', 'fixtures', 'cluster', 'worker.ts');
const LOADER = path.join(__dirname, 'ts-require.js');

/** Forks a worker process that serves `child`; its TypeScript is transpiled by a require hook. */
export function forkWorker(settings: WorkerSettings): WorkerProcess {
  const child = fork(WORKER, [], {
    execArgv: ['-r', LOADER],
    env: {
      ...process.env,
      DSPEX_REDIS_URL: settings.url,
      DSPEX_PREFIX: settings.prefix,
      DSPEX_CHILD: settings.child,
      DSPEX_VERSION: settings.version ?? '1',
      DSPEX_CONCURRENCY: String(settings.concurrency ?? 16),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean }) => {
      if (message.ready === true) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited before serving (code ${code}, signal ${signal})`)));
  });
  ready.catch(() => undefined);
  return {
    pid: child.pid!,
    process: child,
    ready,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.send({ stop: true });
      await exited;
    },
  };
}
