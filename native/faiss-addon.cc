// Doppel's FAISS addon: the few index operations the app uses, taking and returning typed arrays.
//
// faiss-node (the npm package) reads plain JS arrays element by element through N-API (~100 ns per
// float: 100 s of a 1M-photo index build) and has no setter for search parameters (nprobe,
// efSearch). This addon reads Float32Array memory in place, returns Float32Array/Int32Array
// results, and sets search parameters through faiss::ParameterSpace. scripts/build-faiss.mjs
// compiles it against the system libfaiss (Debian: libfaiss-dev) into the faiss-node package
// folder, so packaging that ships node_modules/faiss-node ships it too.
//
// Every faiss call is wrapped: a C++ exception escaping N-API aborts the process, so faiss errors
// (and std::bad_alloc) become JS errors that say what was attempted.
#include <napi.h>

#include <faiss/AutoTune.h>
#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

#ifndef DOPPEL_FAISS_BUILD_ID
#define DOPPEL_FAISS_BUILD_ID "dev"
#endif

namespace {

// Runs `body`, turning C++ exceptions into a pending JS exception (returns false then).
template <typename Body>
bool guarded(Napi::Env env, const std::string& attempt, Body&& body) {
  try {
    body();
    return true;
  } catch (const std::exception& error) {
    Napi::Error::New(env, "Cannot " + attempt + ": " + error.what()).ThrowAsJavaScriptException();
  } catch (...) {
    Napi::Error::New(env, "Cannot " + attempt + ": unknown native error").ThrowAsJavaScriptException();
  }
  return false;
}

// What the addon keeps per environment. The main thread and every worker thread that loads the
// addon (the near-pair search runs in one) are environments of their own, each with its own JS heap,
// and a JS handle is only valid in the one that made it: a constructor kept in a static was
// overwritten by whichever thread loaded the addon last, and the engine's next index then came from
// a worker's (often finished) environment: FATAL ERROR v8::HandleScope::CreateHandle(), or SIGSEGV.
// Node frees this with its environment. No other state of the addon outlives a call.
struct AddonData {
  Napi::FunctionReference nativeIndex;
};

class NativeIndex : public Napi::ObjectWrap<NativeIndex> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "NativeIndex",
                                     {
                                         InstanceMethod("ntotal", &NativeIndex::Ntotal),
                                         InstanceMethod("dimension", &NativeIndex::Dimension),
                                         InstanceMethod("isTrained", &NativeIndex::IsTrained),
                                         InstanceMethod("train", &NativeIndex::Train),
                                         InstanceMethod("trainAsync", &NativeIndex::TrainAsync),
                                         InstanceMethod("add", &NativeIndex::Add),
                                         InstanceMethod("search", &NativeIndex::Search),
                                         InstanceMethod("setParameter", &NativeIndex::SetParameter),
                                         InstanceMethod("write", &NativeIndex::Write),
                                         InstanceMethod("dispose", &NativeIndex::Dispose),
                                     });
    // Loading the addon again in the same environment (another path to it) replaces the class.
    AddonData* data = env.GetInstanceData<AddonData>();
    if (!data) {
      data = new AddonData();
      env.SetInstanceData(data);
    }
    data->nativeIndex = Napi::Persistent(cls);
    exports.Set("NativeIndex", cls);
  }

  explicit NativeIndex(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeIndex>(info) {}

  // A new JS NativeIndex (of the calling environment's class) that owns `index`.
  static Napi::Object Wrap(Napi::Env env, faiss::Index* index) {
    std::unique_ptr<faiss::Index> owned(index);  // freed if the object cannot be made
    Napi::Object object = env.GetInstanceData<AddonData>()->nativeIndex.New({});
    Unwrap(object)->index_ = std::move(owned);
    return object;
  }

 private:
  friend class TrainWorker;

  std::unique_ptr<faiss::Index> index_;
  // True while trainAsync runs on a libuv thread: every other call throws meanwhile, and a dispose
  // waits for the training to end (FAISS is not safe to use from two threads on one index).
  bool busy_ = false;
  bool disposeWhenIdle_ = false;

  // The inverted-file index inside `index` (behind any pre-transform), or null.
  static faiss::IndexIVF* InvertedFile(faiss::Index* index) {
    if (auto* transformed = dynamic_cast<faiss::IndexPreTransform*>(index)) index = transformed->index;
    return dynamic_cast<faiss::IndexIVF*>(index);
  }

  // The HNSW index inside `index` (behind any pre-transform), or null.
  static faiss::IndexHNSW* Graph(faiss::Index* index) {
    if (auto* transformed = dynamic_cast<faiss::IndexPreTransform*>(index)) index = transformed->index;
    return dynamic_cast<faiss::IndexHNSW*>(index);
  }

  faiss::Index* Require(Napi::Env env) {
    if (busy_) {
      Napi::Error::New(env, "the native index is training on another thread").ThrowAsJavaScriptException();
      return nullptr;
    }
    if (!index_) Napi::Error::New(env, "the native index was disposed").ThrowAsJavaScriptException();
    return index_.get();
  }

  // dispose(): frees the index now. V8 does not see native memory, so a dropped 1M-vector index
  // (~1 GB) would otherwise wait for a garbage collection that nothing prompts.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_)
      disposeWhenIdle_ = true;
    else
      index_.reset();
    return info.Env().Undefined();
  }

  // The rows of a Float32Array argument, checked to be whole rows of the index's dimension.
  bool Rows(const Napi::CallbackInfo& info, size_t arg, const char* what, const float** data, int64_t* rows) {
    Napi::Env env = info.Env();
    if (info.Length() <= arg || !info[arg].IsTypedArray() ||
        info[arg].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      Napi::TypeError::New(env, std::string(what) + " must be a Float32Array").ThrowAsJavaScriptException();
      return false;
    }
    Napi::Float32Array array = info[arg].As<Napi::Float32Array>();
    const size_t dim = static_cast<size_t>(index_->d);
    if (array.ElementLength() % dim != 0) {
      Napi::RangeError::New(env, std::string(what) + " holds " + std::to_string(array.ElementLength()) +
                                     " floats, not a multiple of the dimension " + std::to_string(dim))
          .ThrowAsJavaScriptException();
      return false;
    }
    *data = array.Data();
    *rows = static_cast<int64_t>(array.ElementLength() / dim);
    return true;
  }

  Napi::Value Ntotal(const Napi::CallbackInfo& info) {
    faiss::Index* index = Require(info.Env());
    if (!index) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), static_cast<double>(index->ntotal));
  }

  Napi::Value Dimension(const Napi::CallbackInfo& info) {
    faiss::Index* index = Require(info.Env());
    if (!index) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), index->d);
  }

  Napi::Value IsTrained(const Napi::CallbackInfo& info) {
    faiss::Index* index = Require(info.Env());
    if (!index) return info.Env().Undefined();
    return Napi::Boolean::New(info.Env(), index->is_trained);
  }

  // train(vectors: Float32Array, kmeansIterations?: number): learns the index's transforms and
  // quantizers from the rows. kmeansIterations overrides FAISS's 25 k-means iterations for the
  // coarse quantizer of an inverted-file index (ignored by other kinds).
  Napi::Value Train(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    faiss::Index* index = Require(env);
    const float* data;
    int64_t rows;
    if (!index || !Rows(info, 0, "training vectors", &data, &rows)) return env.Undefined();
    if (info.Length() > 1 && info[1].IsNumber()) {
      faiss::IndexIVF* ivf = InvertedFile(index);
      if (ivf) ivf->cp.niter = std::max(1, info[1].As<Napi::Number>().Int32Value());
    }
    guarded(env, "train the index on " + std::to_string(rows) + " vectors", [&] { index->train(rows, data); });
    return env.Undefined();
  }

  // trainAsync(vectors: Float32Array): Promise<void>, train() on a libuv thread. Learning a PCA takes
  // about a second whatever the sample (the 1024 x 1024 eigendecomposition), which the engine's
  // event loop, serving the bridge's requests, must not spend. The promise rejects as train throws.
  Napi::Value TrainAsync(const Napi::CallbackInfo& info);

  // add(vectors: Float32Array): appends the rows; they get ids ntotal..ntotal+n-1.
  Napi::Value Add(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    faiss::Index* index = Require(env);
    const float* data;
    int64_t rows;
    if (!index || !Rows(info, 0, "vectors to add", &data, &rows)) return env.Undefined();
    if (!index->is_trained) {
      Napi::Error::New(env, "Cannot add vectors: the index is not trained").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    guarded(env, "add " + std::to_string(rows) + " vectors", [&] { index->add(rows, data); });
    return env.Undefined();
  }

  // search(queries: Float32Array, k): { distances: Float32Array, labels: Int32Array }, nq × k each,
  // row-major, best first; labels are -1 where fewer than k results exist.
  Napi::Value Search(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    faiss::Index* index = Require(env);
    const float* data;
    int64_t rows;
    if (!index || !Rows(info, 0, "queries", &data, &rows)) return env.Undefined();
    if (info.Length() < 2 || !info[1].IsNumber() || info[1].As<Napi::Number>().Int64Value() < 1) {
      Napi::TypeError::New(env, "k must be a positive integer").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const int64_t k = info[1].As<Napi::Number>().Int64Value();
    const size_t results = static_cast<size_t>(rows) * static_cast<size_t>(k);
    Napi::Float32Array distances = Napi::Float32Array::New(env, results);
    Napi::Int32Array labels = Napi::Int32Array::New(env, results);
    std::unique_ptr<int64_t[]> ids;  // faiss's idx_t: int64_t in every version (its namespace moved in 1.7.4)
    bool ok = guarded(env, "search " + std::to_string(rows) + " queries for " + std::to_string(k) + " neighbours", [&] {
      ids.reset(new int64_t[results]);
      index->search(rows, data, k, distances.Data(), ids.get());
    });
    if (!ok) return env.Undefined();
    int32_t* out = labels.Data();
    // Positions stay below 2^31 (the index holds at most a few million photos); -1 stays -1.
    for (size_t i = 0; i < results; i++) out[i] = static_cast<int32_t>(ids[i]);
    Napi::Object result = Napi::Object::New(env);
    result.Set("distances", distances);
    result.Set("labels", labels);
    return result;
  }

  // setParameter(name, value): a faiss ParameterSpace search parameter ("nprobe", "efSearch", ...),
  // applied to the index inside any pre-transform (PCA), or "efConstruction" (HNSW build breadth,
  // which ParameterSpace does not know; set it before adding vectors).
  Napi::Value SetParameter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    faiss::Index* index = Require(env);
    if (!index) return env.Undefined();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
      Napi::TypeError::New(env, "setParameter(name: string, value: number)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    const double value = info[1].As<Napi::Number>().DoubleValue();
    guarded(env, "set index parameter " + name, [&] {
      if (name == "efConstruction") {
        faiss::IndexHNSW* hnsw = Graph(index);
        if (!hnsw) throw std::invalid_argument("the index has no HNSW graph");
        hnsw->hnsw.efConstruction = std::max(1, static_cast<int>(value));
      } else {
        faiss::ParameterSpace().set_index_parameter(index, name, value);
      }
    });
    return env.Undefined();
  }

  Napi::Value Write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    faiss::Index* index = Require(env);
    if (!index) return env.Undefined();
    if (info.Length() < 1 || !info[0].IsString()) {
      Napi::TypeError::New(env, "write(file: string)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const std::string file = info[0].As<Napi::String>().Utf8Value();
    guarded(env, "write the index to " + file, [&] { faiss::write_index(index, file.c_str()); });
    return env.Undefined();
  }
};

// Trains one index on a libuv thread. It holds the JS index and the vectors until it settles, so
// neither is collected while FAISS reads them.
class TrainWorker : public Napi::AsyncWorker {
 public:
  TrainWorker(Napi::Env env, NativeIndex* owner, Napi::Object self, Napi::Float32Array vectors, const float* data, int64_t rows)
      : Napi::AsyncWorker(env, "doppel-faiss-train"),
        deferred_(Napi::Promise::Deferred::New(env)),
        owner_(owner),
        self_(Napi::Persistent(self)),
        vectors_(Napi::Persistent(vectors)),
        data_(data),
        rows_(rows) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      owner_->index_->train(rows_, data_);
    } catch (const std::exception& error) {
      SetError("Cannot train the index on " + std::to_string(rows_) + " vectors: " + error.what());
    } catch (...) {
      SetError("Cannot train the index on " + std::to_string(rows_) + " vectors: unknown native error");
    }
  }

  void OnOK() override {
    Settle();
    deferred_.Resolve(Env().Undefined());
  }

  void OnError(const Napi::Error& error) override {
    Settle();
    deferred_.Reject(error.Value());
  }

 private:
  void Settle() {
    owner_->busy_ = false;
    if (owner_->disposeWhenIdle_) owner_->index_.reset();
  }

  Napi::Promise::Deferred deferred_;
  NativeIndex* owner_;
  Napi::ObjectReference self_;
  Napi::Reference<Napi::Float32Array> vectors_;
  const float* data_;
  int64_t rows_;
};

