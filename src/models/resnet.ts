// SPDX-License-Identifier: MIT
/**
 * @module models/resnet
 * ResNet-18/34 (basic blocks) and ResNet-50 (bottleneck blocks) backbones, He et al. 2016,
 * as torchvision builds them (stride on the 3×3 convolution of the bottleneck, "ResNet
 * v1.5"), ending in global average pooling. `widthMultiplier` scales every channel count;
 * `smallImages` swaps the 7×7/2 stem and its max-pool for one 3×3/1 convolution (the usual
 * CIFAR adaptation), so 32×32 inputs are not reduced to 1×1 before the last stage.
 */
import * as tf from "@tensorflow/tfjs";
import { BatchNorm } from "./batch-norm.js";

export interface ResNetOptions {
  depth: 18 | 34 | 50;
  widthMultiplier: number;
  /** A fresh initialiser seed per call. */
  seeds: () => number;
  smallImages: boolean;
}

const STAGES: Record<ResNetOptions["depth"], { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
};

export function buildResNetBackbone(input: tf.SymbolicTensor, options: ResNetOptions): tf.SymbolicTensor {
  const width = (channels: number): number => Math.max(1, Math.round(channels * options.widthMultiplier));
  let layerIndex = 0;
  const convBn = (x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, relu: boolean): tf.SymbolicTensor => {
    const name = `resnet_${layerIndex++}`;
    let y = tf.layers
      .conv2d({ filters, kernelSize, strides, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: options.seeds() }), name: `${name}_conv` })
      .apply(x) as tf.SymbolicTensor;
    y = new BatchNorm({ name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
    return relu ? (tf.layers.activation({ activation: "relu", name: `${name}_relu` }).apply(y) as tf.SymbolicTensor) : y;
  };

  let x = options.smallImages ? convBn(input, width(64), 3, 1, true) : convBn(input, width(64), 7, 2, true);
  if (!options.smallImages) {
    x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same", name: "resnet_stem_pool" }).apply(x) as tf.SymbolicTensor;
  }
  const { blocks, bottleneck } = STAGES[options.depth];
  const expansion = bottleneck ? 4 : 1;
  blocks.forEach((count, stage) => {
    const planes = width(64 * 2 ** stage);
    for (let block = 0; block < count; block++) {
      const strides = block === 0 && stage > 0 ? 2 : 1;
      const inChannels = x.shape[3];
      let y: tf.SymbolicTensor;
      if (bottleneck) {
        y = convBn(x, planes, 1, 1, true);
        y = convBn(y, planes, 3, strides, true);
        y = convBn(y, planes * expansion, 1, 1, false);
      } else {
        y = convBn(x, planes, 3, strides, true);
        y = convBn(y, planes, 3, 1, false);
      }
      const shortcut = strides !== 1 || inChannels !== planes * expansion ? convBn(x, planes * expansion, 1, strides, false) : x;
      x = tf.layers.add({ name: `resnet_add_${stage}_${block}` }).apply([y, shortcut]) as tf.SymbolicTensor;
      x = tf.layers.activation({ activation: "relu", name: `resnet_out_${stage}_${block}` }).apply(x) as tf.SymbolicTensor;
    }
  });
  return tf.layers.globalAveragePooling2d({ name: "global_pool" }).apply(x) as tf.SymbolicTensor;
}
