/**
 * Canonical events → the Messages API's stream events (`message_start`, `content_block_start` /
 * `_delta` / `_stop`, `message_delta`, `message_stop`, `ping`, `error`). The non-streaming answer
 * is these same events folded into one message, so both shapes always agree.
 */
import type { FailureClass } from '../../../../shared/domain.js';
import type { FinishReason, ProviderEvent, UsageEvent } from '../../../providers/events.js';
import type { RenderContext, StreamRenderer } from '../front-door.js';
import { streamErrorBody } from './messages-errors.js';
import { toMessagesUsage, toStopReason } from './messages-usage.js';

/** One Messages stream event: its SSE event name and its `data` object (whose `type` repeats the name). */
export interface MessagesStreamEvent {
  event: string;
  data: Record<string, unknown>;
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking'; signature?: string } | { kind: 'tool'; toolIndex: number };

/** The `msg_…` id the client sees: the upstream's own when it is one, else one made from the request id. */
function messageId(context: RenderContext, upstreamId: string | undefined): string {
  if (upstreamId?.startsWith('msg_')) return upstreamId;
  return `msg_${context.requestId.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** A state machine from canonical events to Messages stream events. */
export function createMessagesEventWriter(context: RenderContext) {
  let started = false;
  let closed = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;
  let usage: Omit<UsageEvent, 'type'> | null = null;
  let finish: FinishReason | undefined;
  let calledTools = false;

  const ev = (event: string, data: Record<string, unknown> = {}): MessagesStreamEvent => ({ event, data: { type: event, ...data } });

  const start = (upstreamId?: string): MessagesStreamEvent[] => {
    if (started) return [];
    started = true;
    const message = {
      id: messageId(context, upstreamId),
      type: 'message',
      role: 'assistant',
      model: context.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: toMessagesUsage(usage),
    };
    return [ev('message_start', { message }), ev('ping')];
  };

  const closeBlock = (): MessagesStreamEvent[] => {
    if (!open) return [];
    const out: MessagesStreamEvent[] = [];
    if (open.kind === 'thinking' && open.signature) {
      out.push(ev('content_block_delta', { index: nextIndex - 1, delta: { type: 'signature_delta', signature: open.signature } }));
    }
    out.push(ev('content_block_stop', { index: nextIndex - 1 }));
    open = null;
    return out;
  };

  const openBlock = (block: OpenBlock, contentBlock: Record<string, unknown>): MessagesStreamEvent[] => {
    const out = closeBlock();
    open = block;
    out.push(ev('content_block_start', { index: nextIndex++, content_block: contentBlock }));
    return out;
  };

  const delta = (body: Record<string, unknown>) => ev('content_block_delta', { index: nextIndex - 1, delta: body });

  function push(event: ProviderEvent): MessagesStreamEvent[] {
    if (closed) return [];
    switch (event.type) {
      case 'start':
        return start(event.id);
      case 'text-delta': {
        if (!event.text) return [];
        const out = start();
        if (open?.kind !== 'text') out.push(...openBlock({ kind: 'text' }, { type: 'text', text: '' }));
        out.push(delta({ type: 'text_delta', text: event.text }));
        return out;
      }
      case 'reasoning-delta': {
        const out = start();
        if (open?.kind !== 'thinking') out.push(...openBlock({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' }));
        if (event.text) out.push(delta({ type: 'thinking_delta', thinking: event.text }));
        // The signature closes the block (Anthropic sends it as the block's last delta).
        if (event.signature && open?.kind === 'thinking') open.signature = event.signature;
        return out;
      }
      case 'redacted-reasoning': {
        const out = start();
        out.push(...openBlock({ kind: 'text' }, { type: 'redacted_thinking', data: event.data }), ...closeBlock());
        return out;
      }
      case 'tool-call-delta': {
        const out = start();
        calledTools = true;
        if (open?.kind !== 'tool' || open.toolIndex !== event.index) {
          const id = event.id ?? `toolu_${context.requestId.replace(/[^A-Za-z0-9]/g, '')}_${event.index}`;
          out.push(...openBlock({ kind: 'tool', toolIndex: event.index }, { type: 'tool_use', id, name: event.name ?? '', input: {} }));
        }
        if (event.argumentsDelta) out.push(delta({ type: 'input_json_delta', partial_json: event.argumentsDelta }));
        return out;
      }
      case 'usage':
        usage = event;
        return [];
      case 'finish':
        finish = event.reason;
        return [];
      case 'error':
        // No message_start of its own: Anthropic sends `error` at any point, and after a pass-through
        // the upstream's own message_start already reached the client.
        closed = true;
        return [...closeBlock(), { event: 'error', data: { ...streamErrorBody(event.failureClass, event.message) } }];
    }
  }

  function end(): MessagesStreamEvent[] {
    if (closed) return [];
    closed = true;
    return [
      ...start(),
      ...closeBlock(),
      ev('message_delta', {
        delta: { stop_reason: toStopReason(finish, calledTools), stop_sequence: null },
        usage: toMessagesUsage(usage),
      }),
      ev('message_stop'),
    ];
  }

  function error(failureClass: FailureClass, message: string): MessagesStreamEvent[] {
    return push({ type: 'error', failureClass, message });
  }

  return { push, end, error };
}

/** One SSE frame: `event: <name>` then `data: <json>`. */
export function sseFrame({ event, data }: MessagesStreamEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Messages SSE for canonical events. */
export function createMessagesStreamRenderer(context: RenderContext): StreamRenderer {
  const writer = createMessagesEventWriter(context);
  const frames = (events: MessagesStreamEvent[]) => events.map(sseFrame).join('');
  return {
    push: (event) => frames(writer.push(event)),
    end: () => frames(writer.end()),
    error: (failureClass, message) => frames(writer.error(failureClass, message)),
  };
}
