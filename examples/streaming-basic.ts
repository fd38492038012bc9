import { ChainOfThought, DummyLM, Prediction, StreamChunk, configure, streamify } from 'dspex';

export async function main(): Promise<void> {
  // DummyLM stands in for a real model; streamChunkSize makes it reply a few characters at a time.
  configure({ lm: new DummyLM([{ reasoning: 'Air scatters short wavelengths most.', answer: 'Blue light scatters more.' }], { streamChunkSize: 8 }) });
  const explain = streamify(new ChainOfThought('question -> answer'));

  let prediction: Prediction | undefined;
  for await (const item of explain({ question: 'Why is the sky blue?' })) {
    if (item instanceof StreamChunk) {
      console.log(`${item.predictor}.${item.field}: ${JSON.stringify(item.chunk)}${item.isLast ? ' (last)' : ''}`);
    } else if (item instanceof Prediction) {
      prediction = item;
    }
  }
  // predict.reasoning: "Ai"        (pieces follow the model's, here 8 characters of the whole reply)
  // predict.reasoning: "r scatte"
  // …
  // predict.reasoning: "" (last)
  // predict.answer: "B"
  // predict.answer: "lue ligh"
  // …
  // predict.answer: "" (last)
  console.log(prediction?.answer); // Blue light scatters more.
}

if (require.main === module) void main();
