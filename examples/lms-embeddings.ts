import { Embedder } from 'dspex';

/** A toy embedding: letter counts. A real one would call a model (see below). */
function letterCounts(texts: string[]): number[][] {
  return texts.map((text) => {
    const counts = new Array<number>(26).fill(0);
    for (const char of text.toLowerCase()) {
      const index = char.charCodeAt(0) - 97;
      if (index >= 0 && index < 26) counts[index] += 1;
    }
    return counts;
  });
}

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  left.forEach((value, index) => {
    dot += value * right[index];
    leftNorm += value * value;
    rightNorm += right[index] * right[index];
  });
  return dot / Math.sqrt(leftNorm * rightNorm);
}

export async function main(): Promise<void> {
  // A local function (sync or async) taking a batch of texts; or a hosted model:
  // new Embedder('openai/text-embedding-3-small'), which posts to {baseURL}/embeddings.
  const embedder = new Embedder(letterCounts, { batchSize: 2 });
  const passages = ['The cat sat on the mat.', 'Stock prices fell sharply.', 'A kitten naps on a rug.'];
  const [query] = await embedder.embed(['Where did the cat sit?']);
  const vectors = await embedder.embed(passages); // one vector per text, in order

  const ranked = passages.map((passage, index) => ({ passage, score: cosine(query, vectors[index]) })).sort((a, b) => b.score - a.score);
  console.log(ranked[0].passage); // The cat sat on the mat.
}

if (require.main === module) void main();
