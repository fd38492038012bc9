import { DummyLM } from '../../lib/lm/dummy-lm';
import { OptimizerBudget } from '../../lib/optimizers/optimizer-budget';
import { Example } from '../../lib/primitives/example';
import { Prediction } from '../../lib/primitives/prediction';

const example = new Example({ question: 'q', answer: 'a' }).withInputs('question');
const prediction = new Prediction({ answer: 'a' });

describe('OptimizerBudget', () => {
  it('counts metric calls, passing the arguments given (any metric shape) and keeping the metric name', () => {
    const budget = new OptimizerBudget();
    const seen: number[] = [];
    function myMetric(...args: unknown[]): number {
      seen.push(args.length);
      return 1;
    }
    const counted = budget.countMetric(myMetric);
    counted(example, prediction);
    counted(example, prediction, undefined);
    counted(example, prediction, [], 'generate', []);
    expect(budget.metricCalls).toBe(3);
    // A trailing undefined trace is dropped, so the metric sees (example, prediction) as Evaluate calls it.
    expect(seen).toEqual([2, 2, 5]);
    expect(counted.name).toBe('myMetric');
  });

  it('caps metric calls when given a maximum, and counts recorded calls toward it', () => {
    const budget = new OptimizerBudget({ maxMetricCalls: 5 });
    expect(budget.canSpendMetricCalls(5)).toBe(true);
    budget.recordMetricCalls(3);
    expect(budget.remainingMetricCalls).toBe(2);
    expect(budget.canSpendMetricCalls(3)).toBe(false);
    expect(new OptimizerBudget().canSpendMetricCalls(1e9)).toBe(true);
  });

  it('counts LM requests, copies included, without touching what the wrapped LM records', async () => {
    const budget = new OptimizerBudget();
    const lm = new DummyLM(() => ({ answer: 'a' }));
    const counted = budget.countLM(lm);
    expect(budget.countLM(counted)).toBe(counted);
    await counted.call([{ role: 'user', content: 'one' }]);
    await counted.copy({ temperature: 0.5 }).call([{ role: 'user', content: 'two' }]);
    expect(budget.lmCalls).toBe(2);
    expect(lm.history).toHaveLength(1);
    expect(counted.dumpState()).toEqual(lm.dumpState());
    expect(budget.snapshot()).toEqual({ lmCalls: 2, metricCalls: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 } });
  });
});
