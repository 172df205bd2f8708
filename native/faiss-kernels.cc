// Vectorized replacements for FAISS's distance kernels, linked over the system library's own.
//
// Why: Debian's libfaiss (1.7.3) is compiled for baseline x86-64 without FAISS's SIMD paths, so
// fvec_L2sqr and friends are scalar loops bound by one floating-point add's latency (~1.3 ns per
// dimension). They dominate HNSW construction, inverted-list scans and small flat searches.
//
// How: scripts/build-faiss.mjs links the addon with `-Wl,--wrap=<mangled name>` for each function
// below, so every call from the static libfaiss.a objects reaches `__wrap_<mangled name>` here
// instead. A name the library does not use is simply never wrapped, and against a shared libfaiss
// nothing is redirected: the addon then runs on the library's own kernels, only slower.
//
// Each kernel sums in LANES independent accumulators (no reassociation needed, so the compiler
// vectorizes it without -ffast-math) and is cloned for AVX-512, AVX2+FMA and baseline x86-64 with
// the best clone picked at load time. Sums differ from FAISS's only in rounding order.
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DOPPEL_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DOPPEL_KERNEL
#endif

namespace {

constexpr size_t LANES = 16;

DOPPEL_KERNEL float l2sqr(const float* x, const float* y, size_t d) {
  float lanes[LANES] = {};
  size_t i = 0;
  for (; i + LANES <= d; i += LANES) {
    for (size_t j = 0; j < LANES; j++) {
      const float diff = x[i + j] - y[i + j];
      lanes[j] += diff * diff;
    }
  }
  float sum = 0;
  for (size_t j = 0; j < LANES; j++) sum += lanes[j];
  for (; i < d; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
  return sum;
}

DOPPEL_KERNEL float innerProduct(const float* x, const float* y, size_t d) {
  float lanes[LANES] = {};
  size_t i = 0;
  for (; i + LANES <= d; i += LANES) {
    for (size_t j = 0; j < LANES; j++) lanes[j] += x[i + j] * y[i + j];
  }
  float sum = 0;
  for (size_t j = 0; j < LANES; j++) sum += lanes[j];
  for (; i < d; i++) sum += x[i] * y[i];
  return sum;
}

DOPPEL_KERNEL void madd(size_t n, const float* a, float bf, const float* b, float* c) {
  for (size_t i = 0; i < n; i++) c[i] = a[i] + bf * b[i];
}

}  // namespace

// The wrapped FAISS functions (faiss/utils/distances.h), by their Itanium-mangled names.
extern "C" {

__attribute__((visibility("hidden"))) float __wrap__ZN5faiss10fvec_L2sqrEPKfS1_m(const float* x, const float* y, size_t d) {
  return l2sqr(x, y, d);
}

__attribute__((visibility("hidden"))) float __wrap__ZN5faiss18fvec_inner_productEPKfS1_m(const float* x, const float* y, size_t d) {
  return innerProduct(x, y, d);
}

__attribute__((visibility("hidden"))) float __wrap__ZN5faiss15fvec_norm_L2sqrEPKfm(const float* x, size_t d) {
  return innerProduct(x, x, d);
}

// Distances from x to each of the ny rows of y.
__attribute__((visibility("hidden"))) void __wrap__ZN5faiss13fvec_L2sqr_nyEPfPKfS2_mm(float* dis, const float* x, const float* y,
                                                                                     size_t d, size_t ny) {
  for (size_t i = 0; i < ny; i++) dis[i] = l2sqr(x, y + i * d, d);
}

__attribute__((visibility("hidden"))) void __wrap__ZN5faiss22fvec_inner_products_nyEPfPKfS2_mm(float* ip, const float* x,
                                                                                              const float* y, size_t d, size_t ny) {
  for (size_t i = 0; i < ny; i++) ip[i] = innerProduct(x, y + i * d, d);
}

// Index of the row of y nearest to x (the first on ties); fills the scratch distances as FAISS does.
__attribute__((visibility("hidden"))) size_t __wrap__ZN5faiss21fvec_L2sqr_ny_nearestEPfPKfS2_mm(float* distances, const float* x,
                                                                                               const float* y, size_t d, size_t ny) {
  size_t nearest = 0;
  for (size_t i = 0; i < ny; i++) {
    distances[i] = l2sqr(x, y + i * d, d);
    if (distances[i] < distances[nearest]) nearest = i;
  }
  return nearest;
}

// c = a + bf * b
__attribute__((visibility("hidden"))) void __wrap__ZN5faiss9fvec_maddEmPKffS1_Pf(size_t n, const float* a, float bf, const float* b,
                                                                                 float* c) {
  madd(n, a, bf, b, c);
}

// c = a + bf * b, and the index of the smallest element of c below 1e20 (FAISS's sentinel).
__attribute__((visibility("hidden"))) int __wrap__ZN5faiss20fvec_madd_and_argminEmPKffS1_Pf(size_t n, const float* a, float bf,
                                                                                            const float* b, float* c) {
  madd(n, a, bf, b, c);
  int best = -1;  // as FAISS: -1 when n is 0
  float smallest = 1e20f;
  for (size_t i = 0; i < n; i++) {
    if (c[i] < smallest) {
      smallest = c[i];
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // extern "C"
