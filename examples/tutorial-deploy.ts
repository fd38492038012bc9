import pino from 'pino';
import { BootstrapFewShot, Supervisor, configure, type Prediction } from 'dspex';
import { Triage, devset, makeLM, sameCategory, trainset } from './tutorial-program';

/** Step 5: swap the compiled program into a running service without losing a call. */
export async function main(): Promise<void> {
  configure({ lm: makeLM() });
  const supervisor = new Supervisor({ logger: pino({ level: 'silent' }) });
  const triage = await supervisor.startChild({ id: 'triage', start: () => new Triage(), version: '1' });

  const compiled = await new BootstrapFewShot({ metric: sameCategory }).compile(new Triage(), { trainset });

  // Calls keep arriving while the new version goes live.
  const tickets = Array.from({ length: 60 }, (_, index) => devset[index % devset.length]);
  const inFlight = tickets.map((ticket) => triage.forward({ message: String(ticket.message) }));
  await supervisor.hotSwap('triage', { start: () => compiled.deepcopy(), version: '2' });
  const afterSwap = tickets.map((ticket) => triage.forward({ message: String(ticket.message) }));

  const countCorrect = (answers: Prediction[]): number => answers.filter((answer, index) => answer.category === tickets[index].category).length;
  console.log(`in flight during the swap: ${(await Promise.all(inFlight)).length} answered`); // in flight during the swap: 60 answered
  console.log(`after the swap: ${countCorrect(await Promise.all(afterSwap))} of 60 correct`); // after the swap: 60 of 60 correct
  console.log(`now serving version ${triage.version}, failed calls: ${triage.metrics().failures}`); // now serving version 2, failed calls: 0

  await supervisor.stop({ drain: true });
}

if (require.main === module) void main();
