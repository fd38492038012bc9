import { SignatureError, describeProblem, describeValue, StateValidationError } from '../errors';
import { cleanInstructions } from './clean-instructions';
import { Field, type FieldDefinition, type FieldKind } from './field';
import { parseFieldType, type FieldType } from './field-types';
import type { InferInputs, InferOutputs, SIGNATURE_TYPES } from './infer-signature';
import { fieldsFromSpecs, type FieldSpecInputs, type FieldSpecOutputs, type SignatureFieldSpecs } from './object-form';
import { isIdentifier, parseSignatureText } from './parse-signature';
import { fieldsFromClass } from './signature-class';

/** A signature as dspex accepts it everywhere: text, an instance, or a class-form subclass. */
export type SignatureInput = string | Signature | (abstract new (...args: never[]) => Signature);

/** A signature's saved form, as DSPy's `Signature.dump_state()`. */
export interface SignatureState {
  instructions: string;
  fields: { prefix: string; description: string }[];
}

// The parse cache: programs parse the same few short texts again and again. Bounded in entries
// and in characters held (a text over the per-text limit is parsed every time, never kept).
const PARSE_CACHE_ENTRIES = 1000;
const PARSE_CACHE_TEXT_LIMIT = 4096;
const PARSE_CACHE_CHARACTERS = 256 * 1024;
const parsedTexts = new Map<string, Signature>();
let parsedTextCharacters = 0;
const classSignatures = new WeakMap<Function, Signature>();

/**
 * A class-form signature's `static instructions` (inherited by subclasses). The base class does not
 * declare it, so subclasses need no `override` under `noImplicitOverride`.
 */
function classInstructions(ctor: Function): string | undefined {
  const instructions = (ctor as { instructions?: unknown }).instructions;
  return typeof instructions === 'string' ? instructions : undefined;
}

/**
 * Builds a signature with exactly these instructions (no cleaning, no default): the editing
 * methods and `loadState` decide what the instructions become.
 */
function build(fields: readonly Field[], instructions: string): Signature {
  const built = Object.create(Signature.prototype) as { -readonly [K in keyof Signature]: Signature[K] };
  built.inputFields = Object.freeze(fields.filter((field) => field.kind === 'input'));
  built.outputFields = Object.freeze(fields.filter((field) => field.kind === 'output'));
  built.fields = Object.freeze([...built.inputFields, ...built.outputFields]);
  built.instructions = instructions;
  return built as Signature;
}

/**
 * The instructions of a signature made from `fields` and `given`, as DSPy's `make_signature`:
 * none or empty gives the default text for these fields; anything else is read through
 * `inspect.cleandoc`.
 */
function resolveInstructions(fields: readonly Field[], given: string | undefined): string {
  return given === undefined || given === '' ? defaultInstructions(fields) : cleanInstructions(given);
}

/**
 * A signature derived from another (`insert`, `delete`, `withUpdatedFields`): DSPy builds a new
 * class from the fields and the old instructions, so they are cleaned again, and empty
 * instructions become the default text for the new fields.
 */
function derive(fields: readonly Field[], instructions: string): Signature {
  return build(fields, resolveInstructions(fields, instructions));
}

/** Caches a parsed text, evicting the oldest entries past the entry or character budget. */
function remember(text: string, parsed: Signature): void {
  parsedTexts.set(text, parsed);
  parsedTextCharacters += text.length;
  while (parsedTexts.size > PARSE_CACHE_ENTRIES || parsedTextCharacters > PARSE_CACHE_CHARACTERS) {
    const oldest = parsedTexts.keys().next().value as string;
    parsedTexts.delete(oldest);
    parsedTextCharacters -= oldest.length;
  }
}

/** DSPy's default instructions: ``Given the fields `a`, produce the fields `b`.`` */
function defaultInstructions(fields: readonly Field[]): string {
  const names = (kind: FieldKind) =>
    fields
      .filter((field) => field.kind === kind)
      .map((field) => `\`${field.name}\``)
      .join(', ');
  return `Given the fields ${names('input')}, produce the fields ${names('output')}.`;
}

