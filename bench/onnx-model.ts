// A one-node ONNX graph (Y = MatMul(X, B), B an initializer) encoded by hand with protobufjs.
// Only the subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that such a
// graph needs is described here, with the field numbers of the official schema.
import protobuf from 'protobufjs';

const ONNX_SUBSET = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        TypeProtoTensor: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 } } },
      },
    },
  },
};

/** onnx.TensorProto.DataType.FLOAT */
const FLOAT = 1;
/** IR version 8 with opset 17: understood by every onnxruntime >= 1.14. */
const IR_VERSION = 8;
const OPSET = 17;

const ModelProto = protobuf.Root.fromJSON(ONNX_SUBSET).lookupType('onnx.ModelProto');

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
