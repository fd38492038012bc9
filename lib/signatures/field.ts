import type { StandardSchemaV1 } from '@standard-schema/spec';
import { annotationName, STR_TYPE, type FieldType } from './field-types';
import { inferPrefix } from './infer-prefix';

/** Where a field sits in a signature. */
export type FieldKind = 'input' | 'output';

/** What `append`/`prepend`/`insert` take to describe a new field. */
export interface FieldDefinition {
  readonly kind: FieldKind;
  readonly desc?: string;
  readonly prefix?: string;
  readonly type?: string | FieldType;
}

/**
 * One field of a signature: its name, kind, type, description and (legacy) prefix. Immutable;
 * `desc` defaults to DSPy's placeholder `${name}` and `prefix` to the inferred `Name:`.
 */
export class Field {
  readonly name: string;
  readonly kind: FieldKind;
  readonly type: FieldType;
  readonly desc: string;
  readonly prefix: string;
  /** True when the text gave no type (DSPy's "type undefined"): the type is `str`. */
  readonly isTypeUndefined: boolean;
  /** Constraints DSPy prints under the field's description, e.g. `greater than: 5`. */
  readonly constraints: string | undefined;
  /** The type's name as prompts print it (`int`, `Union[int, NoneType]`). */
  readonly annotation: string;
  /** The Standard Schema that typed the field (`type` is derived from it); LM outputs are validated with it. */
  readonly schema: StandardSchemaV1 | undefined;

  constructor(init: {
    name: string;
    kind: FieldKind;
    type?: FieldType;
    desc?: string;
    prefix?: string;
    isTypeUndefined?: boolean;
    constraints?: string;
    schema?: StandardSchemaV1;
  }) {
    this.name = init.name;
    this.kind = init.kind;
    this.type = init.type ?? STR_TYPE;
    this.desc = init.desc ?? `\${${init.name}}`;
    this.prefix = init.prefix ?? `${inferPrefix(init.name)}:`;
    this.isTypeUndefined = init.isTypeUndefined ?? init.type === undefined;
    this.constraints = init.constraints;
    this.annotation = annotationName(this.type);
    this.schema = init.schema;
    Object.freeze(this);
  }

  /** True when `desc` is DSPy's default placeholder, which prompts print as empty. */
  get hasDefaultDesc(): boolean {
    return this.desc === `\${${this.name}}`;
  }

  /** A copy with some properties replaced. */
  with(changes: Partial<Pick<Field, 'desc' | 'prefix' | 'type' | 'kind' | 'constraints'>>): Field {
    return new Field({
      name: this.name,
      kind: changes.kind ?? this.kind,
      type: changes.type ?? this.type,
      desc: changes.desc ?? this.desc,
      prefix: changes.prefix ?? this.prefix,
      isTypeUndefined: changes.type === undefined ? this.isTypeUndefined : false,
      constraints: 'constraints' in changes ? changes.constraints : this.constraints,
      // A new type replaces what the schema said.
      schema: changes.type === undefined ? this.schema : undefined,
    });
  }
}