/**
 * What a predictor does, declared as typed input and output fields plus instructions.
 * Immutable: every editing method returns a new signature.
 * @example
 * const qa = Signature.parse('context: list[str], question -> answer: int');
 * class QA extends Signature {
 *   static instructions = 'Answer with a number.';
 *   @InputField({ desc: 'a math question' }) question!: string;
 *   @OutputField({ type: 'int' }) answer!: number;
 * }
 */
export class Signature<I extends object = object, O extends object = object> {
  /** The field types the compiler knows (`signature(inputs, outputs)`, literal text); never set at run time. */
  declare readonly [SIGNATURE_TYPES]?: { readonly inputs: I; readonly outputs: O };
  readonly instructions: string;
  readonly fields: readonly Field[];
  readonly inputFields: readonly Field[];
  readonly outputFields: readonly Field[];

  /**
   * @param fields the fields, or signature text as DSPy's `Signature("question -> answer")` takes it.
   * @throws {SignatureError} SIGNATURE_INVALID when `fields` is neither, or `instructions` is not a string.
   */
  constructor(fields?: readonly Field[] | string, instructions?: string) {
    if (instructions !== undefined && typeof instructions !== 'string') {
      throw new SignatureError(describeProblem('Instructions must be a string.', describeValue(instructions), 'Pass the instruction text, or leave it out.'));
    }
    let resolvedFields = typeof fields === 'string' ? parseSignatureText(fields) : fields;
    let resolvedInstructions = instructions;
    if (resolvedFields === undefined && new.target !== Signature) {
      resolvedFields = fieldsFromClass(new.target);
      resolvedInstructions ??= classInstructions(new.target);
    }
    if (resolvedFields !== undefined && !(Array.isArray(resolvedFields) && resolvedFields.every((field) => field instanceof Field))) {
      throw new SignatureError(
        describeProblem(
          'new Signature() takes signature text or an array of Field objects.',
          describeValue(fields),
          "Write new Signature('question -> answer') or Signature.parse('question -> answer'); for a class, extend Signature.",
        ),
      );
    }
    const all = resolvedFields ?? [];
    this.inputFields = Object.freeze(all.filter((field) => field.kind === 'input'));
    this.outputFields = Object.freeze(all.filter((field) => field.kind === 'output'));
    this.fields = Object.freeze([...this.inputFields, ...this.outputFields]);
    this.instructions = resolveInstructions(this.fields, resolvedInstructions);
  }

  /**
   * Parses DSPy's signature text.
   * @throws {SignatureError} SIGNATURE_INVALID naming the position of the problem.
   */
  static parse<S extends string>(text: S, instructions?: string): Signature<InferInputs<S>, InferOutputs<S>>;
  static parse(text: string, instructions?: string): Signature {
    if (instructions === undefined && typeof text === 'string') {
      const cached = parsedTexts.get(text);
      if (cached !== undefined) return cached;
    }
    const parsed = new Signature(parseSignatureText(text), instructions);
    if (instructions === undefined && text.length <= PARSE_CACHE_TEXT_LIMIT) remember(text, parsed);
    return parsed;
  }

  /**
   * Resolves anything dspex accepts as a signature (text, instance, class-form subclass) to an instance.
   * @throws {SignatureError} SIGNATURE_INVALID for anything else.
   */
  static from(input: SignatureInput): Signature {
    if (input instanceof Signature) return input;
    if (typeof input === 'string') return Signature.parse(input);
    if (typeof input === 'function' && input.prototype instanceof Signature) {
      let resolved = classSignatures.get(input);
      if (resolved === undefined) {
        resolved = new Signature(fieldsFromClass(input), classInstructions(input));
        classSignatures.set(input, resolved);
      }
      return resolved;
    }
    throw new SignatureError(
      describeProblem('Expected a signature.', describeValue(input), "Pass text like 'question -> answer', a Signature, or a class extending Signature."),
    );
  }

