import { IsInt, IsString, Min } from 'class-validator';
import { ChatAdapter, DummyLM, InputField, OutputField, OutputValidationError, Predict, Signature } from 'dspex';

/** A class whose properties carry class-validator decorators can be an output type. */
class Person {
  @IsString() name!: string;
  @IsInt() @Min(0) age!: number;
}

class ExtractPerson extends Signature {
  static instructions = 'Extract the person the text is about.';

  @InputField() text!: string;
  @OutputField() person!: Person;
}

export async function main(): Promise<void> {
  const extract = new Predict(ExtractPerson);
  const lm = new DummyLM([{ person: { name: 'Ada Lovelace', age: 36 } }]);
  const { person } = await extract.forward({ text: 'Ada Lovelace died at 36.' }, { lm });
  console.log(person instanceof Person, person); // true Person { name: 'Ada Lovelace', age: 36 }

  // A value that breaks the constraints is rejected when the reply is parsed.
  try {
    new ChatAdapter().parse(ExtractPerson, '[[ ## person ## ]]\n{"name": "Ada Lovelace", "age": -1}');
  } catch (error) {
    if (!(error instanceof OutputValidationError)) throw error;
    console.log(error.code, error.details.problems); // OUTPUT_INVALID [ { property: 'age', constraints: [ 'age must not be less than 0' ] } ]
  }
}

if (require.main === module) void main();
