/** `text` as a request body sent in chunks of `size` bytes, with no Content-Length (fetch needs `duplex: 'half'`). */
export function chunked(text: string, size = 1_000): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < text.length; i += size) controller.enqueue(Buffer.from(text.slice(i, i + size)));
      controller.close();
    },
  });
}