Napi::Value NativeIndex::TrainAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  faiss::Index* index = Require(env);
  const float* data;
  int64_t rows;
  if (!index || !Rows(info, 0, "training vectors", &data, &rows)) return env.Undefined();
  auto* worker = new TrainWorker(env, this, info.This().As<Napi::Object>(), info[0].As<Napi::Float32Array>(), data, rows);
  busy_ = true;
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // libuv deletes the worker once it has settled
  return promise;
}

// fromFactory(dim, descriptor, metric): an empty index from a faiss index_factory string.
Napi::Value FromFactory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsNumber()) {
    Napi::TypeError::New(env, "fromFactory(dim: number, descriptor: string, metric: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int dim = info[0].As<Napi::Number>().Int32Value();
  const std::string descriptor = info[1].As<Napi::String>().Utf8Value();
  const int metric = info[2].As<Napi::Number>().Int32Value();
  if (dim < 1) {
    Napi::RangeError::New(env, "dimension must be positive").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  faiss::Index* index = nullptr;
  if (!guarded(env, "create a " + descriptor + " index", [&] {
        index = faiss::index_factory(dim, descriptor.c_str(), static_cast<faiss::MetricType>(metric));
      })) {
    return env.Undefined();
  }
  return NativeIndex::Wrap(env, index);
}

// read(file): an index written by `write`. The caller validates the file first (see index-file.ts).
Napi::Value Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "read(file: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string file = info[0].As<Napi::String>().Utf8Value();
  faiss::Index* index = nullptr;
  if (!guarded(env, "read the index " + file, [&] { index = faiss::read_index(file.c_str()); })) return env.Undefined();
  return NativeIndex::Wrap(env, index);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  NativeIndex::Init(env, exports);
  exports.Set("fromFactory", Napi::Function::New(env, FromFactory, "fromFactory"));
  exports.Set("read", Napi::Function::New(env, Read, "read"));
  exports.Set("buildId", Napi::String::New(env, DOPPEL_FAISS_BUILD_ID));
  Napi::Object metrics = Napi::Object::New(env);
  metrics.Set("innerProduct", Napi::Number::New(env, faiss::METRIC_INNER_PRODUCT));
  metrics.Set("l2", Napi::Number::New(env, faiss::METRIC_L2));
  exports.Set("metric", metrics);
  return exports;
}

}  // namespace

NODE_API_MODULE(doppel_faiss, Init)
