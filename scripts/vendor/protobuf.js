// One bundle for onnx-proto and protobufjs/minimal (see scripts/build.mjs), so both use the same Reader class.
export { onnx } from 'onnx-proto';
export { Reader } from 'protobufjs/minimal';
