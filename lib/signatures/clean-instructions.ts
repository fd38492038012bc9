/**
 * Python's `inspect.cleandoc`, which DSPy applies to instructions: tabs expanded, the common
 * indentation of all lines but the first removed, leading and trailing blank lines dropped.
 */
export function cleanInstructions(text: string): string {
  const lines = text.replace(/\t/g, '        ').split(/\r?\n/);
  let margin = Infinity;
  for (const line of lines.slice(1)) {
    const content = line.trimStart();
    if (content.length > 0) margin = Math.min(margin, line.length - content.length);
  }
  const cleaned = [lines[0].trimStart(), ...lines.slice(1).map((line) => (margin === Infinity ? line : line.slice(margin)))];
  while (cleaned.length > 0 && cleaned[0].trim() === '') cleaned.shift();
  while (cleaned.length > 0 && cleaned[cleaned.length - 1].trim() === '') cleaned.pop();
  return cleaned.join('\n');
}
