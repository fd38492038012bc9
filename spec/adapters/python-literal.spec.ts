import { parsePythonLiteral } from '../../lib/adapters/python-literal';

/** What Python's `ast.literal_eval` returns for each text (tuples as arrays, sets as Sets). */
describe('parsePythonLiteral', () => {
  it.each([
    ['True', true],
    ['None', null],
    ["'a'", 'a'],
    ['"it\'s"', "it's"],
    ['\'a\' "b"', 'ab'],
    ["'''x\ny'''", 'x\ny'],
    ["r'\\d'", '\\d'],
    ["'\\x41\\u00e9\\101\\q'", 'Aé' + 'A' + '\\q'],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['-5', -5],
    ['+5', 5],
    ['--5', 5],
    ['1.', 1],
    ['.5', 0.5],
    ['1e-3', 0.001],
    ['1_0.5_0', 10.5],
    ['000', 0],
    ['1, 2', [1, 2]],
    ['1,', [1]],
    ['(1, 2)', [1, 2]],
    ['(1,)', [1]],
    ['(1)', 1],
    ['()', []],
    ['[1, (2, 3), [True, None],]', [1, [2, 3], [true, null]]],
    ["{'a': 1, 2: 'b',}", { a: 1, '2': 'b' }],
    ['{}', {}],
    ['  \t[1]\n', [1]],
    ['123456789012345', 123456789012345],
    ['9007199254740993', 9007199254740992],
    ['-0', -0],
    ['0_0', 0],
    ['[1,2]', [1, 2]],
  ])('reads %j', (text, expected) => {
    expect(parsePythonLiteral(text)).toEqual({ ok: true, value: expected });
  });

  it('reads a set as a Set', () => {
    expect(parsePythonLiteral('{1, 2, 2}')).toEqual({ ok: true, value: new Set([1, 2]) });
  });

  it.each(['', 'true', 'null', 'hello', '007', '1__0', '0x', '1j', '[1, 2', "'a", "'a\nb'", 'os.system("x")', '1 + 2', '-True', '{[1]: 2}', 'NaN', '(1, 2) x'])(
    'refuses %j, as literal_eval does',
    (text) => {
      expect(parsePythonLiteral(text)).toEqual({ ok: false });
    },
  );

  it.each([
    ['a tuple', (items: string) => items],
    ['a list', (items: string) => `[${items}]`],
  ])('reads %s of 10,001 items in order (longer than one block of items)', (_, wrap) => {
    const values = Array.from({ length: 10_001 }, (__, index) => index);
    const result = parsePythonLiteral(wrap(values.join(', ')));

    expect(result.ok && result.value).toEqual(values);
  });

  it('keeps nested containers as items of a long list', () => {
    const result = parsePythonLiteral(`[${'(1,), [2], '.repeat(5_000)}]`);

    expect(result.ok && (result.value as unknown[]).length).toBe(10_000);
    expect(result.ok && (result.value as unknown[]).slice(-2)).toEqual([[1], [2]]);
  });

  it.each(['01', '1,, 2', '(1, 2', '1 2', "[1, 'a'"])('refuses %j in a long tuple too', (tail) => {
    expect(parsePythonLiteral(`${'1, '.repeat(5_000)}${tail}`)).toEqual({ ok: false });
  });

  it.each([
    ['15 digits', '123456789012345', 123456789012345],
    ['16 digits', '1234567890123456', 1234567890123456],
    ['a float', '1.5', 1.5],
    ['an exponent', '1e3', 1000],
    ['underscores', '1_000', 1000],
    ['a hex number', '0x1F', 31],
    ['zero', '0', 0],
    ['a sign', '-3', -3],
  ])('reads %s after the first item of a tuple, as the first item', (_, item, expected) => {
    expect(parsePythonLiteral(`1, ${item}, 2`)).toEqual({ ok: true, value: [1, expected, 2] });
    expect(parsePythonLiteral(`[1,${item}]`)).toEqual({ ok: true, value: [1, expected] });
  });

  it.each(['12a', '1j', '1é', '1_', '1.x', '07', '1\u00a0'])('refuses an item %j after the first item of a tuple', (item) => {
    expect(parsePythonLiteral(`1, ${JSON.parse(`"${item}"`)}`)).toEqual({ ok: false });
  });

  it.each([
    ['a long decimal', `1${'0'.repeat(100)}`, 1e100],
    ['a long decimal with underscores', `1${'_0'.repeat(100)}`, 1e100],
    ['a long fraction', `0.${'5'.repeat(100)}`, Number(`0.${'5'.repeat(100)}`)],
    ['a long exponent', `1e${'0'.repeat(100)}2`, 100],
    ['a long binary number', `0b${'1'.repeat(70)}`, 2 ** 70 - 1],
    ['a long octal number', `0o_${'7'.repeat(70)}`, parseInt('7'.repeat(70), 8)],
    ['a hex number of 2^800', `0x1${'_0'.repeat(200)}`, 2 ** 800],
    ['a hex number of 2^1024', `0x1${'0'.repeat(256)}`, Infinity],
    ['a hex number past 2^1024', `0x${'F'.repeat(300)}`, Infinity],
    ['a long hex number of leading zeros', `0x${'0'.repeat(600)}1`, 1],
  ])('reads %s, digit runs longer than the loop reads one by one', (_, text, expected) => {
    expect(parsePythonLiteral(text)).toEqual({ ok: true, value: expected });
    expect(parsePythonLiteral(`[${text}, 1]`)).toEqual({ ok: true, value: [expected, 1] });
  });

  it.each([`1${'0'.repeat(100)}__0`, `1${'0'.repeat(100)}_`, `0x${'F'.repeat(100)}g`, `0b${'1'.repeat(100)}2`, `1${'0'.repeat(5000)}`])(
    'refuses a long number that breaks off badly (%#)',
    (text) => {
      expect(parsePythonLiteral(text)).toEqual({ ok: false });
    },
  );

  it('refuses nesting past the limit as too deep', () => {
    expect(parsePythonLiteral(`${'['.repeat(200)}${']'.repeat(200)}`)).toEqual({ ok: false, tooDeep: true });
  });

  it('keeps a "__proto__" key an own property', () => {
    const result = parsePythonLiteral("{'__proto__': {'polluted': 1}}");

    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(result.ok && Object.keys(result.value as object)).toEqual(['__proto__']);
  });
});
