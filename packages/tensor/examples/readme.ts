// The README example: a linear layer and a softmax on the reference backend, then a BF16 checkpoint
// written and read back. test/readme.test.ts runs this file and checks what it prints.
import {
  createReferenceBackend,
  parseSafetensorsHeader,
  readSafetensors,
  tensor,
  writeSafetensors,
} from '@llmf/tensor';

const be = createReferenceBackend();

// x [T=2, C=3] · wᵀ (w [V=2, C=3], nn.Linear layout) + bias [2] → logits [2, 2]
const x = tensor([
  [1, 0, 2],
  [0, 1, 0],
]);
const w = tensor([
  [1, 1, 1],
  [0, 2, 0],
]);
const logits = be.alloc([2, 2], 'compute');
be.linear(logits, x, w, tensor([0, 1]));
console.log([...logits.data]); // [3, 1, 1, 3]

const probs = be.alloc([2, 2], 'compute');
be.softmax(probs, logits); // row-wise, over the last dimension
console.log(Array.from(probs.data, (p) => Number(p.toFixed(3)))); // [0.881, 0.119, 0.119, 0.881]

// safetensors: write BF16 with metadata, validate the header, read back as f32
const bytes = writeSafetensors({ 'lm_head.weight': w }, { dtype: 'BF16', metadata: { format: 'pt' } });
const [entry] = parseSafetensorsHeader(bytes).entries;
console.log(entry.name, entry.dtype, entry.shape, entry.end - entry.begin); // lm_head.weight BF16 [2, 3] 12
console.log([...(readSafetensors(bytes).get('lm_head.weight')?.data ?? [])]); // [1, 1, 1, 0, 2, 0]

try {
  readSafetensors(bytes.subarray(0, bytes.length - 2), { fileName: 'model.safetensors' });
} catch (e) {
  console.log((e as Error).message);
  // model.safetensors: tensor "lm_head.weight" ends at byte 12 but the file's data section has 10 bytes (truncated download?)
}
