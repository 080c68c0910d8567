// The README example. test/readme.test.ts runs it and checks what it prints.
import { createRng, greedy, sample, softmax, topK, topP } from '@llmf/sampling';

const tokens = ['on', 'the', 'mat', 'in'];
const logits = [2.0, 1.0, 0.5, 0.0]; // the model's scores after "The cat sat"

const round = (xs: Float32Array) => Array.from(xs, (x) => Number(x.toFixed(2)));
console.log(round(softmax(logits))); // [0.58, 0.21, 0.13, 0.08]
console.log(round(softmax(logits, 0.5))); // [0.83, 0.11, 0.04, 0.02]  sharper
console.log(round(topK(softmax(logits), 2))); // [0.73, 0.27, 0, 0]
console.log(round(topP(softmax(logits), 0.7))); // [0.73, 0.27, 0, 0]  {on, the} reach 0.7
console.log(tokens[greedy(logits)]); // on

// a seeded generator makes sampling reproducible in Node and every browser
const rng = createRng(42);
const ids = Array.from({ length: 8 }, () => sample(logits, { temperature: 0.8, topP: 0.9, rng }));
console.log(ids.map((id) => tokens[id]).join(' ')); // on on mat mat on on on on
