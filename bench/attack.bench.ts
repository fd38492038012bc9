import { ChatAdapter, DspexError, JSONAdapter, Signature, XMLAdapter } from 'dspex';
import { formatDuration, record, section } from './harness';

/**
 * `npm run bench:attack`: hostile inputs against the parsers. Every 1 MB LM reply must parse or
 * fail with `AdapterParseError`, and every 1 MB signature must parse or fail with
 * `SignatureError`, in under 50 ms (median and worst of a few runs, both printed with the target).
 */

const MEGABYTE = 1_000_000;
const TARGET_MS = 50;
const SAMPLES = 7;
/** `ATTACK_FILTER=text`: runs only the rows whose name (with the adapter name) contains the text. */
const FILTER = process.env.ATTACK_FILTER;
const selected = (name: string): boolean => FILTER === undefined || name.includes(FILTER);

/** Repeats `unit` until the text is about `size` characters long. */
function fill(unit: string, size = MEGABYTE): string {
  return unit.repeat(Math.max(1, Math.ceil(size / unit.length))).slice(0, size);
}

interface AttackOutcome {
  readonly medianMs: number;
  readonly worstMs: number;
  readonly outcome: string;
}

function runAttack(operation: () => unknown, expectedCode: string): AttackOutcome {
  const durations: number[] = [];
  let outcome = 'parsed';
  for (let sample = 0; sample < SAMPLES + 1; sample += 1) {
    const start = process.hrtime.bigint();
    try {
      operation();
      outcome = 'parsed';
    } catch (error) {
      if (!DspexError.is(error) || error.code !== expectedCode) throw error;
      outcome = error.code;
    }
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (sample > 0) durations.push(elapsed);
  }
  durations.sort((left, right) => left - right);
  return { medianMs: durations[Math.floor(durations.length / 2)], worstMs: durations[durations.length - 1], outcome };
}

function report(name: string, result: AttackOutcome): boolean {
  const meets = result.worstMs < TARGET_MS;
  const value = `${formatDuration(result.medianMs * 1e6)} (worst ${formatDuration(result.worstMs * 1e6)})`;
  record(`${name} → ${result.outcome}`.padEnd(58), value, `< ${TARGET_MS} ms`, meets);
  return meets;
}

const header = (name: string): string => `[[ ## ${name} ## ]]\n`;

