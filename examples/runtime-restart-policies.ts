import pino from 'pino';
import { Module, ModuleExit, Prediction, Supervisor, SupervisorEscalationError } from 'dspex';

/** Crashes on `crash`, ends itself normally on `done`. */
class Job extends Module {
  async forward(inputs: { crash?: boolean; done?: boolean }): Promise<Prediction> {
    if (inputs.crash === true) throw new Error('bug');
    if (inputs.done === true) throw new ModuleExit(); // "my work is finished": a normal exit
    return new Prediction({ ok: true });
  }
}

/** Restart policies, restart intensity, escalation and a fallback. */
export async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const supervisor = new Supervisor({ maxRestarts: 2, withinMs: 5000, logger });
  supervisor.registry.on('stopped', (event) => console.log(`stopped: ${event.id} (${event.reason})`));

  const permanent = await supervisor.startChild({ id: 'permanent', start: () => new Job() });
  const transient = await supervisor.startChild({ id: 'transient', start: () => new Job(), restart: 'transient' });
  const temporary = await supervisor.startChild({ id: 'temporary', start: () => new Job(), restart: 'temporary' });

  // transient: restarted after a crash, not after a normal exit.
  await transient.forward({ done: true }).catch((error: Error & { code: string }) => console.log(`transient: ${error.code}`));
  // transient: MODULE_EXIT
  // stopped: transient (exited)

  // temporary: never restarted, and removed from the supervisor at once (as in OTP).
  await temporary.forward({ crash: true }).catch(() => undefined);
  console.log(supervisor.registry.list().map((child) => `${child.id}:${child.status}`)); // [ 'permanent:running', 'transient:stopped' ]
  // stopped: temporary (exited)   ← the event comes once the child's last calls have settled

  // Restart intensity: more than maxRestarts (2) restarts within withinMs, and the supervisor gives up.
  for (let attempt = 0; attempt < 3; attempt += 1) await permanent.forward({ crash: true }).catch(() => undefined);
  console.log(supervisor.status); // escalated
  const error = await permanent.forward({}).catch((caught: unknown) => caught);
  console.log(error instanceof SupervisorEscalationError, (error as Error & { cause: { code: string } }).cause.code); // true MODULE_CRASHED
  // stopped: permanent (shutdown)   ← escalation stops every child, newest first

  // Once the cause is fixed (the LM is back, a bad deploy rolled back), bring the supervisor back.
  supervisor.registry.on('recovered', (event) => console.log(`recovered: ${event.id}`));
  await supervisor.recover(); // restarts the children the escalation stopped, from their checkpoints
  // recovered: supervisor
  console.log(supervisor.status, (await permanent.forward({})).ok); // running true

  // A child with a fallback keeps answering, degraded, even after escalation.
  const resilient = new Supervisor({ maxRestarts: 0, logger });
  const cached = await resilient.startChild({ id: 'cached', start: () => new Job(), fallback: () => new Prediction({ ok: 'from cache' }) });
  await cached.forward({ crash: true }); // served by the fallback
  console.log(resilient.status, (await cached.forward({})).ok); // escalated from cache
  console.log(cached.metrics().fallbacks); // 2
}

if (require.main === module) void main();
