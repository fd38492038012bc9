// requires: redis-server (type-checked by the suite, not run there; `npm run demo:cluster` runs it)
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main as runCaller } from './cluster-caller';

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `npm run demo:cluster`: a throwaway redis-server, two worker processes, and one caller. */
export async function main(): Promise<void> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('redis-server is not installed: apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS).');
    return;
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dspex-demo-redis-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  const workers = [0, 1].map(() => fork(path.join(__dirname, 'cluster-worker.js'), { env: process.env }));
  try {
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
    await runCaller();
  } finally {
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.once('exit', resolve), worker.kill('SIGTERM')))));
    redis.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
