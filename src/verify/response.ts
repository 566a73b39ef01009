// The part of a model response that holds its answer: reasoning inside <think>...</think> is dropped, and
// so is whatever follows a chat-template end marker (a model that runs on writes the next turn itself).

/** Markers after which a response has ended: ChatML, Llama 3, GPT-2 style, DeepSeek. */
const END_MARKERS = ['<|im_end|>', '<|im_start|>', '<|endoftext|>', '<|eot_id|>', '<|end_of_text|>', '<｜end▁of▁sentence｜>'];

/**
 * The response without its reasoning: the text after the last `</think>` (when that text is blank, the
 * reasoning itself, so a response cut short after thinking still has its last statement), cut at the first
 * end marker. A `<think>` that is never closed is dropped as a tag only.
 */
export function answerPart(response: string): string {
  let text = response;
  for (const marker of END_MARKERS) {
    const at = text.indexOf(marker);
    if (at >= 0) text = text.slice(0, at);
  }
  const close = text.lastIndexOf('</think>');
  if (close >= 0) {
    const after = text.slice(close + '</think>'.length);
    if (after.trim() !== '') return after;
    text = text.slice(0, close);
  }
  return text.replace(/<\/?think>/g, ' ');
}
