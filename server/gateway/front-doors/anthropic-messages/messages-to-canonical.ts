/**
 * A Messages API request → the canonical (OpenAI Chat Completions) request, for upstreams that
 * do not speak Messages. What has no canonical form is left out and named in `dropped` (logged),
 * never guessed at: thinking blocks and signatures, server tools, documents, cache_control, top_k.
 */
import { type ChatMessage, type ParsedChatRequest, parseChatRequest } from '../../../providers/canonical-request.js';
import { type ContentBlockParam, type MessageParam, type MessagesRequest, messagesRequestSchema } from './messages-request.schema.js';

/** OpenAI's `stop` takes at most this many sequences. */
const MAX_STOP_SEQUENCES = 4;

/** Top-level fields this translation reads (or deliberately leaves out with a note). */
const READ_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'thinking',
  'metadata',
  'output_config',
  'cache_control',
]);

export type MessagesParseResult =
  | { ok: true; request: MessagesRequest; canonical: ParsedChatRequest; dropped: string[] }
  | { ok: false; message: string };

type Part = Record<string, unknown>;

function formatIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function imagePart(block: Extract<ContentBlockParam, { type: 'image' }>, dropped: Set<string>): Part | null {
  const source = block.source as { type: string; media_type?: string; data?: string; url?: string };
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  dropped.add(`image blocks with a "${source.type}" source`);
  return null;
}

function blockText(content: unknown, dropped: Set<string>): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: string; text?: unknown }) => {
      if (block.type === 'text' && typeof block.text === 'string') return block.text;
      dropped.add(`${block.type ?? 'unknown'} blocks inside tool results and system turns`);
      return '';
    })
    .join('');
}

/** One user turn: tool results become `tool` messages (which must follow the assistant's calls), the rest one user message. */
function userMessages(message: MessageParam, dropped: Set<string>): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const results: ChatMessage[] = [];
  const parts: Part[] = [];
  for (const block of message.content) {
    if (block.type === 'text') parts.push({ type: 'text', text: (block as { text: string }).text });
    else if (block.type === 'image') {
      const part = imagePart(block as Extract<ContentBlockParam, { type: 'image' }>, dropped);
      if (part) parts.push(part);
    } else if (block.type === 'tool_result') {
      const result = block as Extract<ContentBlockParam, { type: 'tool_result' }>;
      const text = blockText(result.content, dropped);
      // OpenAI's tool message has no error flag; the text says it instead.
      results.push({ role: 'tool', tool_call_id: result.tool_use_id, content: result.is_error ? `Error: ${text}` : text });
    } else dropped.add(`${block.type} blocks`);
  }
  const user: ChatMessage[] =
    parts.length > 0 ? [{ role: 'user', content: parts as Extract<ChatMessage, { role: 'user' }>['content'] }] : [];
  return [...results, ...user];
}

function assistantMessage(message: MessageParam, dropped: Set<string>): ChatMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  let text = '';
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += (block as { text: string }).text;
    else if (block.type === 'tool_use') {
      const use = block as Extract<ContentBlockParam, { type: 'tool_use' }>;
      calls.push({ id: use.id, type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      dropped.add('thinking blocks of earlier turns (only Anthropic models read them)');
    } else dropped.add(`${block.type} blocks`);
  }
  return calls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: calls } : { role: 'assistant', content: text };
}

function systemText(system: MessagesRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n\n');
}

function tools(request: MessagesRequest, dropped: Set<string>) {
  const client = (request.tools ?? []).filter((tool) => {
    const server = tool.type != null && tool.type !== 'custom';
    if (server) dropped.add(`server tool "${tool.name}" (${tool.type}): only Anthropic runs it`);
    return !server;
  });
  return client.map((tool) => ({
    type: 'function' as const,
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.input_schema ?? { type: 'object', properties: {} },
    },
  }));
}

function toolChoice(request: MessagesRequest, offered: boolean): Record<string, unknown> {
  const choice = request.tool_choice;
  if (!choice || !offered) return {};
  const parallel = 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

function responseFormat(request: MessagesRequest): Record<string, unknown> {
  const format = request.output_config?.format;
  if (format?.type !== 'json_schema' || !format.schema) return {};
  return { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: format.schema } } };
}

function notes(request: MessagesRequest, body: Record<string, unknown>, dropped: Set<string>): void {
  if (request.thinking && request.thinking.type !== 'disabled') dropped.add('thinking (extended thinking is configured per provider)');
  if (request.top_k != null) dropped.add('top_k');
  if ((request.stop_sequences?.length ?? 0) > MAX_STOP_SEQUENCES) dropped.add(`stop_sequences past the first ${MAX_STOP_SEQUENCES}`);
  if (hasKey(body, 'cache_control')) dropped.add('cache_control (prompt caching is automatic or absent elsewhere)');
  const unknown = Object.keys(body).filter((key) => !READ_FIELDS.has(key));
  if (unknown.length > 0) dropped.add(`fields ${unknown.join(', ')}`);
}

/**
 * Whether `key` names a member anywhere in `value`, walked without recursion (the body's depth is
 * bounded, but this needs no stack either way). It visits objects and arrays, never the text in
 * strings: Claude Code sends 100–200 KB a turn, and serialising the body to search it for the
 * key cost about 500 µs a request.
 */
function hasKey(value: unknown, key: string): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') pending.push(item);
      continue;
    }
    if (Object.hasOwn(node, key) && (node as Record<string, unknown>)[key] !== undefined) return true;
    for (const member of Object.values(node)) if (member !== null && typeof member === 'object') pending.push(member);
  }
  return false;
}

/** Validate a Messages request body and translate it; `message` explains a 400. */
export function parseMessagesRequest(body: unknown, options: { requireMaxTokens: boolean }): MessagesParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The request body must be a JSON object.' };
  }
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: `Invalid request: ${formatIssues(parsed.error)}` };
  const request = parsed.data;
  if (options.requireMaxTokens && request.max_tokens === undefined) return { ok: false, message: 'max_tokens: Field required' };

  const dropped = new Set<string>();
  const system = systemText(request.system);
  const messages: ChatMessage[] = [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...request.messages.flatMap((message): ChatMessage[] => {
      if (message.role === 'user') return userMessages(message, dropped);
      if (message.role === 'system') return [{ role: 'system', content: blockText(message.content, dropped) }];
      return [assistantMessage(message, dropped)];
    }),
  ];
  const functionTools = tools(request, dropped);
  notes(request, body as Record<string, unknown>, dropped);
  const stop = request.stop_sequences?.slice(0, MAX_STOP_SEQUENCES);
  const canonical = parseChatRequest({
    model: request.model,
    messages,
    ...(request.max_tokens !== undefined ? { max_completion_tokens: request.max_tokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { top_p: request.top_p } : {}),
    ...(stop?.length ? { stop } : {}),
    ...(request.stream !== undefined ? { stream: request.stream } : {}),
    ...(functionTools.length > 0 ? { tools: functionTools } : {}),
    ...toolChoice(request, functionTools.length > 0),
    ...responseFormat(request),
    ...(request.metadata?.user_id ? { user: request.metadata.user_id } : {}),
  });
  if (!canonical.ok) return { ok: false, message: canonical.message };
  return { ok: true, request, canonical: canonical.value, dropped: [...dropped] };
}
