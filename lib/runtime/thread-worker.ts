import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadStartData } from './thread-protocol';
import { ThreadServer } from './thread-server';

/** Entry point of a thread-isolated child's worker thread (started by thread-module.ts). */
if (parentPort !== null) ThreadServer.start(parentPort, workerData as ThreadStartData);
