// Type tests: typed modules through ReAct, BestOfN, Refine, Parallel, majority and a supervisor's ModuleRef.
import {
  BestOfN,
  ChainOfThought,
  Module,
  Parallel,
  Predict,
  Prediction,
  ReAct,
  Refine,
  Supervisor,
  majority,
  type ForwardInputs,
  type ForwardResult,
  type ModuleRef,
} from 'dspex';
import { expectType, type Equal } from './expect-type';

class QA extends Module {
  generate = new ChainOfThought('message -> answer: int');

  async forward(inputs: { message: string }): Promise<Prediction<{ reasoning: string; answer: number }>> {
    return this.generate.forward(inputs);
  }
}

export async function moduleRefs(supervisor: Supervisor): Promise<void> {
  const ref = await supervisor.startChild({ id: 'qa', start: () => new QA() });
  const prediction = await ref.forward({ message: 'hi' }, { timeoutMs: 1000 });
  expectType<Equal<typeof prediction.answer, number>>();
  // @ts-expect-error a typo through a ModuleRef
  await ref.forward({ mesage: 'hi' });
  // A typed ref is still a ModuleRef.
  const bare: ModuleRef = await supervisor.startChild({ id: 'qa2', start: async () => new QA() });
  void bare;
  // A predictor served directly keeps its signature's types.
  const direct = await supervisor.startChild({ id: 'p', start: () => new Predict('q -> a: bool') });
  expectType<Equal<(typeof direct extends ModuleRef<unknown, infer P> ? P : never) extends Prediction<{ a: boolean }> ? true : false, true>>();
  // A nested supervisor gives a loose ref.
  const tree = await supervisor.startChild({ id: 'tree', start: () => new Supervisor() });
  await tree.forward({ anything: 1 });
}

export async function wrappers(): Promise<void> {
  const qa = new QA();
  const best = new BestOfN(qa, { n: 3, rewardFn: () => 1, threshold: 1 });
  const bestPrediction = await best.forward({ message: 'hi' });
  expectType<Equal<typeof bestPrediction.answer, number>>();
  // @ts-expect-error a typo through BestOfN
  await best.forward({ mesage: 'hi' });
  const refined = await new Refine(new Predict('q -> a: list[str]'), { n: 2, rewardFn: () => 1, threshold: 1 }).forward({ q: 'x' });
  expectType<Equal<typeof refined.a, string[]>>();
  expectType<Equal<ForwardInputs<QA>, { message: string }>>();
  expectType<Equal<ForwardResult<QA>, Prediction<{ reasoning: string; answer: number }>>>();

  const agent = new ReAct('question -> answer: float', { tools: [] });
  const { answer, trajectory, reasoning } = await agent.forward({ question: 'q' });
  expectType<Equal<[typeof answer, typeof trajectory, typeof reasoning], [number, Record<string, unknown>, string]>>();
  // @ts-expect-error a typo through ReAct
  await agent.forward({ questoin: 'q' });

  const [first] = await new Parallel().forward([[new Predict('q -> a: int'), { q: 'x' }]]);
  expectType<Equal<typeof first, Prediction<{ a: number }> | null>>();

  const voted = majority(await new Predict('q -> a: int', { n: 5 }).forward({ q: 'x' }));
  expectType<Equal<typeof voted.a, number>>();
}
