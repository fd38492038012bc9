import { Example, Prediction } from 'dspex';

describe('Example', () => {
  const example = new Example({ question: 'What is 2+2?', answer: '4', dspy_uuid: 'x' }).withInputs('question');

  it('reads fields as properties and with get()', () => {
    expect(example.question).toBe('What is 2+2?');
    expect(example.get('answer')).toBe('4');
    expect(example.get('missing', 'fallback')).toBe('fallback');
    expect(example.has('answer')).toBe(true);
  });

  it('splits inputs and labels', () => {
    expect(example.inputs().toJSON()).toEqual({ question: 'What is 2+2?' });
    expect(example.inputs().inputKeys).toEqual(['question']);
    expect(example.labels().toJSON()).toEqual({ answer: '4', dspy_uuid: 'x' });
  });

  it('throws INPUT_INVALID when inputs were never set', () => {
    expect(() => new Example({ a: 1 }).inputs()).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('skips dspy_ keys in keys(), values() and size', () => {
    expect(example.keys()).toEqual(['question', 'answer']);
    expect(example.keys(true)).toEqual(['question', 'answer', 'dspy_uuid']);
    expect(example.size).toBe(2);
    expect(example.items()).toEqual([
      ['question', 'What is 2+2?'],
      ['answer', '4'],
    ]);
  });

  it('copies keep input keys and never change the original', () => {
    const copy = example.copy({ answer: 'four' });
    expect(copy.answer).toBe('four');
    expect(copy.inputs().toJSON()).toEqual({ question: 'What is 2+2?' });
    expect(example.answer).toBe('4');
    expect(example.without('answer').keys()).toEqual(['question']);
  });

  it('compares by fields, ignoring input keys', () => {
    expect(new Example({ a: 1 }).equals(new Example({ a: 1 }).withInputs('a'))).toBe(true);
    expect(new Example({ a: 1 }).equals(new Example({ a: 2 }))).toBe(false);
  });

  it('lets methods win over fields of the same name, as DSPy', () => {
    const clash = new Example({ items: ['a'], copy: 'field' });
    expect(typeof clash.copy).toBe('function');
    expect(clash.get('items')).toEqual(['a']);
  });

  it('converts nested Examples to plain data', () => {
    expect(new Example({ inner: new Example({ x: 1 }), list: [new Example({ y: 2 })] }).toJSON()).toEqual({ inner: { x: 1 }, list: [{ y: 2 }] });
  });

  it('rejects non-object bases and prototype keys', () => {
    expect(() => new Example('nope' as never)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(() => new Example(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});

describe('Prediction', () => {
  it('takes the first completion as its fields and keeps all of them', () => {
    const prediction = Prediction.fromCompletions([{ answer: 'a' }, { answer: 'b' }]);
    expect(prediction.answer).toBe('a');
    expect(prediction.completions?.length).toBe(2);
    expect(prediction.completions?.answer).toEqual(['a', 'b']);
    expect(prediction.completions?.at(1)).toEqual({ answer: 'b' });
    expect([...prediction.completions!]).toEqual([{ answer: 'a' }, { answer: 'b' }]);
  });

  it('accepts field → list form', () => {
    expect(Prediction.fromCompletions({ answer: ['x', 'y'] }).completions?.field('answer')).toEqual(['x', 'y']);
  });

  it('rejects unequal lists', () => {
    expect(() => Prediction.fromCompletions({ a: [1], b: [1, 2] })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('keeps completions through copies', () => {
    const prediction = Prediction.fromCompletions([{ answer: 'a' }, { answer: 'b' }]);
    expect(prediction.copy({ extra: 1 }).completions?.length).toBe(2);
  });
});
