// A Server-Sent Events parser (the WHATWG "event stream interpretation"), fed text as it
// arrives. The portal reads /api/v1/events with fetch and a ReadableStream rather than
// EventSource, because EventSource cannot send the Authorization header; so the framing is
// ours to get right:
//
// - a line ends at CRLF, LF or CR, and a chunk may end between the CR and the LF;
// - "field: value" (one space after the colon is dropped), "field" alone means an empty value;
// - several data lines join with "\n"; a blank line dispatches the message, unless it had no
//   data (then only the event type is reset);
// - lines starting with ":" are comments (the server's keep-alives);
// - `id` persists across messages (and reconnections), `retry` sets the reconnection delay.

export interface SseMessage {
  /** The `event:` field, or "message" when the message had none. */
  event: string;
  data: string;
  /** The last event id seen so far, if any. */
  id: string | undefined;
}

export interface SseHandlers {
  onMessage: (message: SseMessage) => void;
  onComment?: (text: string) => void;
  /** A `retry:` field with a valid number of milliseconds. */
  onRetry?: (ms: number) => void;
}

export class SseParser {
  private buffer = '';
  private afterCr = false;
  private atStart = true;
  private data: string[] = [];
  private event = '';
  private lastId: string | undefined = undefined;

  constructor(private readonly handlers: SseHandlers) {}

  /** Feeds decoded text; dispatches every message completed by it. */
  push(chunk: string): void {
    let text = chunk;
    if (this.atStart && text.length > 0) {
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      this.atStart = false;
    }
    if (this.afterCr && text.startsWith('\n')) text = text.slice(1);
    this.afterCr = false;

    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer + text.slice(start, i));
      this.buffer = '';
      if (c === '\r') {
        if (i + 1 === text.length) this.afterCr = true;
        else if (text[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer += text.slice(start);
  }

  /**
   * Forgets a half-received message (the connection dropped); keeps the last event id, as a
   * reconnection does.
   */
  reset(): void {
    this.buffer = '';
    this.afterCr = false;
    this.atStart = true;
    this.data = [];
    this.event = '';
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.handlers.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);

    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return;
    this.handlers.onMessage({ event: event || 'message', data: data.join('\n'), id: this.lastId });
  }
}
