/**
 * A Responses request → the canonical (Chat Completions–shaped) request. Input items become
 * messages (function calls join the assistant turn before them, outputs become tool messages,
 * reasoning items are dropped: their encrypted content means nothing to another upstream);
 * function, namespaced and custom tools become function tools; built-in tools only OpenAI runs
 * (`web_search`, `file_search`, …) are left out and named.
 */
import type { ChatMessage, ChatRequest } from '../../../providers/canonical-request.js';
import { parseChatRequest } from '../../../providers/canonical-request.js';
import { heldSearches } from '../../billing/estimate.js';
import type { ParseResult } from '../front-door.js';
import {
  type ContentPart,
  type InputItem,
  type ResponsesRequest,
  type ResponsesTool,
  responsesRequestSchema,
} from './responses-request.schema.js';
import { CUSTOM_TOOL_PARAMETERS, canonicalToolName } from './responses-tool-names.js';

type Message = ChatMessage;
type AssistantMessage = Extract<Message, { role: 'assistant' }>;
type ToolCall = NonNullable<AssistantMessage['tool_calls']>[number];
type UserPart = Exclude<Extract<Message, { role: 'user' }>['content'], string>[number];

/** Thrown while translating; becomes `translationError` (a 400 unless the request passes through). */
class Untranslatable extends Error {}

function formatIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
      return path ? `${path.replace(/^\./, '')}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function partText(part: ContentPart): string {
  if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string') return part.text;
  if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
  throw new Untranslatable(`content part type "${part.type}" can only be sent to OpenAI`);
}

function textOf(content: string | readonly ContentPart[]): string {
  return typeof content === 'string' ? content : content.map(partText).join('');
}

function userPart(part: ContentPart): UserPart {
  if (part.type === 'input_image') {
    if (typeof part.image_url !== 'string' || part.image_url === '') {
      throw new Untranslatable('input_image by file_id can only be sent to OpenAI; send image_url (a URL or data URL)');
    }
    const detail = part.detail === 'low' || part.detail === 'high' ? { detail: part.detail } : {};
    return { type: 'image_url', image_url: { url: part.image_url, ...detail } };
  }
  return { type: 'text', text: partText(part) };
}

/** A tool result's text: text parts joined (images in outputs have no canonical form). */
function outputText(output: string | readonly ContentPart[]): string {
  return typeof output === 'string' ? output : output.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
}

function toMessages(input: ResponsesRequest['input'], instructions: string | null | undefined): Message[] {
  const messages: Message[] = instructions ? [{ role: 'system', content: instructions }] : [];
  if (typeof input === 'string') return [...messages, { role: 'user', content: input }];
  // Consecutive calls belong to one assistant turn, with the assistant text before them.
  let turn: AssistantMessage | null = null;
  const addCall = (call: ToolCall) => {
    if (!turn) {
      turn = { role: 'assistant', content: null, tool_calls: [] };
      messages.push(turn);
    }
    turn.tool_calls = [...(turn.tool_calls ?? []), call];
  };
  for (const item of (input ?? []) as InputItem[]) {
    const type = item.type ?? 'message';
    if (type === 'reasoning') continue;
    if (type === 'function_call' || type === 'custom_tool_call') {
      const call = item as { call_id: string; name: string; namespace?: string | null; arguments?: string; input?: string };
      const args = type === 'custom_tool_call' ? JSON.stringify({ input: call.input ?? '' }) : (call.arguments ?? '');
      addCall({ id: call.call_id, type: 'function', function: { name: canonicalToolName(call.name, call.namespace), arguments: args } });
      continue;
    }
    turn = null;
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const result = item as { call_id: string; output: string | ContentPart[] };
      messages.push({ role: 'tool', tool_call_id: result.call_id, content: outputText(result.output) });
      continue;
    }
    if (type !== 'message') throw new Untranslatable(`input item type "${type}" can only be sent to OpenAI`);
    const message = item as { role: Message['role']; content: string | ContentPart[] };
    if (message.role === 'assistant') {
      turn = { role: 'assistant', content: textOf(message.content) };
      messages.push(turn);
    } else if (message.role === 'user') {
      messages.push({ role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map(userPart) });
    } else {
      messages.push({ role: message.role as 'system' | 'developer', content: textOf(message.content) });
    }
  }
  return messages;
}

type ChatTool = NonNullable<ChatRequest['tools']>[number];

function functionTool(tool: Record<string, unknown>, namespace?: string): ChatTool {
  const name = canonicalToolName(String(tool.name), namespace);
  const description = typeof tool.description === 'string' ? { description: tool.description } : {};
  if (tool.type === 'custom') return { type: 'function', function: { name, ...description, parameters: { ...CUSTOM_TOOL_PARAMETERS } } };
  const parameters =
    typeof tool.parameters === 'object' && tool.parameters !== null ? { parameters: tool.parameters as Record<string, unknown> } : {};
  const strict = typeof tool.strict === 'boolean' ? { strict: tool.strict } : {};
  return { type: 'function', function: { name, ...description, ...parameters, ...strict } };
}

function toTools(tools: readonly ResponsesTool[]): { tools: ChatTool[]; dropped: string[] } {
  const out: ChatTool[] = [];
  const dropped: string[] = [];
  for (const tool of tools as readonly Record<string, unknown>[]) {
    if (tool.type === 'function' || tool.type === 'custom') out.push(functionTool(tool));
    else if (tool.type === 'namespace' && Array.isArray(tool.tools)) {
      for (const inner of tool.tools as Record<string, unknown>[]) {
        if (inner.type === 'function' || inner.type === 'custom') out.push(functionTool(inner, String(tool.name)));
        else dropped.push(`${String(tool.name)}.${String(inner.type)}`);
      }
    } else dropped.push(String(tool.type));
  }
  return { tools: out, dropped: [...new Set(dropped)] };
}

function toToolChoice(choice: ResponsesRequest['tool_choice']): ChatRequest['tool_choice'] {
  if (choice == null) return undefined;
  if (typeof choice === 'string') return choice;
  if ((choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    const namespace = typeof choice.namespace === 'string' ? choice.namespace : undefined;
    return { type: 'function', function: { name: canonicalToolName(choice.name, namespace) } };
  }
  if (choice.type === 'allowed_tools') return choice.mode === 'required' ? 'required' : 'auto';
  throw new Untranslatable(
    `tool_choice requires the built-in tool "${choice.type}", which only OpenAI runs; use an openai/… model or another tool_choice`,
  );
}

function toResponseFormat(format: NonNullable<ResponsesRequest['text']>['format']): ChatRequest['response_format'] {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const schema = format as { name: string; schema: Record<string, unknown>; description?: string | null; strict?: boolean | null };
  const description = schema.description ? { description: schema.description } : {};
  return { type: 'json_schema', json_schema: { name: schema.name, schema: schema.schema, strict: schema.strict ?? null, ...description } };
}

/** Refusals that hold wherever the request goes: this gateway keeps no responses or conversations. */
function unsupported(request: ResponsesRequest): string | null {
  if (request.previous_response_id) {
    return 'previous_response_id is not supported: this gateway does not store responses; send the whole conversation in input (with store: false)';
  }
  if (request.conversation != null)
    return 'conversation is not supported: this gateway does not store conversations; send the whole conversation in input';
  if (request.background) return 'background is not supported: this gateway does not store responses to poll later';
  if (request.input === undefined) return 'input: Required';
  return null;
}

/**
 * The canonical request of a body that only passes through to OpenAI as sent (every translated
 * candidate answers 400 with the translation error), holding what the gateway itself reads from
 * it: streaming (the relay reads an SSE answer, not JSON), the output cap and the end user, and
 * the input whole — instructions, input items, tools — as one opaque part, so that the credit
 * hold and any estimate see the input's real size, not an empty message's.
 */
function passThroughOnly(request: ResponsesRequest, raw: Record<string, unknown>): Record<string, unknown> {
  const input = { type: 'responses_input', instructions: raw.instructions, input: raw.input, tools: raw.tools };
  return {
    model: request.model,
    messages: [{ role: 'user', content: [input] }],
    ...(request.max_output_tokens != null ? { max_completion_tokens: request.max_output_tokens } : {}),
    ...(request.stream ? { stream: true } : {}),
    ...(request.user ? { user: request.user } : {}),
  };
}

/** Validate a Responses body and translate it into the canonical request. */
export function parseResponsesRequest(body: unknown): ParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, message: 'The request body must be a JSON object.' };
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: `Invalid request: ${formatIssues(parsed.error)}` };
  const request = parsed.data;
  const refusal = unsupported(request);
  if (refusal) return { ok: false, message: refusal };
  const raw = body as Record<string, unknown>;
  const { tools, dropped } = toTools(request.tools ?? []);
  // max_tool_calls bounds every built-in tool call, web searches included.
  const searches = (request.tools ?? []).some((tool) => tool.type.startsWith('web_search')) ? heldSearches(raw.max_tool_calls) : 0;
  const searchLimit = searches > 0 ? { webSearchLimit: searches } : {};
  let translationError: string;
  try {
    const format = toResponseFormat(request.text?.format);
    const choice = tools.length > 0 || typeof request.tool_choice !== 'string' ? toToolChoice(request.tool_choice) : undefined;
    const chat = parseChatRequest({
      model: request.model,
      messages: toMessages(request.input, request.instructions),
      ...(tools.length > 0 ? { tools } : {}),
      ...(choice !== undefined ? { tool_choice: choice } : {}),
      ...(tools.length > 0 && request.parallel_tool_calls != null ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
      ...(request.temperature != null ? { temperature: request.temperature } : {}),
      ...(request.top_p != null ? { top_p: request.top_p } : {}),
      ...(request.max_output_tokens != null ? { max_completion_tokens: request.max_output_tokens } : {}),
      ...(format ? { response_format: format } : {}),
      ...(request.stream ? { stream: true } : {}),
      ...(request.user ? { user: request.user } : {}),
    });
    if (chat.ok) return { ok: true, value: chat.value, raw, droppedTools: dropped, ...searchLimit };
    // What only a translation trips over (an empty input, say) still passes through to OpenAI.
    translationError = chat.message;
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    translationError = error.message;
  }
  const fallback = parseChatRequest(passThroughOnly(request, raw));
  if (!fallback.ok) return { ok: false, message: fallback.message };
  return { ok: true, value: fallback.value, raw, droppedTools: dropped, translationError, ...searchLimit };
}
