import { previewOf } from './value-preview';

/**
 * Builds the three-part message every dspex error carries: what was wrong, what was received,
 * and how to fix it.
 */
export function describeProblem(problem: string, received: string | undefined, fix: string): string {
  const receivedPart = received === undefined ? '' : ` Received: ${received}.`;
  return `${problem}${receivedPart} ${fix}`;
}

/** A short, safe rendering of a received value for an error message. */
export function describeValue(value: unknown, maxLength = 80): string {
  let text: string;
  // Only the start is shown: quoting a whole 1 MB reply to keep 80 characters would cost a copy of it.
  if (typeof value === 'string') text = JSON.stringify(value.length > maxLength ? value.slice(0, maxLength + 1) : value);
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'function') text = `function ${value.name || '(anonymous)'}`;
  else if (typeof value === 'symbol') text = value.toString();
  else if (typeof value === 'bigint') text = `${value}n`;
  // JSON.stringify would print NaN and ±Infinity as null.
  else if (typeof value === 'number') text = String(value);
  else {
    try {
      // A cut copy of JSON data writes the same first characters as the whole value would.
      text = JSON.stringify(previewOf(value, maxLength)) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (text.length > maxLength) text = `${text.slice(0, maxLength)}…`;
  return `${text} (${kind})`;
}
