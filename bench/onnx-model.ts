// A one-node ONNX graph (Y = MatMul(X, B), B an initializer) encoded by hand (onnx-proto.ts).
import { ModelProto } from './onnx-proto.ts';

/** onnx.TensorProto.DataType.FLOAT */
const FLOAT = 1;
/** IR version 8 with opset 17: understood by every onnxruntime >= 1.14. */
const IR_VERSION = 8;
const OPSET = 17;


function floatValueInfo(name: string, shape: number[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

/** Little-endian float32 bytes, whatever the host's byte order. */
function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

/**
 * Serialized ModelProto of Y[M, N] = X[M, K] · B[K, N], with B stored in the graph as an initializer
 * (as a model's weights are), X the graph's input "X" and Y its output "Y".
 */
export function matmulModel(M: number, K: number, N: number, b: Float32Array): Uint8Array {
  if (b.length !== K * N) throw new Error(`matmulModel: B has ${b.length} values, expected K*N = ${K * N}`);
  const model = {
    irVersion: IR_VERSION,
    producerName: 'sai-dpo-lab bench',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: 'matmul',
      node: [{ input: ['X', 'B'], output: ['Y'], name: 'matmul', opType: 'MatMul' }],
      initializer: [{ dims: [K, N], dataType: FLOAT, name: 'B', rawData: float32Bytes(b) }],
      input: [floatValueInfo('X', [M, K])],
      output: [floatValueInfo('Y', [M, N])],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`matmulModel: invalid ModelProto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
