import type { ProviderEvent } from '../../../providers/events.js';
import type { RenderContext } from '../front-door.js';
import { createMessagesEventWriter } from './messages-stream.js';

type Block = Record<string, unknown>;

function parseInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    // An upstream that streamed broken arguments: the client still sees what it sent.
    return { _raw: json };
  }
}

/**
 * A non-streaming Messages answer (`{"type":"message","content":[…],"usage":…}`): the stream
 * events of the same canonical events, folded the way Anthropic's SDK folds them. Error events
 * are not rendered here; the caller answers errors itself.
 */
export function renderMessage(events: readonly ProviderEvent[], context: RenderContext): Record<string, unknown> {
  const writer = createMessagesEventWriter(context);
  const stream = [...events.filter((event) => event.type !== 'error').flatMap((event) => writer.push(event)), ...writer.end()];
  let message: Record<string, unknown> = {};
  const content: Block[] = [];
  const inputJson: string[] = [];
  for (const { event, data } of stream) {
    const index = data.index as number;
    const block = content[index];
    if (event === 'message_start') message = { ...(data.message as Block) };
    else if (event === 'content_block_start') {
      content[index] = { ...(data.content_block as Block) };
      inputJson[index] = '';
    } else if (event === 'content_block_delta' && block) {
      const delta = data.delta as Record<string, string>;
      if (delta.type === 'text_delta') block.text = `${block.text ?? ''}${delta.text}`;
      else if (delta.type === 'thinking_delta') block.thinking = `${block.thinking ?? ''}${delta.thinking}`;
      else if (delta.type === 'signature_delta') block.signature = delta.signature;
      else if (delta.type === 'input_json_delta') inputJson[index] = `${inputJson[index] ?? ''}${delta.partial_json}`;
    } else if (event === 'content_block_stop' && block?.type === 'tool_use') block.input = parseInput(inputJson[index] ?? '');
    else if (event === 'message_delta') {
      const delta = data.delta as Block;
      message = { ...message, stop_reason: delta.stop_reason, stop_sequence: delta.stop_sequence, usage: data.usage };
    }
  }
  return { ...message, content };
}
