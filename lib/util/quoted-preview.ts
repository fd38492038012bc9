const PREVIEW_LENGTH = 300;

/** Signature text quoted for an error message, cut after 300 characters (a hostile 1 MB signature is not copied into the message). */
export function quotedPreview(text: string): string {
  return text.length <= PREVIEW_LENGTH ? `"${text}"` : `"${text.slice(0, PREVIEW_LENGTH)}…" (${text.length} characters)`;
}
