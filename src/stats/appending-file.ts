import { type FileHandle, open } from 'node:fs/promises';

/**
 * A file written as a run goes (the stats history CSV): every `append` is one write call, in
 * order, with nothing held back in a buffer, so a process that dies keeps every line it
 * appended. Writes never block the event loop; a failed write is kept and thrown by `close`.
 */
export class AppendingFile {
  readonly #handle: FileHandle;
  #queue: Promise<void> = Promise.resolve();
  #error: Error | null = null;
  #closed = false;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  /** Creates (or empties) `path` and writes `first` to it. */
  static async create(path: string, first: string): Promise<AppendingFile> {
    const handle = await open(path, 'w');
    const file = new AppendingFile(handle);
    try {
      await handle.write(first);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return file;
  }

  append(text: string): void {
    if (this.#closed) throw new Error('append after close');
    this.#queue = this.#queue.then(async () => {
      // After one failure (disk full) the rest would fail too; one error is enough.
      if (this.#error !== null) return;
      try {
        await this.#handle.write(text);
      } catch (err) {
        this.#error = err instanceof Error ? err : new Error(String(err));
      }
    });
  }

  /** Waits for every append, closes, and throws the first write error if there was one. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#handle.close();
    if (this.#error !== null) throw this.#error;
  }
}
