import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Module, Parameter, ParameterValidationError, Prediction } from 'dspex';

/** Scalar settings of a program, declared as parameters: validated, tracked, saved, tunable. */
class Search extends Module {
  @Parameter({ description: 'how many passages to return' }) @IsInt() @Min(1) @Max(20) k = 3;
  @Parameter({ description: 'ranking method' }) @IsIn(['bm25', 'dense']) ranking = 'bm25';
  @Parameter({ description: 'passages seen during a session', requiresGrad: false }) seen: string[] = [];

  async forward(inputs: { query: string }): Promise<Prediction> {
    return new Prediction({ passages: [`top ${this.k} results for "${inputs.query}" by ${this.ranking}`] });
  }
}

export async function main(): Promise<void> {
  const search = new Search();
  search.k = 5; // plain assignment is validated
  search.setParameter('ranking', 'dense'); // so is assignment by path

  try {
    search.k = 50;
  } catch (error) {
    if (!(error instanceof ParameterValidationError)) throw error;
    console.log(error.code, error.details.problems); // PARAMETER_INVALID [ 'k must not be greater than 20' ]
  }
  console.log(search.k); // 5: an invalid value never replaces the old one

  const k = search.parameter('k');
  console.log(k.type, k.bounds, k.requiresGrad); // number { max: 20, min: 1, isInt: true } true
  console.log(k.history.map((update) => update.value)); // [ 3, 5 ]

  console.log(search.dumpState()); // { parameters: { k: 5, ranking: 'dense', seen: [] } }
}

if (require.main === module) void main();
