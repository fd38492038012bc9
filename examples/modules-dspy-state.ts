import { Module, Predict, Prediction } from 'dspex';

/** A file written by DSPy's `program.save('qa.json')`, after an optimizer gave the predictor `answer` a demo and new instructions. */
const SAVED_BY_DSPY = `{
  "answer": {
    "traces": [],
    "train": [],
    "demos": [{ "context": "Paris is in France.", "question": "Where is Paris?", "answer": "France" }],
    "signature": {
      "instructions": "Answer with the name of a country only.",
      "fields": [
        { "prefix": "Context:", "description": "\${context}" },
        { "prefix": "Question:", "description": "\${question}" },
        { "prefix": "Answer:", "description": "\${answer}" }
      ]
    },
    "lm": null
  },
  "metadata": { "dependency_versions": { "python": "3.11", "dspy": "3.3.1", "cloudpickle": "2.1" } }
}`;

/** The dspex twin of the DSPy program: same attribute name, same signature. */
class QA extends Module {
  answer = new Predict('context, question -> answer');

  async forward(inputs: { context: string; question: string }): Promise<Prediction> {
    return this.answer.forward(inputs);
  }
}

export async function main(): Promise<void> {
  const program = new QA().loadState(JSON.parse(SAVED_BY_DSPY));
  console.log(program.answer.demos); // [ { context: 'Paris is in France.', question: 'Where is Paris?', answer: 'France' } ]
  console.log(program.answer.signature.instructions); // Answer with the name of a country only.
}

if (require.main === module) void main();
