/*
 * Test processing blocks for Berth tiny containers (block ABI v1, see dev.berth.tiny.blocks.WasmBlock).
 * One source, several blocks, chosen with -DBLOCK=...:
 *   IDENTITY  copies its inputs to its outputs (as many bytes as both have)
 *   DOUBLE    multiplies F32 values by two
 *   SPIN      never returns (for the instruction budget)
 *   GREEDY    allocates 4 MiB (for the memory cap)
 *   TRAP      executes unreachable
 *   PRINTS    writes to stdout, so it imports WASI's fd_write (a block may import nothing)
 * Built by the tests with: clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-all
 *   -Wl,-z,stack-size=16384 -Wl,--initial-memory=131072 -DBLOCK=... block.c -o block.wasm
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef BLOCK_PRINTS
#include <stdio.h>
#endif

__attribute__((export_name("block_alloc")))
void *block_alloc(int32_t size) {
    return malloc((size_t) size);
}

__attribute__((export_name("block_run")))
int32_t block_run(const uint8_t *in, int32_t in_len, uint8_t *out, int32_t out_len) {
#if defined(BLOCK_IDENTITY)
    memcpy(out, in, (size_t) (in_len < out_len ? in_len : out_len));
    return in_len == out_len ? 0 : 2;
#elif defined(BLOCK_DOUBLE)
    const float *x = (const float *) in;
    float *y = (float *) out;
    for (int32_t i = 0; i < out_len / 4; i++) {
        y[i] = 2.0f * x[i];
    }
    return 0;
#elif defined(BLOCK_SPIN)
    volatile uint32_t n = 0;
    for (;;) {
        n++;
    }
#elif defined(BLOCK_GREEDY)
    uint8_t *big = malloc(4 << 20);
    if (big == NULL) {
        return 3;
    }
    memset(big, 1, 4 << 20);
    ((float *) out)[0] = (float) big[in_len];
    return 0;
#elif defined(BLOCK_TRAP)
    (void) in; (void) in_len; (void) out; (void) out_len;
    __builtin_trap();
#elif defined(BLOCK_PRINTS)
    printf("%d\n", in_len);
    memcpy(out, in, (size_t) out_len);
    return 0;
#endif
}
