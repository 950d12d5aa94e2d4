#!/usr/bin/python3
"""Latency of the shared models in Arm NN (Debian's python3-pyarmnn, CpuRef backend): the native peer that
Debian packages for .tflite files. Usage: armnn_bench.py SHARED_DIR [SECONDS]"""
import sys
import time
import warnings

import numpy as np
import pyarmnn as ann

MODELS = [
    "tflite-micro/hello_world/models/hello_world_int8.tflite",
    "tflite-micro/hello_world/models/hello_world_float.tflite",
    "tflite-micro/micro_speech/models/micro_speech_quantized.tflite",
    "rune/examples/person_detection/model.tflite",
    "rune/examples/gesture/model.tflite",
    "mlperf-tiny/kws_ref_model.tflite",
    "mlperf-tiny/kws_ref_model_float32.tflite",
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/vww_96_float.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "mlperf-tiny/ad01_int8.tflite",
    "mlperf-tiny/str_ww_ref_model.tflite",
]
TYPES = {ann.DataType_QAsymmS8: np.int8, ann.DataType_QAsymmU8: np.uint8, ann.DataType_Float32: np.float32}


def latency_ms(path, seconds):
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(path)
    input_info = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
    output_info = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    network_id, _ = runtime.LoadNetwork(optimized)
    data = np.random.default_rng(42).integers(-100, 100, input_info[1].GetNumElements())
    data = data.astype(TYPES[input_info[1].GetDataType()])
    inputs = ann.make_input_tensors([input_info], [data])
    outputs = ann.make_output_tensors([output_info])
    end = time.perf_counter() + seconds
    calls = 0
    while time.perf_counter() < end:
        runtime.EnqueueWorkload(network_id, inputs, outputs)
        calls += 1
    batch = max(1, calls // 10)
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        for _ in range(batch):
            runtime.EnqueueWorkload(network_id, inputs, outputs)
        samples.append((time.perf_counter() - start) / batch * 1000)
    samples.sort()
    return (samples[4] + samples[5]) / 2


def main():
    shared = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    print("| model | Arm NN CpuRef |")
    print("|---|---|")
    for model in MODELS:
        try:
            print(f"| {model} | {latency_ms(shared + '/' + model, seconds):.3f} ms |")
        except Exception as error:  # a model Arm NN cannot parse or run is reported, not fatal
            print(f"| {model} | n/a ({type(error).__name__}: {str(error).splitlines()[0][:80]}) |")


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    main()
