import { majority } from '../../lib/predict/majority';
import { Example } from '../../lib/primitives/example';
import { Prediction } from '../../lib/primitives/prediction';

describe('majority', () => {
  it('picks the most common normalized answer and returns that completion', () => {
    const votes = Prediction.fromCompletions([
      { reasoning: 'a', answer: 'Paris' },
      { reasoning: 'b', answer: 'Lyon' },
      { reasoning: 'c', answer: 'paris.' },
    ]);
    const winner = majority(votes);
    expect(winner).toBeInstanceOf(Prediction);
    expect(winner.toJSON()).toEqual({ reasoning: 'a', answer: 'Paris' });
    expect(winner.completions?.length).toBe(1);
  });

  it('breaks ties in favour of the value counted first', () => {
    expect(majority([{ answer: 'B' }, { answer: 'A' }, { answer: 'A' }, { answer: 'B' }]).answer).toBe('B');
  });

  it('ignores values that normalize to nothing unless all do', () => {
    expect(majority([{ answer: 'the' }, { answer: 'an' }, { answer: 'Rome' }]).answer).toBe('Rome');
    expect(majority([{ answer: 'the' }, { answer: 'a' }]).answer).toBe('the');
  });

  it('votes on the given field, with a custom normalize or none', () => {
    const completions = [new Example({ label: 'x', score: 1 }), new Example({ label: 'X', score: 2 }), new Example({ label: 'y', score: 2 })];
    expect(majority(completions, { field: 'score' }).label).toBe('X');
    expect(majority(completions, { field: 'label', normalize: null }).label).toBe('x');
    expect(majority(completions, { field: 'label', normalize: (value) => String(value).toLowerCase() }).label).toBe('x');
  });

  it('takes Completions directly', () => {
    const votes = Prediction.fromCompletions([{ answer: '1' }, { answer: '2' }, { answer: '2' }]);
    expect(majority(votes.completions!).answer).toBe('2');
  });

  it.each([
    ['no completions', []],
    ['something else', 'Paris'],
  ])('rejects %s with INPUT_INVALID', (_label, input) => {
    expect(() => majority(input as never)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('rejects an unknown option, and names a near miss with a did-you-mean', () => {
    const votes = [{ answer: 'a' }];
    expect(() => majority(votes, { feild: 'answer' } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'feild', suggestion: 'field' } }),
    );
    expect(() => majority(votes, { weights: [1] } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'weights', suggestion: undefined } }),
    );
    expect(() => majority(votes, { normalize: 'lower' } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'normalize' } }),
    );
  });
});
