/**
 * Canonical events → a Responses `response` object and the stream events that build it, in
 * one state machine so a streamed and a non-streamed answer always agree. Output items follow
 * the order the model produced them: reasoning, the message with its `output_text`, then each
 * function call (or `custom_tool_call`, for freeform tools) with its `call_id`.
 */
import type { FinishReason, ProviderEvent, UsageEvent } from '../../../providers/events.js';
import type { RenderContext } from '../front-door.js';
import { type ResponsesToolName, responsesToolNames } from './responses-tool-names.js';

type Json = Record<string, unknown>;
/** One stream event without its `sequence_number` (the renderer numbers them). */
export type ResponsesStreamEvent = Json & { type: string };

interface OpenItem {
  index: number;
  item: Json;
  kind: 'message' | 'call';
  /** Canonical tool-call index (calls only). */
  toolIndex?: number;
  tool?: ResponsesToolName;
  /** Text, arguments or summary so far. */
  text: string;
}

/** OpenAI's usage object of a response. */
export function responsesUsage(usage: Omit<UsageEvent, 'type'>): Json {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** Request fields a response object echoes (what the client asked for, as it asked). */
const ECHOED: Readonly<Record<string, unknown>> = {
  instructions: null,
  max_output_tokens: null,
  metadata: {},
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: false,
  temperature: 1,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [],
  top_p: 1,
  truncation: 'disabled',
  user: null,
};

export class ResponseBuilder {
  private readonly items: OpenItem[] = [];
  private open: OpenItem | null = null;
  private readonly toolNames: Map<string, ResponsesToolName>;
  private usage: Omit<UsageEvent, 'type'> | null = null;
  private finishReason: FinishReason | null = null;
  private started = false;

  constructor(private readonly context: RenderContext) {
    this.toolNames = responsesToolNames(context.raw);
  }

  get id(): string {
    return `resp_${this.context.requestId.replace(/[^A-Za-z0-9]/g, '')}`;
  }

  /** The stream events one canonical event produces. */
  push(event: ProviderEvent): ResponsesStreamEvent[] {
    const out = this.begin();
    switch (event.type) {
      case 'text-delta': {
        const message = this.openOf('message', out);
        message.text += event.text;
        out.push({
          type: 'response.output_text.delta',
          item_id: message.item.id,
          output_index: message.index,
          content_index: 0,
          delta: event.text,
          logprobs: [],
        });
        break;
      }
      case 'tool-call-delta': {
        const call = this.openCall(event, out);
        call.text += event.argumentsDelta;
        // A custom tool's input is one string inside the canonical JSON arguments: sent whole when the call closes.
        if (!call.tool?.custom && event.argumentsDelta) {
          out.push({
            type: 'response.function_call_arguments.delta',
            item_id: call.item.id,
            output_index: call.index,
            delta: event.argumentsDelta,
          });
        }
        break;
      }
      case 'usage': {
        const { type: _type, ...counts } = event;
        this.usage = counts;
        break;
      }
      case 'finish':
        this.finishReason = event.reason;
        break;
      default:
        break;
    }
    return out;
  }

  /** Closes the open item and ends with `response.completed` (or `response.incomplete` at the token limit). */
  finish(): ResponsesStreamEvent[] {
    const out = this.begin();
    this.close(out);
    const response = this.response();
    out.push({ type: response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response });
    return out;
  }

  /** An in-stream failure: OpenAI's `error` event, then `response.failed` with the error on the response. */
  fail(code: string, message: string): ResponsesStreamEvent[] {
    const out = this.begin();
    out.push({ type: 'error', code, message, param: null });
    out.push({ type: 'response.failed', response: { ...this.response('failed'), error: { code, message } } });
    return out;
  }

  /** The response object as it stands (`in_progress` until finished). */
  response(status?: 'in_progress' | 'failed'): Json {
    const incomplete = this.finishReason === 'length' || this.finishReason === 'content_filter';
    const final = status ?? (incomplete ? 'incomplete' : 'completed');
    const raw = this.context.raw ?? {};
    const echoed = Object.fromEntries(Object.entries(ECHOED).map(([key, fallback]) => [key, raw[key] ?? fallback]));
    const outputText = this.items
      .filter((open) => open.kind === 'message')
      .map((open) => open.text)
      .join('');
    return {
      id: this.id,
      object: 'response',
      created_at: this.context.created,
      status: final,
      background: false,
      error: null,
      incomplete_details:
        final === 'incomplete' ? { reason: this.finishReason === 'length' ? 'max_output_tokens' : 'content_filter' } : null,
      model: this.context.model,
      output: status === 'in_progress' ? [] : this.items.map((open) => open.item),
      ...echoed,
      usage: this.usage && status !== 'in_progress' ? responsesUsage(this.usage) : null,
      ...(status === 'in_progress' ? {} : { output_text: outputText }),
    };
  }

  private begin(): ResponsesStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = this.response('in_progress');
    return [
      { type: 'response.created', response },
      { type: 'response.in_progress', response },
    ];
  }

  private add(kind: OpenItem['kind'], item: Json, out: ResponsesStreamEvent[]): OpenItem {
    this.close(out);
    const open: OpenItem = { index: this.items.length, item, kind, text: '' };
    this.items.push(open);
    this.open = open;
    out.push({ type: 'response.output_item.added', output_index: open.index, item: { ...item } });
    return open;
  }

  private openOf(kind: 'message', out: ResponsesStreamEvent[]): OpenItem {
    if (this.open?.kind === kind) return this.open;
    const id = `msg_${this.id.slice(5)}_${this.items.length}`;
    const open = this.add(kind, { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] }, out);
    out.push({ type: 'response.content_part.added', item_id: id, output_index: open.index, content_index: 0, part: textPart('') });
    return open;
  }

  private openCall(event: Extract<ProviderEvent, { type: 'tool-call-delta' }>, out: ResponsesStreamEvent[]): OpenItem {
    if (this.open?.kind === 'call' && this.open.toolIndex === event.index) return this.open;
    const canonical = event.name ?? '';
    const tool = this.toolNames.get(canonical);
    const callId = event.id ?? `call_${this.items.length}`;
    const id = `${tool?.custom ? 'ctc' : 'fc'}_${this.id.slice(5)}_${this.items.length}`;
    const named = { name: tool?.name ?? canonical, ...(tool?.namespace ? { namespace: tool.namespace } : {}) };
    const item = tool?.custom
      ? { id, type: 'custom_tool_call', status: 'in_progress', call_id: callId, ...named, input: '' }
      : { id, type: 'function_call', status: 'in_progress', call_id: callId, ...named, arguments: '' };
    const open = this.add('call', item, out);
    open.toolIndex = event.index;
    open.tool = tool;
    return open;
  }

  private close(out: ResponsesStreamEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const { item, index } = open;
    item.status = 'completed';
    if (open.kind === 'message') {
      const part = textPart(open.text);
      item.content = [part];
      out.push({
        type: 'response.output_text.done',
        item_id: item.id,
        output_index: index,
        content_index: 0,
        text: open.text,
        logprobs: [],
      });
      out.push({ type: 'response.content_part.done', item_id: item.id, output_index: index, content_index: 0, part });
    } else if (open.tool?.custom) {
      item.input = customInput(open.text);
      out.push({ type: 'response.custom_tool_call_input.delta', item_id: item.id, output_index: index, delta: item.input });
      out.push({ type: 'response.custom_tool_call_input.done', item_id: item.id, output_index: index, input: item.input });
    } else if (open.kind === 'call') {
      item.arguments = open.text;
      out.push({
        type: 'response.function_call_arguments.done',
        item_id: item.id,
        output_index: index,
        name: item.name,
        arguments: open.text,
      });
    }
    out.push({ type: 'response.output_item.done', output_index: index, item: { ...item } });
  }
}

function textPart(text: string): Json {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A custom tool's `input` out of the canonical arguments `{"input": "…"}` (the raw text when the model sent something else). */
function customInput(argumentsText: string): string {
  try {
    const parsed = JSON.parse(argumentsText) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as Json).input === 'string')
      return (parsed as Json).input as string;
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return argumentsText;
}
