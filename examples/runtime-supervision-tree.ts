import pino from 'pino';
import { Module, Prediction, Supervisor, type ModuleRef } from 'dspex';

const logger = pino({ level: 'silent' });

/** Looks passages up; `crash: true` makes it throw. */
class Retriever extends Module {
  async forward(inputs: { query: string; crash?: boolean }): Promise<Prediction> {
    if (inputs.crash === true) throw new Error('index unavailable');
    return new Prediction({ passages: [`a passage about ${inputs.query}`] });
  }
}

/** Reads what the retriever found: it depends on the retriever child. */
class Reader extends Module {
  constructor(private readonly retriever: ModuleRef) {
    super();
  }

  async forward(inputs: { query: string }): Promise<Prediction> {
    const { passages } = await this.retriever.forward(inputs);
    return new Prediction({ answer: `read ${(passages as string[]).length} passage(s)` });
  }
}

/** Dependencies, strategies and a nested supervisor. */
export async function main(): Promise<void> {
  const root = new Supervisor({ strategy: 'one_for_one', logger });
  root.registry.on('restarted', (event) => console.log(`restarted ${event.id}`));

  // `dependsOn`: the reader starts after the retriever, and restarts after it.
  const retriever = await root.startChild({ id: 'retriever', start: () => new Retriever() });
  const reader = await root.startChild({ id: 'reader', start: () => new Reader(retriever), dependsOn: ['retriever'] });
  console.log((await reader.forward({ query: 'otp' })).answer); // read 1 passage(s)

  await retriever.forward({ query: 'otp', crash: true }).catch(() => undefined);
  await reader.forward({ query: 'otp' }); // waits while both restart, then runs on the new instances
  // restarted retriever
  // restarted reader

  // A child whose start returns a Supervisor makes a tree. If the nested supervisor passes its own
  // restart intensity, it stops its children and counts as one crash of its parent, which restarts it.
  let team: Supervisor | undefined;
  await root.startChild({
    id: 'tools',
    start: async () => {
      team = new Supervisor({ strategy: 'one_for_all', maxRestarts: 0, logger });
      await team.startChild({ id: 'search', start: () => new Retriever() });
      await team.startChild({ id: 'lookup', start: () => new Retriever() });
      return team;
    },
  });
  const firstTeam = team!;
  const toolsRestarted = new Promise<void>((resolve) => root.registry.on('restarted', (event) => event.id === 'tools' && resolve()));
  await firstTeam.registry
    .lookup('search')!
    .forward({ query: 'otp', crash: true })
    .catch(() => undefined);
  await toolsRestarted;
  // restarted tools
  console.log(firstTeam.status, team!.status, team !== firstTeam); // stopped running true (the escalated team was stopped and replaced)
  await root.stop();
}

if (require.main === module) void main();
