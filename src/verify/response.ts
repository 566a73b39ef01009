// The part of a model response that holds its answer: reasoning inside <think>...</think> is dropped, and
// so is whatever follows a chat-template end marker (a model that runs on writes the next turn itself).

/** Markers after which a response has ended: ChatML, Llama 3, GPT-2 style, DeepSeek. */
const END_MARKERS = ['<|im_end|>', '<|im_start|>', '<|endoftext|>', '<|eot_id|>', '<|end_of_text|>', '<｜end▁of▁sentence｜>'];

/**
 * How much of the end of a response is searched for its answer. A final answer comes last, and keeping the
 * search to the tail bounds the time of every check (a 1 MB response takes no longer than a 20 kB one).
 */
export const ANSWER_TAIL_CHARS = 20_000;

/** The last ANSWER_TAIL_CHARS characters of a text (not splitting a surrogate pair). */
export function tail(text: string): string {
  if (text.length <= ANSWER_TAIL_CHARS) return text;
  let start = text.length - ANSWER_TAIL_CHARS;
  if (/[\uDC00-\uDFFF]/.test(text[start])) start++;
  return text.slice(start);
}

/**
 * The part of a response every extraction rule reads: the tail (ANSWER_TAIL_CHARS) of the text after the last
 * `</think>`, cut at the first end marker. When the text after `</think>` is blank, the reasoning is read if
 * `readReasoning` (the lenient mode), else there is no answer part. A `<think>` never closed means the response
 * was cut off while thinking: only the text before it counts (usually nothing).
 */
export function answerPart(response: string, readReasoning = true): string {
  let text = response;
  for (const marker of END_MARKERS) {
    const at = text.indexOf(marker);
    if (at >= 0) text = text.slice(0, at);
  }
  const close = text.lastIndexOf('</think>');
  if (close >= 0) {
    const after = text.slice(close + '</think>'.length);
    if (/\S/.test(after)) return tail(after);
    if (!readReasoning) return '';
    text = text.slice(0, close);
  } else {
    // a <think> never closed: the response was cut off while thinking, and has no answer yet
    const open = text.indexOf('<think>');
    if (open >= 0) return tail(text.slice(0, open));
  }
  return tail(text).replace(/<\/?think>/g, ' ');
}
