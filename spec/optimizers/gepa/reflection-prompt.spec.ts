import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractInstruction, renderReflectionPrompt } from '../../../lib/optimizers/gepa/reflection-prompt';

describe('renderReflectionPrompt', () => {
  it("matches gepa's InstructionProposalSignature prompt byte for byte", () => {
    // The fixture is the output of gepa's own prompt_renderer (src/gepa/strategies/instruction_proposal.py) on these records.
    const golden = readFileSync(path.join(__dirname, '../../fixtures/gepa/reflection-prompt.txt'), 'utf8');
    const records = [
      {
        Inputs: { question: 'item 3 (dates)' },
        'Generated Outputs': { answer: 'wrong-3' },
        Feedback: 'Wrong. For dates questions: Write dates as YYYY-MM-DD.',
      },
      { Inputs: { question: '  What costs $5?  ', context: 'line one\nline two' }, 'Generated Outputs': { answer: '5' }, Feedback: 'Correct.' },
    ];
    expect(renderReflectionPrompt('Given the fields `question`, produce the fields `answer`.', records)).toBe(golden);
  });
});

describe('extractInstruction', () => {
  it.each([
    ['Sure:\n```text\nNew rule.\n```\nDone', 'New rule.'],
    ['```\nOnly open', 'Only open'],
    ['plain answer  ', 'plain answer'],
    ['a\n```\nb\n```\nc\n```\nd\n```', 'b\n```\nc\n```\nd'],
  ])('reads %p as gepa does', (reply, expected) => {
    // Expected values printed by gepa's InstructionProposalSignature.output_extractor.
    expect(extractInstruction(reply)).toBe(expected);
  });
});
