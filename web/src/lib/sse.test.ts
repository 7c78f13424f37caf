import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse';

function collect() {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    onMessage: (m) => messages.push(m),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retries.push(ms),
  });
  return { parser, messages, comments, retries };
}

const STREAM =
  ': keep-alive\n\n' +
  'event: device.updated\ndata: {"id":"dev_1","status":"online"}\n\n' +
  'event: onboarding.updated\r\ndata: {"serial":"SN1",\r\ndata: "stage":"verified"}\r\n\r\n' +
  'data: plain\rdata:second\r\r';

describe('SseParser', () => {
  it('parses events, multi-line data and comments', () => {
    const { parser, messages, comments } = collect();
    parser.push(STREAM);
    expect(messages).toEqual([
      { event: 'device.updated', data: '{"id":"dev_1","status":"online"}', id: undefined },
      { event: 'onboarding.updated', data: '{"serial":"SN1",\n"stage":"verified"}', id: undefined },
      { event: 'message', data: 'plain\nsecond', id: undefined },
    ]);
    expect(comments).toEqual(['keep-alive']);
  });

  it('gives the same messages however the text is split', () => {
    const whole = collect();
    whole.parser.push(STREAM);
    for (let size = 1; size <= 7; size++) {
      const split = collect();
      for (let i = 0; i < STREAM.length; i += size) split.parser.push(STREAM.slice(i, i + size));
      expect(split.messages, `chunks of ${size}`).toEqual(whole.messages);
      expect(split.comments, `chunks of ${size}`).toEqual(whole.comments);
    }
  });

  it('treats a CR at the end of a chunk and an LF at the start of the next as one line end', () => {
    const { parser, messages } = collect();
    parser.push('data: a\r');
    parser.push('\ndata: b\r');
    parser.push('\n\r');
    parser.push('\n');
    expect(messages).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  it('waits for the blank line before dispatching', () => {
    const { parser, messages } = collect();
    parser.push('event: device.updated\ndata: {}\n');
    expect(messages).toHaveLength(0);
    parser.push('\n');
    expect(messages).toHaveLength(1);
  });

  it('drops one space after the colon only, and takes a field without colon as empty', () => {
    const { parser, messages } = collect();
    parser.push('data:  two spaces\ndata\ndata:x\n\n');
    expect(messages[0]?.data).toBe(' two spaces\n\nx');
  });

  it('ignores an event without data and resets its type', () => {
    const { parser, messages } = collect();
    parser.push('event: device.updated\n\ndata: later\n\n');
    expect(messages).toEqual([{ event: 'message', data: 'later', id: undefined }]);
  });

  it('keeps the last event id, reports retry and ignores unknown fields', () => {
    const { parser, messages, retries } = collect();
    parser.push('id: 7\nretry: 2500\nretry: soon\nfoo: bar\ndata: a\n\ndata: b\n\n');
    expect(messages.map((m) => m.id)).toEqual(['7', '7']);
    expect(retries).toEqual([2500]);
  });

  it('strips a byte order mark at the start of the stream', () => {
    const { parser, messages } = collect();
    parser.push('\uFEFFdata: x\n\n');
    expect(messages[0]?.data).toBe('x');
  });

  it('forgets a half-received message on reset (a dropped connection)', () => {
    const { parser, messages } = collect();
    parser.push('id: 3\nevent: device.updated\ndata: {"id":');
    parser.reset();
    parser.push('event: onboarding.updated\ndata: {}\n\n');
    expect(messages).toEqual([{ event: 'onboarding.updated', data: '{}', id: '3' }]);
  });
});
