import { describe, expect, it } from 'vitest';
import { readBodyText } from './body-limit';

function chunked(chunks: string[], headers: Record<string, string> = {}): { request: Request; pulled: () => number } {
  let index = 0;
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (index >= chunks.length) return controller.close();
        const chunk = new TextEncoder().encode(chunks[index++]);
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { request: new Request('http://x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit), pulled: () => pulled };
}

describe('readBodyText', () => {
  it('reads a chunked body within the limit, multi-byte characters split across chunks included', async () => {
    const bytes = new TextEncoder().encode('{"name":"灰度版本"}');
    const text = new TextDecoder();
    const { request } = chunked([text.decode(bytes.subarray(0, 5)), text.decode(bytes.subarray(5))]);
    expect(await readBodyText(request, 100)).toBe('{"name":"灰度版本"}');
  });

  it('stops reading a chunked body at the first chunk past the limit', async () => {
    const { request, pulled } = chunked(Array(100).fill('x'.repeat(10)));
    await expect(readBodyText(request, 35)).rejects.toMatchObject({ status: 413 });
    expect(pulled()).toBe(40);
  });

  it('counts bytes, not characters', async () => {
    const { request } = chunked(['灰'.repeat(12)]);
    await expect(readBodyText(request, 30)).rejects.toMatchObject({ status: 413 });
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const { request, pulled } = chunked(['x'], { 'content-length': '1000' });
    await expect(readBodyText(request, 10)).rejects.toMatchObject({ status: 413 });
    expect(pulled()).toBe(0);
  });

  it('an empty body is empty text', async () => {
    expect(await readBodyText(new Request('http://x', { method: 'POST' }), 10)).toBe('');
  });
});
