import { Predictor } from '../../lib/decorators';
// A value import: loading lib/predict registers the factory that creates each @Predictor's Predict.
import { Predict } from '../../lib/predict/predict';
import { Module } from '../../lib/primitives/module';
import type { Prediction } from '../../lib/primitives/prediction';

/** A one-predictor program: question → answer. */
export class QA extends Module {
  @Predictor('question -> answer') generate!: Predict;

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

/** A two-predictor program: drafts an answer, then polishes it (the second step sees the draft). */
export class DraftAndPolish extends Module {
  draft = new Predict('question -> answer');
  polish = new Predict('question, draft -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    const draft = await this.draft.forward(inputs);
    return this.polish.forward({ question: inputs.question, draft: String(draft.answer) });
  }
}

/** Exact match on `answer`, the metric every optimizer spec uses. */
export function exactAnswer(example: { get(key: string): unknown }, prediction: { get(key: string): unknown }): boolean {
  return example.get('answer') === prediction.get('answer');
}
