// Embedding gather. Legend: T = tokens, V = vocab, C = d_model.

/** out [T, C] = table [V, C] rows at ids (i32 [T], already checked 0 ≤ id < V). */
export function embedding_f32(out: usize, table: usize, ids: usize, T: i32, C: i32): void {
  const rowBytes = <usize>C << 2;
  for (let t = 0; t < T; t++) {
    const id = load<i32>(ids + (<usize>t << 2));
    memory.copy(out + <usize>t * rowBytes, table + <usize>id * rowBytes, rowBytes);
  }
}
