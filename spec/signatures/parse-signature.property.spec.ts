import fc from 'fast-check';
import { DspexError, Signature } from '../../lib';
import { assertProperty, isPrototypeClean, onlyDspexErrors, prototypeSnapshot } from '../helpers/property-check';

const RUNS = 1_500;

// Pieces of DSPy's grammar and the characters that trip parsers, so random text stays near valid signatures.
const FRAGMENTS = [
  'question',
  'answer',
  'context',
  '__proto__',
  'constructor',
  ' ',
  '  ',
  ',',
  ', ',
  '->',
  ' -> ',
  ':',
  ': ',
  '=',
  ' = 3',
  '==',
  'int',
  'str',
  'float',
  'bool',
  'Any',
  'None',
  'list',
  'list[',
  'dict[',
  'dict[str, ',
  'Optional[',
  'Union[',
  'Literal[',
  'typing.',
  'set[',
  'tuple[',
  ']',
  '[',
  '|',
  ' | ',
  "'a'",
  '"b"',
  "'",
  '"',
  '\\',
  '\\n',
  '1',
  '-2.5e3',
  'True',
  'é',
  'ﬁ',
  '名',
  '\u3000',
  '\n',
  '\t',
  '(',
  '{',
  ')',
  '}',
  '...',
  'frozenset[',
  ' = []',
];

const signatureText = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 200, unit: 'binary' }),
  fc
    .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('list[', 'Optional[', 'Union[int, ', 'dict[str, '))
    .map(([depth, open]) => `q -> a: ${open.repeat(depth)}int${']'.repeat(depth)}`),
);

describe('Signature.parse (property)', () => {
  it(`returns a signature or throws SignatureError for any text (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    assertProperty(
      fc.property(signatureText, (text) => {
        const result = onlyDspexErrors(() => Signature.parse(text, ''));
        if (DspexError.is(result)) {
          expect(result.code).toBe('SIGNATURE_INVALID');
        } else {
          for (const field of result.fields) {
            // Python identifiers, NFKC-normalised (as DSPy's parser leaves them).
            expect(field.name).toMatch(/^[\p{XID_Start}_]\p{XID_Continue}*$/u);
            expect(field.name.normalize('NFKC')).toBe(field.name);
            expect(typeof field.annotation).toBe('string');
          }
        }
        expect(isPrototypeClean(snapshot)).toBe(true);
      }),
      RUNS,
    );
  });
});
