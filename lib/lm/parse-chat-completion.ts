import { LMResponseError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import type { LMOutput } from './base-lm';
import { scrubText } from './scrub-secrets';
import { costFromResponse, usageFromResponse } from './usage';

interface ChoiceText {
  index: number;
  text: string;
}

/**
 * The completions of an OpenAI chat-completions reply, in choice order, with usage and cost.
 * A `null` content (a refusal or tool-only reply) reads as `''`; DSPy likewise keeps such choices.
 * @throws {LMResponseError} LM_RESPONSE_INVALID when the body breaks the API's shape or has no choices.
 */
export function parseChatCompletion(body: unknown, url: string, logger: Logger, secrets: readonly string[] = []): LMOutput {
  const invalid = (problem: string): LMResponseError => invalidReply(url, problem, body, secrets);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('is not a JSON object');
  const reply = body as Record<string, unknown>;
  if (!Array.isArray(reply.choices)) throw invalid('has no "choices" list');
  if (reply.choices.length === 0) throw invalid('has an empty "choices" list');
  const choices: ChoiceText[] = reply.choices.map((choice: unknown, position: number) => readChoice(choice, position, invalid));
  choices.sort((left, right) => left.index - right.index);
  const truncated = reply.choices.filter((choice: { finish_reason?: unknown }) => choice?.finish_reason === 'length').length;
  if (truncated > 0) {
    // DSPy warns too (`dspy/clients/base_lm.py`): a cut reply usually fails to parse downstream.
    logger.warn({ url, truncated }, 'lm reply cut at maxTokens; raise maxTokens if fields are missing');
  }
  return {
    outputs: choices.map((choice) => choice.text),
    usage: usageFromResponse(reply.usage),
    cost: costFromResponse(reply.usage),
    responseModel: typeof reply.model === 'string' ? reply.model : undefined,
    response: body,
  };
}

function readChoice(choice: unknown, position: number, invalid: (problem: string) => LMResponseError): ChoiceText {
  if (typeof choice !== 'object' || choice === null) throw invalid(`has a choice that is not an object (choices[${position}])`);
  const { message, index } = choice as { message?: unknown; index?: unknown };
  if (typeof message !== 'object' || message === null) throw invalid(`has a choice without a "message" (choices[${position}])`);
  const content = (message as { content?: unknown }).content;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw invalid(`has a message whose "content" is not text (choices[${position}])`);
  }
  return { index: typeof index === 'number' ? index : position, text: content ?? '' };
}

function invalidReply(url: string, problem: string, body: unknown, secrets: readonly string[]): LMResponseError {
  // Scrub the whole text before cutting it, so no part of a secret can show.
  let received = scrubText(describeValue(body, 100_000), secrets);
  if (received.length > 200) received = `${received.slice(0, 200)}…`;
  return new LMResponseError(
    describeProblem(
      `The chat-completions reply from ${url} ${problem}.`,
      received,
      'Check that baseURL points at an OpenAI-compatible chat API and that the model name is right.',
    ),
    { details: { url } },
  );
}
