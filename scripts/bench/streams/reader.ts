// Reads one streamed answer off a raw socket: the status line, the body (chunked transfer encoding decoded, so a
// proxy that re-frames the stream cannot cut a line in two), and in it the fake's stamp comments (`: t=NS`, the
// `process.hrtime.bigint()` of each frame's write, `--stamp-chunks`) and the final `data: [DONE]`.

const HEAD_END = "\r\n\r\n";

export class StreamReader {
  /** the status code, once the head has arrived */
  status = 0;
  /** stamps read, i.e. frames the fake wrote that arrived */
  frames = 0;
  done = false;
  private head = "";
  private chunked = false;
  /** in chunked mode: bytes left in the current chunk, or -1 while reading a size line */
  private left = -1;
  private sizeLine = "";
  /** an unfinished line of the body */
  private rest = "";

  /** @param onStamp called with each frame's transit (ms) as it is read */
  constructor(private readonly onStamp: (transitMs: number) => void) {}

  /** Feeds one read of the socket; `nowNs` is `process.hrtime.bigint()` at the read, as a number. */
  feed(buf: Buffer, nowNs: number): void {
    let text = buf.toString("latin1");
    if (!this.status) {
      this.head += text;
      const end = this.head.indexOf(HEAD_END);
      if (end === -1) return;
      this.status = Number(this.head.slice(9, 12));
      this.chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(this.head.slice(0, end));
      text = this.head.slice(end + HEAD_END.length);
      this.head = "";
    }
    if (!this.chunked) return this.lines(text, nowNs);
    let i = 0;
    while (i < text.length) {
      if (this.left > 0) {
        const piece = text.slice(i, i + this.left);
        this.left -= piece.length;
        i += piece.length;
        this.lines(piece, nowNs);
        if (this.left === 0) this.left = -2; // the CRLF after the data
        continue;
      }
      const lf = text.indexOf("\n", i);
      if (lf === -1) {
        this.sizeLine += text.slice(i);
        return;
      }
      const line = this.sizeLine + text.slice(i, lf);
      this.sizeLine = "";
      i = lf + 1;
      if (this.left === -2) {
        this.left = -1;
        continue;
      }
      const size = Number.parseInt(line, 16);
      this.left = size > 0 ? size : -1; // 0: the last chunk, trailers follow
    }
  }

  private lines(text: string, nowNs: number): void {
    const all = this.rest ? this.rest + text : text;
    let i = 0;
    for (let lf = all.indexOf("\n"); lf !== -1; i = lf + 1, lf = all.indexOf("\n", i)) {
      if (all.startsWith(": t=", i)) {
        this.frames++;
        this.onStamp((nowNs - Number(all.slice(i + 4, lf))) / 1e6);
      } else if (all.startsWith("data: [DONE]", i)) this.done = true;
    }
    this.rest = i < all.length ? all.slice(i) : "";
  }
}