  /** The field with that name, or undefined. */
  field(name: string): Field | undefined {
    return this.fields.find((field) => field.name === name);
  }

  /** A copy with other instructions. */
  withInstructions(instructions: string): Signature {
    if (typeof instructions !== 'string') {
      throw new SignatureError(describeProblem('Instructions must be a string.', describeValue(instructions), 'Pass the instruction text.'));
    }
    return new Signature(this.fields, instructions);
  }

  /** A copy with `name` added at `index` within its section (inputs or outputs); negative indexes count from the end (-1 appends). */
  insert(index: number, name: string, field: FieldDefinition, type?: string | FieldType): Signature {
    if (typeof name !== 'string' || !isIdentifier(name)) {
      throw new SignatureError(
        describeProblem('A field name must be an identifier.', describeValue(name), 'Use letters, digits and _, not starting with a digit.'),
      );
    }
    if (field === null || typeof field !== 'object' || (field.kind !== 'input' && field.kind !== 'output')) {
      throw new SignatureError(describeProblem(`Field "${name}" needs kind 'input' or 'output'.`, describeValue(field), "Pass { kind: 'output', desc: '…' }."));
    }
    if (this.field(name) !== undefined) {
      throw new SignatureError(describeProblem(`Field "${name}" already exists.`, this.toString(), 'Delete it first or pick another name.'));
    }
    const section = field.kind === 'input' ? this.inputFields : this.outputFields;
    const position = index < 0 ? index + section.length + 1 : index;
    if (!Number.isInteger(index) || position < 0 || position > section.length) {
      throw new SignatureError(
        describeProblem(
          `Index ${index} is out of range for the ${field.kind}s.`,
          `${section.length} ${field.kind} field(s)`,
          `Use an index from ${-section.length - 1} to ${section.length}.`,
        ),
      );
    }
    const declaredType = type ?? field.type;
    const resolvedType = typeof declaredType === 'string' ? parseFieldType(declaredType) : declaredType;
    const created = new Field({ name, kind: field.kind, type: resolvedType, desc: field.desc, prefix: field.prefix });
    const updated = [...section.slice(0, position), created, ...section.slice(position)];
    return derive(field.kind === 'input' ? [...updated, ...this.outputFields] : [...this.inputFields, ...updated], this.instructions);
  }

  /** A copy with `name` appended to its section. */
  append(name: string, field: FieldDefinition, type?: string | FieldType): Signature {
    return this.insert(-1, name, field, type);
  }

  /** A copy with `name` first in its section. */
  prepend(name: string, field: FieldDefinition, type?: string | FieldType): Signature {
    return this.insert(0, name, field, type);
  }

  /** A copy without the field `name` (no error when absent, as DSPy). */
  delete(name: string): Signature {
    if (this.field(name) === undefined) {
      // DSPy rebuilds the class even then, reading the instructions through `cleandoc` once more.
      const instructions = resolveInstructions(this.fields, this.instructions);
      return instructions === this.instructions ? this : build(this.fields, instructions);
    }
    return derive(
      this.fields.filter((field) => field.name !== name),
      this.instructions,
    );
  }

  /** A copy with field `name`'s description, prefix or type replaced. */
  withUpdatedFields(name: string, changes: { desc?: string; prefix?: string; type?: string | FieldType }): Signature {
    const current = this.field(name);
    if (current === undefined) {
      throw new SignatureError(describeProblem(`No field named "${name}".`, this.toString(), 'Use one of the signature field names.'));
    }
    const type = typeof changes.type === 'string' ? parseFieldType(changes.type) : changes.type;
    return derive(
      this.fields.map((field) => (field === current ? field.with({ desc: changes.desc, prefix: changes.prefix, type }) : field)),
      this.instructions,
    );
  }

