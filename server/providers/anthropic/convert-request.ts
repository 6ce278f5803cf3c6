import { type BuildContext, RequestTranslationError } from '../adapter.js';
import { type ChatMessage, type ChatRequest, contentText, type ParsedChatRequest } from '../canonical-request.js';
import { STRUCTURED_OUTPUT_TOOL, structuredOutputTool } from './structured-output.js';

/** Anthropic requires max_tokens; used when the client sets no limit. */
export const DEFAULT_MAX_TOKENS = 4096;
/** Anthropic-native fields a client may add to an OpenAI-shaped request. */
const PASSED_EXTRAS = ['top_k', 'thinking'] as const;

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

function imageBlock(url: string): Block {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new RequestTranslationError('image_url must be an http(s) URL or a base64 data URL for Anthropic models');
}

function userBlocks(content: Extract<ChatMessage, { role: 'user' }>['content']): Block[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content.flatMap((part): Block[] => {
    if (part.type === 'text' && typeof part.text === 'string') return part.text ? [{ type: 'text', text: part.text }] : [];
    if (part.type === 'image_url') return [imageBlock((part as { image_url: { url: string } }).image_url.url)];
    throw new RequestTranslationError(`Content part type "${part.type}" is not supported for Anthropic models`);
  });
}

function toolInput(args: string, name: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    throw new RequestTranslationError(`tool_calls arguments for "${name}" are not valid JSON`);
  }
}

function toBlocks(message: Exclude<ChatMessage, { role: 'system' | 'developer' }>): Block[] {
  switch (message.role) {
    case 'user':
      return userBlocks(message.content);
    case 'assistant': {
      const text = contentText(message.content);
      const calls = (message.tool_calls ?? []).map((call) => ({
        type: 'tool_use',
        id: call.id,
        name: call.function.name,
        input: toolInput(call.function.arguments, call.function.name),
      }));
      return [...(text ? [{ type: 'text', text }] : []), ...calls];
    }
    case 'tool':
      return [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: contentText(message.content) }];
  }
}

/** System prompts hoisted out; consecutive same-role turns merged (tool results travel as user turns). */
function convertMessages(messages: readonly ChatMessage[]): { system: string; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(contentText(message.content));
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = toBlocks(message);
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return { system: system.filter(Boolean).join('\n\n'), messages: out };
}

function toolChoice(request: ChatRequest): Block | undefined {
  const choice = request.tool_choice;
  let out: Block | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice) out = { type: 'tool', name: choice.function.name };
  if (request.parallel_tool_calls === false && request.tools?.length) {
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  return out;
}

/** The Messages API body for an OpenAI-shaped request. */
export function buildMessagesBody(parsed: ParsedChatRequest, context: BuildContext): Record<string, unknown> {
  const { request, extra } = parsed;
  const { system, messages } = convertMessages(request.messages);
  const body: Record<string, unknown> = {
    model: context.upstreamModel,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    stream: context.stream,
  };
  if (system) body.system = system;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop != null) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const choice = toolChoice(request);
  if (choice) body.tool_choice = choice;
  const structured = structuredOutputTool(request);
  if (structured) {
    body.tools = [...((body.tools as Block[] | undefined) ?? []), structured.tool];
    if (structured.forced) body.tool_choice = { type: 'tool', name: STRUCTURED_OUTPUT_TOOL };
  }
  for (const key of PASSED_EXTRAS) if (extra[key] !== undefined) body[key] = extra[key];
  // seed, penalties: the Messages API has no equivalent; they are dropped, not faked.
  return body;
}