/** 1 MB replies of hostile shapes, each with the signature it is parsed against. */
function replyAttacks(): [string, string, string][] {
  const digits = '7'.repeat(MEGABYTE - 40);
  return [
    ['spaces after a non-ASCII letter', 'question -> answer', `${header('answer')}é${' '.repeat(MEGABYTE - 30)}é`],
    ['spaces after é, never ending', 'question -> answer: int', `é${fill(' é' + ' '.repeat(2000))}x`],
    ['1 MB digits in a float field', 'question -> answer: float', `${header('answer')}${digits}x`],
    ['50,000-digit numbers in float fields', 'question -> answer: float, other: float', `${header('answer')}${fill('9'.repeat(50_000) + 'e\n')}`],
    ['JSON: 1 MB digits as a float string', 'question -> answer: float', `{"answer": "${digits}x"}`],
    ['JSON: 1 MB digits as a float number', 'question -> answer: float', `{"answer": ${digits}.5e}`],
    ['1 MB of "{"', 'question -> answer: dict[str, Any]', fill('{')],
    ['1 MB of "{" in a dict field', 'question -> answer: dict[str, Any]', `${header('answer')}${fill('{')}`],
    ['"{" runs with strings and colons', 'question -> answer: dict[str, Any]', fill('{"a": ')],
    ['1 MB of "[" in a list field', 'question -> answer: list[int]', `${header('answer')}${fill('[')}`],
    ['10,000-deep list in a list field', 'question -> answer: list[Any]', `${header('answer')}${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['JSON: 10,000-deep list', 'question -> answer: list[Any]', `{"answer": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
    ['1 MB of "[[ ## x ## ]]" headers', 'question -> answer', fill('[[ ## x ## ]]\n')],
    ['1 MB of "[[ ## answer ## ]]" headers', 'question -> answer', fill('[[ ## answer ## ]]\n')],
    ['"[[ ## answer ## ]]" headers, one output never given', 'question -> answer, other', fill('[[ ## answer ## ]]\n')],
    ['unclosed header starts', 'question -> answer', fill('[[ ## answer ##')],
    ['1 MB line without newlines', 'question -> answer: int', fill('abcdefghij')],
    ['1 MB of "\\r"', 'question -> answer', fill('\r')],
    ['code fences', 'question -> answer: list[str]', `${header('answer')}\`\`\`json\n${fill('```\n', MEGABYTE - 40)}`],
    ['1 MB single-quoted string', 'question -> answer: list[str]', `${header('answer')}['${fill('\\x')}`],
    ['nested tuples and commas', 'question -> answer: list[Any]', `${header('answer')}${fill('(1,')}`],
    // Shapes the lenient (json_repair-style) reader repairs: each must stay linear.
    ['JSON: 1 MB unterminated string', 'question -> answer', `{"answer": "${fill('ab')}`],
    ['1 MB of "\'"', 'question -> answer: list[str]', fill("'")],
    ["1 MB of '\"'", 'question -> answer: list[str]', fill('"')],
    ['1 MB of "["', 'question -> answer: list[Any]', fill('[')],
    ['"True " runs', 'question -> answer: list[bool]', `{"answer": [${fill('True ')}`],
    ['stray quotes inside a value', 'question -> answer', `{"answer": "${fill('a" b ')}"}`],
    ['stray quotes inside a list', 'question -> answer: list[str]', `{"answer": ["${fill('a" "b ')}"]}`],
    ['"}" inside an unterminated value', 'question -> answer', `{"answer": "${fill('} x ')}`],
    ['bare values with commas', 'question -> answer', `{"answer": ${fill('a, ')}`],
    ['1 MB of "/*"', 'question -> answer', fill('/*')],
    ['1 MB of "(" in a value', 'question -> answer: list[Any]', `{"answer": ${fill('(')}`],
    ['repeated objects', 'question -> answer', fill('{"answer": 1} ')],
    // Repeated objects of other shapes: each one is read, as json_repair keeps the latest.
    ['repeated objects holding a list', 'question -> answer', fill('{"answer": [1]} ')],
    ['repeated nested objects', 'question -> answer', fill('{"a": {"b": 1}} ')],
    ['repeated objects with exponents', 'question -> answer: float', fill('{"answer": 1.5e3} ')],
    ['repeated single-quoted objects', 'question -> answer', fill("{'answer': 1} ")],
    ['repeated objects with bare keys', 'question -> answer', fill('{answer: 1} ')],
    ['one object repeating its member', 'question -> answer', fill('{"answer": 1, ')],
    ['1 MB tuple without brackets', 'question -> answer: list[int]', `${header('answer')}${fill('1, ')}1`],
    ['1 MB hex literal', 'question -> answer: int', `${header('answer')}0x${fill('F')}`],
  ];
}

/** 1 MB replies built against XMLAdapter's reader, each with the signature it is parsed against. */
function xmlReplyAttacks(): [string, string, string][] {
  // Whole units, so the markup stays well-formed and the reply reaches the field readers.
  const units = (unit: string): string => unit.repeat(Math.floor((MEGABYTE - 20) / unit.length));
  const members = Array.from({ length: 2_000 }, (_, index) => `dict[str, Literal['v${index}']]`).join(', ');
  return [
    ['1 MB of "<a>" (deep nesting)', 'question -> answer', fill('<a>')],
    ['1 MB of "<a/>" in a str field', 'question -> answer', `<answer>${units('<a/>')}</answer>`],
    ['1 MB of <item>s in a list field', 'question -> answer: list[int]', `<answer>${units('<item>1</item>')}</answer>`],
    ['1 MB of <answer> elements', 'question -> answer: list[str]', fill('<answer>x</answer>')],
    ['1 MB of nested dict keys', 'question -> answer: dict[str, Any]', `<answer>${units('<k><v>1</v></k>')}</answer>`],
    ['1 MB of "&amp;"', 'question -> answer', `<answer>${units('&amp;')}</answer>`],
    ['1 MB of "&" with no ";"', 'question -> answer', `<answer>${fill('&a', MEGABYTE - 20)}`],
    ['unclosed comment', 'question -> answer', `<answer><!--${fill('-', MEGABYTE - 20)}`],
    ['1 MB of attributes', 'question -> answer', `<answer ${fill('a="1" ', MEGABYTE - 20)}>x</answer>`],
    ['2,000-member union of dicts', `question -> answer: Union[${members}]`, `<answer>${units('<k>v</k>')}</answer>`],
  ];
}

/** 1 MB signature strings of hostile shapes. */
function signatureAttacks(): [string, string][] {
  const members = Array.from({ length: 16_000 }, (_, index) => `Literal['v${index}']`).join(', ');
  const bars = Array.from({ length: 16_000 }, (_, index) => `Literal[${index}]`).join(' | ');
  return [
    ['long "=" run before "]"', `question -> answer: int ${fill('=', MEGABYTE - 30)}]`],
    ['long "=" run', `question -> answer: int ${fill('=', MEGABYTE - 30)}`],
    ['16,000-member Union[...]', `question -> answer: Union[${members}]`],
    ['16,000-member a | b | ...', `question -> answer: ${bars}`],
    ['5,000 nested list[', `question -> answer: ${'list['.repeat(5_000)}int${']'.repeat(5_000)}`],
    ['200,000 nested list[', `question -> answer: ${fill('list[')}`],
    ['1 MB of "["', `question -> answer: ${fill('[')}`],
    ['1 MB field name', `${fill('a')} -> answer`],
    ['1 MB of digits in a type', `question -> answer: Literal[${fill('1', MEGABYTE - 40)}`],
    ['1 MB of dotted names', `question -> answer: ${fill('typing.')}`],
    ['1 MB of quotes', `question -> answer: Literal[${fill("'a', ")}`],
    ['1 MB of quotes, closed', `question -> answer: Literal[${fill("'a', ", MEGABYTE - 50)}'a']`],
    ['1 MB default value', `question: list[str] = [${fill("'a', ", MEGABYTE - 50)}] -> answer`],
  ];
}

/** One linear pass over 1 MB, timed: the machine's speed (and load) to read the figures against. */
function calibrate(): number {
  const text = fill('abcdefghij');
  const durations: number[] = [];
  for (let sample = 0; sample < 9; sample += 1) {
    const start = process.hrtime.bigint();
    let count = 0;
    for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) === 0x61) count += 1;
    if (count === 0) throw new Error('calibration text is empty');
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return durations.sort((left, right) => left - right)[4];
}

/** Prints the attack table, with a pass/fail line for all targets together. */
export async function run(): Promise<void> {
  const [load] = (await import('node:os')).loadavg();
  section(`attack: calibration (load average ${load.toFixed(1)})`);
  record('one charCodeAt pass over 1 MB (median of 9)', formatDuration(calibrate() * 1e6), '~1 ms idle');
  section('attack: 1 MB LM replies through ChatAdapter.parse and JSONAdapter.parse (< 50 ms, or AdapterParseError)');
  let allMet = true;
  const adapters = [
    ['ChatAdapter', new ChatAdapter()],
    ['JSONAdapter', new JSONAdapter()],
  ] as const;
  for (const [name, signatureText, reply] of replyAttacks()) {
    const signature = Signature.parse(signatureText);
    for (const [adapterName, adapter] of adapters) {
      if (!selected(`${adapterName}: ${name}`)) continue;
      allMet =
        report(
          `${adapterName}: ${name}`,
          runAttack(() => adapter.parse(signature, reply), 'ADAPTER_PARSE'),
        ) && allMet;
    }
  }
  section('attack: 1 MB LM replies through XMLAdapter.parse (< 50 ms, or AdapterParseError)');
  const xml = new XMLAdapter();
  for (const [name, signatureText, reply] of [...replyAttacks(), ...xmlReplyAttacks()]) {
    if (!selected(`XMLAdapter: ${name}`)) continue;
    const signature = Signature.parse(signatureText);
    allMet =
      report(
        `XMLAdapter: ${name}`,
        runAttack(() => xml.parse(signature, reply), 'ADAPTER_PARSE'),
      ) && allMet;
  }
  section('attack: 1 MB signature strings through Signature.parse (< 50 ms, or SignatureError)');
  for (const [name, text] of signatureAttacks()) {
    if (!selected(name)) continue;
    allMet =
      report(
        name,
        runAttack(() => Signature.parse(text, ''), 'SIGNATURE_INVALID'),
      ) && allMet;
  }
  // Shared machines change speed for seconds at a time: a second calibration shows whether the rows ran in a slow spell.
  record('one charCodeAt pass over 1 MB, again after the rows', formatDuration(calibrate() * 1e6), '~1 ms idle');
  if (FILTER !== undefined) {
    record('attack: every selected input within its target', allMet ? 'yes' : 'no', 'yes', allMet);
    return;
  }
  section('attack: beyond the targets (no target; linear, shown for scale)');
  const manyFields = `${Array.from({ length: 100_000 }, (_, index) => `f${index}`).join(', ')} -> answer`;
  const fields = runAttack(() => Signature.parse(manyFields, ''), 'SIGNATURE_INVALID');
  record(
    `100,000 input fields (${(manyFields.length / MEGABYTE).toFixed(1)} MB) → ${fields.outcome}`,
    `${formatDuration(fields.medianMs * 1e6)} (worst ${formatDuration(fields.worstMs * 1e6)})`,
  );
  record('attack: every input within its target', allMet ? 'yes' : 'no', 'yes', allMet);
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exitCode = 1;
  });
}
