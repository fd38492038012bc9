import type { Example } from '../primitives/example';
import { pythonRepr } from '../util/python-format';
import { optimizerFail } from './optimizer-options';

/** What KNNFewShot needs from its `vectorizer`: `Embedder`'s `embed`. */
export interface Vectorizer {
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}

const OWNER = 'KNNFewShot';

/** DSPy's text for an example: `key: value` pairs joined by ` | ` (strings as they are, other values as Python prints them). */
function textOf(entries: readonly [string, unknown][]): string {
  return entries.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : pythonRepr(value)}`).join(' | ');
}

function unitVector(vector: readonly number[]): number[] {
  const length = Math.hypot(...vector);
  return length === 0 ? vector.map(() => 0) : vector.map((item) => item / length);
}

/**
 * DSPy's `KNN`: embeds the training examples' inputs once, then returns the `k` examples most
 * similar to a call's inputs, most similar first (cosine similarity; ties keep trainset order).
 */
export class KNN {
  readonly #k: number;
  readonly #trainset: readonly Example[];
  readonly #vectorizer: Vectorizer;
  readonly #vectors: number[][];

  private constructor(k: number, trainset: readonly Example[], vectorizer: Vectorizer, vectors: number[][]) {
    this.#k = k;
    this.#trainset = trainset;
    this.#vectorizer = vectorizer;
    this.#vectors = vectors;
  }

  /**
   * Embeds the trainset's inputs.
   * @throws {OptimizerError} OPTIMIZER_INVALID when the vectorizer returns the wrong number of vectors or vectors of different sizes.
   */
  static async create(k: number, trainset: readonly Example[], vectorizer: Vectorizer, signal?: AbortSignal): Promise<KNN> {
    const texts = trainset.map((example) => {
      const inputKeys = new Set(example.inputKeys);
      return textOf(example.items().filter(([key]) => inputKeys.has(key)));
    });
    const vectors = checkVectors(await vectorizer.embed(texts, { signal }), texts.length, undefined, 'the trainset');
    return new KNN(k, trainset, vectorizer, vectors.map(unitVector));
  }

  /**
   * The `k` training examples nearest to `inputs`.
   * @throws {OptimizerError} OPTIMIZER_INVALID when the inputs' vector has another size than the trainset's.
   */
  async nearest(inputs: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<Example[]> {
    const [query] = checkVectors(await this.#vectorizer.embed([textOf(Object.entries(inputs))], { signal }), 1, this.#vectors[0].length, 'the inputs');
    const unit = unitVector(query);
    const scored = this.#vectors.map((vector, index) => ({ index, similarity: vector.reduce((sum, item, position) => sum + item * unit[position], 0) }));
    scored.sort((left, right) => right.similarity - left.similarity || left.index - right.index);
    return scored.slice(0, this.#k).map(({ index }) => this.#trainset[index]);
  }
}

/** Checks the vectors an embed call returned: `count` of them, all of one size (and of `size` when given). */
function checkVectors(vectors: unknown, count: number, size: number | undefined, what: string): number[][] {
  if (
    !Array.isArray(vectors) ||
    vectors.length !== count ||
    !vectors.every((vector) => Array.isArray(vector) && vector.length > 0 && vector.every((item) => typeof item === 'number'))
  ) {
    optimizerFail(
      OWNER,
      `the vectorizer must return one non-empty list of numbers per text (${count} for ${what}).`,
      vectors,
      'Use an Embedder, or an object whose embed(texts) returns number[][].',
      {
        option: 'vectorizer',
      },
    );
  }
  const rows = vectors as number[][];
  const sizes = new Set(rows.map((vector) => vector.length));
  if (size !== undefined) sizes.add(size);
  if (sizes.size > 1) {
    optimizerFail(
      OWNER,
      `the vectorizer returned vectors of different sizes for ${what}.`,
      [...sizes].join(', '),
      'Use one embedding model (and one dimensions setting) for the trainset and every call.',
      {
        option: 'vectorizer',
        sizes: [...sizes],
      },
    );
  }
  return rows;
}
