/**
 * Multinomial logistic regression over sparse features, trained with AdaGrad and L2 regularisation.
 * Its softmax outputs are proper probabilities (unlike naive-Bayes products), which the matcher then calibrates
 * with thresholds fitted on cross-validation predictions.
 */
import type { SparseVector } from './features.js';

export interface TrainingOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

/** Small deterministic PRNG (mulberry32) so that training and evaluation are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKIP_GRADIENT = 1e-3;

export interface SerializedModel {
  labels: string[];
  features: string[];
  weights: string;
  bias: number[];
}

export class SoftmaxClassifier<L extends string> {
  private readonly featureIndex = new Map<string, number>();
  private weights: Float64Array = new Float64Array(0);
  private bias: Float64Array;

  constructor(readonly labels: readonly L[]) {
    this.bias = new Float64Array(labels.length);
  }

  /** A compact snapshot of the trained model (weights as base64 little-endian doubles). */
  serialize(): SerializedModel {
    const features = new Array<string>(this.featureIndex.size);
    for (const [f, i] of this.featureIndex) features[i] = f;
    return {
      labels: [...this.labels],
      features,
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'),
      bias: [...this.bias],
    };
  }

  /** Restores a snapshot; throws if it does not fit these labels. */
  static restore<L extends string>(labels: readonly L[], m: SerializedModel): SoftmaxClassifier<L> {
    if (m.labels.length !== labels.length || m.labels.some((l, i) => l !== labels[i])) throw new Error('model labels differ');
    const c = new SoftmaxClassifier(labels);
    m.features.forEach((f, i) => c.featureIndex.set(f, i));
    const bytes = Buffer.from(m.weights, 'base64');
    if (bytes.byteLength !== m.features.length * labels.length * 8) throw new Error('model weights have the wrong size');
    c.weights = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    c.bias = Float64Array.from(m.bias);
    return c;
  }

  /** Whether a feature was seen in training. */
  knows(feature: string): boolean {
    return this.featureIndex.has(feature);
  }

  train(examples: { x: SparseVector; y: L }[], options: TrainingOptions = {}): void {
    const { epochs = 25, learningRate = 0.5, l2 = 1e-4, seed = 42 } = options;
    for (const { x } of examples) for (const f of x.keys()) if (!this.featureIndex.has(f)) this.featureIndex.set(f, this.featureIndex.size);
    const C = this.labels.length;
    const F = this.featureIndex.size;
    this.weights = new Float64Array(F * C);
    this.bias = new Float64Array(C);
    const gradSq = new Float64Array(F * C).fill(1e-8);
    const biasGradSq = new Float64Array(C).fill(1e-8);
    const labelIndex = new Map(this.labels.map((l, i) => [l, i]));
    const data = examples.map(({ x, y }) => ({
      idx: [...x.keys()].map((f) => this.featureIndex.get(f)!),
      val: [...x.values()],
      y: labelIndex.get(y)!,
    }));
    const random = seededRandom(seed);
    const order = data.map((_, i) => i);
    const probs = new Float64Array(C);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const ex = data[n]!;
        this.scoresInto(ex.idx, ex.val, probs);
        softmaxInPlace(probs);
        for (let c = 0; c < C; c++) {
          const g = probs[c]! - (c === ex.y ? 1 : 0);
          // Classes the model already rules out for this example barely move: skipping them makes training several
          // times faster once the model has settled, at no measurable cost in accuracy.
          if (g > -SKIP_GRADIENT && g < SKIP_GRADIENT) continue;
          biasGradSq[c]! += g * g;
          this.bias[c]! -= (learningRate * g) / Math.sqrt(biasGradSq[c]!);
          for (let k = 0; k < ex.idx.length; k++) {
            const w = ex.idx[k]! * C + c;
            const grad = g * ex.val[k]! + l2 * this.weights[w]!;
            gradSq[w]! += grad * grad;
            this.weights[w]! -= (learningRate * grad) / Math.sqrt(gradSq[w]!);
          }
        }
      }
    }
  }

  private scoresInto(idx: number[], val: number[], out: Float64Array): void {
    const C = this.labels.length;
    for (let c = 0; c < C; c++) out[c] = this.bias[c]!;
    for (let k = 0; k < idx.length; k++) {
      const base = idx[k]! * C;
      const v = val[k]!;
      for (let c = 0; c < C; c++) out[c]! += this.weights[base + c]! * v;
    }
  }

  /** Probabilities per label, highest first. Unknown features are ignored. */
  predict(x: SparseVector): { label: L; p: number }[] {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [f, v] of x) {
      const i = this.featureIndex.get(f);
      if (i !== undefined) {
        idx.push(i);
        val.push(v);
      }
    }
    const probs = new Float64Array(this.labels.length);
    this.scoresInto(idx, val, probs);
    softmaxInPlace(probs);
    return this.labels.map((label, i) => ({ label, p: probs[i]! })).sort((a, b) => b.p - a.p);
  }
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i]! /= sum;
}
