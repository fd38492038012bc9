import { Max, Min } from 'class-validator';
import { Module, Parameter, Prediction } from 'dspex';

/**
 * A module that a worker thread loads by file name: this file compiles (tsc) to
 * runtime-isolation-module.js, and the supervisor starts the class from that .js file.
 */
export class Scorer extends Module {
  @Parameter({ description: 'hashing rounds per call' }) rounds = 20_000;
  /** Shared: under a supervisor, the value its parameterStore holds under 'scoring.scale'. */
  @Parameter({ shared: 'scoring.scale', description: 'scores run from 0 to scale - 1' }) @Min(2) @Max(1_000) scale = 100;

  constructor(private readonly salt = 'dspex') {
    super();
  }

  async forward(inputs: { text: string }): Promise<Prediction> {
    // CPU-bound work: in the supervisor's own thread it would stall every other call meanwhile.
    let hash = 0;
    for (let round = 0; round < this.rounds; round += 1) {
      for (const character of inputs.text + this.salt) hash = (hash * 31 + character.charCodeAt(0)) | 0;
    }
    return new Prediction({ score: Math.abs(hash) % this.scale, salt: this.salt });
  }
}

/** The same class runs in this thread too, unsupervised or under `isolation: 'none'`. */
export async function main(): Promise<void> {
  console.log((await new Scorer().forward({ text: 'hello' })).score);
}

if (require.main === module) void main();
