import { ChainOfThought, DummyLM, Refine, configure, type ChatMessage, type Prediction } from 'dspex';

/** Refine: like BestOfN, but a failed attempt is reviewed and the next one receives advice as `hint_`. */
export async function main(): Promise<void> {
  const attempts = [
    { reasoning: 'Brussels is the capital of Belgium.', answer: 'The capital of Belgium is Brussels' },
    { reasoning: 'One word was asked for.', answer: 'Brussels' },
  ];
  const prompts: ChatMessage[][] = [];
  // Scripted replies: the review (OfferFeedback) gets advice keyed by predictor name, the program its attempts.
  const lm = new DummyLM((messages) => {
    if (messages[0].content.includes('assign blame'))
      return { discussion: 'The answer was a sentence.', advice: { predict: 'Answer with the city name only.' } };
    prompts.push([...messages]);
    return attempts[prompts.length - 1];
  });
  configure({ lm });

  const oneWord = (_inputs: Readonly<Record<string, unknown>>, prediction: Prediction): number => (String(prediction.answer).split(' ').length === 1 ? 1 : 0);
  const refined = new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 });
  const prediction = await refined.forward({ question: 'What is the capital of Belgium?' });

  console.log(prediction.answer); // Brussels
  const secondRequest = prompts[1][1].content;
  console.log(secondRequest.slice(secondRequest.indexOf('[[ ## hint_ ## ]]')).split('\n\n')[0]); // [[ ## hint_ ## ]]\nAnswer with the city name only.
}

if (require.main === module) void main();