  /** DSPy's equality: same instructions, same field names, same per-field metadata; types and order are not compared. */
  equals(other: Signature): boolean {
    if (!(other instanceof Signature) || other.instructions !== this.instructions || other.fields.length !== this.fields.length) return false;
    return this.fields.every((field) => {
      const twin = other.field(field.name);
      return twin !== undefined && twin.kind === field.kind && twin.desc === field.desc && twin.prefix === field.prefix;
    });
  }

  /** `'question, context -> answer'` — names only, as DSPy's `signature` string. */
  toString(): string {
    return `${this.inputFields.map((field) => field.name).join(', ')} -> ${this.outputFields.map((field) => field.name).join(', ')}`;
  }

  /** DSPy's saved form: instructions plus each field's prefix and description, in field order. */
  dumpState(): SignatureState {
    return { instructions: this.instructions, fields: this.fields.map((field) => ({ prefix: field.prefix, description: field.desc })) };
  }

  /**
   * A copy with instructions and each field's prefix/description taken from saved state, positionally (as DSPy).
   * @throws {StateValidationError} STATE_INVALID when the state has the wrong shape.
   */
  loadState(state: SignatureState): Signature {
    if (state === null || typeof state !== 'object' || typeof state.instructions !== 'string' || !Array.isArray(state.fields)) {
      throw new StateValidationError(
        describeProblem(
          'Signature state must be { instructions: string, fields: [{ prefix, description }] }.',
          describeValue(state),
          'Pass state produced by dumpState() or DSPy.',
        ),
      );
    }
    const fields = this.fields.map((field, index) => {
      const saved = state.fields[index];
      if (saved === undefined) return field;
      if (
        saved === null ||
        typeof saved !== 'object' ||
        (saved.prefix !== undefined && typeof saved.prefix !== 'string') ||
        (saved.description !== undefined && typeof saved.description !== 'string')
      ) {
        throw new StateValidationError(
          describeProblem(`Signature state field ${index} must be { prefix: string, description: string }.`, describeValue(saved), 'Fix the saved file.'),
        );
      }
      return field.with({ prefix: saved.prefix, desc: saved.description });
    });
    // DSPy assigns the saved text to the class docstring and reads it through `cleandoc`: '' stays ''.
    return build(fields, cleanInstructions(state.instructions));
  }
}

/**
 * Shorthand for `Signature.parse(text, instructions)`; or the object form
 * `signature(inputs, outputs, instructions?)`, each side mapping field names to a Standard Schema,
 * a DSPy type string, or `{ schema | type, desc?, prefix? }` — typed for the compiler either way.
 * @example
 * const triage = signature({ message: z.string() }, { category: z.enum(['billing', 'technical']) }, 'Route the message.');
 * @throws {SignatureError} SIGNATURE_INVALID for malformed text or field specs.
 */
export function signature<S extends string>(text: S, instructions?: string): Signature<InferInputs<S>, InferOutputs<S>>;
export function signature<const I extends SignatureFieldSpecs, const O extends SignatureFieldSpecs>(
  inputs: I,
  outputs: O,
  instructions?: string,
): Signature<FieldSpecInputs<I>, FieldSpecOutputs<O>>;
export function signature(textOrInputs: string | SignatureFieldSpecs, outputsOrInstructions?: string | SignatureFieldSpecs, instructions?: string): Signature {
  if (typeof textOrInputs === 'string' || outputsOrInstructions === undefined || typeof outputsOrInstructions === 'string') {
    return Signature.parse(textOrInputs as string, outputsOrInstructions as string | undefined);
  }
  if (instructions !== undefined && typeof instructions !== 'string') {
    throw new SignatureError(
      describeProblem('Instructions must be a string.', describeValue(instructions), 'Pass the instruction text as the third argument.'),
    );
  }
  return new Signature(fieldsFromSpecs(textOrInputs, outputsOrInstructions), instructions);
}
