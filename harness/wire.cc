#include "harness/wire.h"

#include <bit>
#include <cstring>

namespace grader::wire {
namespace {

static_assert(std::endian::native == std::endian::little, "the frames are little-endian");

constexpr char kRequestMagic[4] = {'D', 'L', 'G', 'Q'};
constexpr char kResponseMagic[4] = {'D', 'L', 'G', 'R'};
constexpr char kEndMagic[4] = {'D', 'L', 'G', 'E'};

class Writer {
 public:
  // An empty tensor's data() may be null; n == 0 never touches it.
  void Bytes(const void* data, size_t n) {
    if (n > 0) out_.append(static_cast<const char*>(data), n);
  }
  template <typename T>
  void Pod(T value) {
    Bytes(&value, sizeof(value));
  }
  void Name(const std::string& s) {
    Pod(static_cast<uint32_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  void Tensors(const reference::Tensors& tensors) {
    Pod(static_cast<uint32_t>(tensors.size()));
    for (const auto& [name, t] : tensors) {
      Name(name);
      Pod(static_cast<uint8_t>(t.kind));
      Pod(t.rows);
      Pod(t.cols);
      Bytes(t.values.data(), t.values.size() * sizeof(double));
    }
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads from untrusted bytes; every read is bounds-checked and every failure names the field.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  base::Status Bytes(void* out, size_t n, const char* what) {
    if (bytes_.size() - pos_ < n) {
      return base::Status::InvalidArgument(std::string("truncated frame while reading ") + what +
                                           " at byte " + std::to_string(pos_));
    }
    // memcpy's pointers must not be null even for n == 0, and a 0-row tensor's data() is.
    if (n > 0) std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
    return base::Status::Ok();
  }
  template <typename T>
  base::Status Pod(T* out, const char* what) {
    return Bytes(out, sizeof(T), what);
  }

  base::Status Magic(const char (&magic)[4], const char* what) {
    char got[4];
    RETURN_IF_ERROR(Bytes(got, 4, what));
    if (std::memcmp(got, magic, 4) != 0) {
      return base::Status::InvalidArgument(std::string("bad ") + what + " marker");
    }
    return base::Status::Ok();
  }

  base::Status Name(std::string* out, const char* what) {
    uint32_t n = 0;
    RETURN_IF_ERROR(Pod(&n, what));
    if (n == 0 || n > kMaxNameBytes) {
      return base::Status::InvalidArgument(std::string(what) + " length " + std::to_string(n) +
                                           " is outside 1.." + std::to_string(kMaxNameBytes));
    }
    out->resize(n);
    RETURN_IF_ERROR(Bytes(out->data(), n, what));
    for (char c : *out) {
      bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) return base::Status::InvalidArgument(std::string(what) + " has a bad character");
    }
    return base::Status::Ok();
  }

  base::Status Tensors(reference::Tensors* out) {
    uint32_t count = 0;
    RETURN_IF_ERROR(Pod(&count, "tensor count"));
    if (count > kMaxTensors) {
      return base::Status::InvalidArgument("tensor count " + std::to_string(count) + " exceeds " +
                                           std::to_string(kMaxTensors));
    }
    for (uint32_t i = 0; i < count; ++i) {
      std::string name;
      RETURN_IF_ERROR(Name(&name, "tensor name"));
      uint8_t kind = 0;
      reference::Tensor t;
      RETURN_IF_ERROR(Pod(&kind, "tensor kind"));
      if (kind < 1 || kind > 4) {
        return base::Status::InvalidArgument("tensor '" + name + "' has unknown kind " +
                                             std::to_string(kind));
      }
      t.kind = static_cast<reference::TensorKind>(kind);
      RETURN_IF_ERROR(Pod(&t.rows, "tensor rows"));
      RETURN_IF_ERROR(Pod(&t.cols, "tensor cols"));
      if (t.rows < 0 || t.cols < 0 || t.rows > kMaxDimension || t.cols > kMaxDimension) {
        return base::Status::InvalidArgument("tensor '" + name + "' has impossible shape " +
                                             std::to_string(t.rows) + "x" + std::to_string(t.cols));
      }
      const auto count_values = static_cast<size_t>(t.rows) * static_cast<size_t>(t.cols);
      if (count_values > (bytes_.size() - pos_) / sizeof(double)) {
        return base::Status::InvalidArgument("tensor '" + name + "' claims " +
                                             std::to_string(count_values) +
                                             " values but the frame is shorter");
      }
      t.values.resize(count_values);
      RETURN_IF_ERROR(Bytes(t.values.data(), count_values * sizeof(double), "tensor values"));
      if (!out->emplace(name, std::move(t)).second) {
        return base::Status::InvalidArgument("tensor '" + name + "' appears twice");
      }
    }
    return base::Status::Ok();
  }

  base::Status Finish() {
    if (pos_ != bytes_.size()) {
      return base::Status::InvalidArgument(std::to_string(bytes_.size() - pos_) +
                                           " unexpected bytes after the frame");
    }
    return base::Status::Ok();
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

base::Status VersionCheck(Reader& reader) {
  uint32_t version = 0;
  RETURN_IF_ERROR(reader.Pod(&version, "version"));
  if (version != kVersion) {
    return base::Status::InvalidArgument("protocol version " + std::to_string(version) +
                                         " is not " + std::to_string(kVersion));
  }
  return base::Status::Ok();
}

}  // namespace

std::string EncodeRequest(const Request& request) {
  Writer w;
  w.Bytes(kRequestMagic, 4);
  w.Pod(kVersion);
  w.Bytes(request.nonce.data(), request.nonce.size());
  w.Name(request.entry);
  w.Tensors(request.inputs);
  w.Bytes(kEndMagic, 4);
  return w.Take();
}

std::string EncodeResponse(const Response& response) {
  Writer w;
  w.Bytes(kResponseMagic, 4);
  w.Pod(kVersion);
  w.Bytes(response.nonce.data(), response.nonce.size());
  w.Tensors(response.outputs);
  w.Bytes(kEndMagic, 4);
  return w.Take();
}

base::StatusOr<Request> DecodeRequest(std::string_view bytes) {
  Reader r(bytes);
  Request request;
  RETURN_IF_ERROR(r.Magic(kRequestMagic, "request start"));
  RETURN_IF_ERROR(VersionCheck(r));
  RETURN_IF_ERROR(r.Bytes(request.nonce.data(), request.nonce.size(), "nonce"));
  RETURN_IF_ERROR(r.Name(&request.entry, "entry name"));
  RETURN_IF_ERROR(r.Tensors(&request.inputs));
  RETURN_IF_ERROR(r.Magic(kEndMagic, "request end"));
  RETURN_IF_ERROR(r.Finish());
  return request;
}

base::StatusOr<Response> DecodeResponse(std::string_view bytes) {
  if (bytes.empty()) return base::Status::InvalidArgument("no response frame");
  Reader r(bytes);
  Response response;
  RETURN_IF_ERROR(r.Magic(kResponseMagic, "response start"));
  RETURN_IF_ERROR(VersionCheck(r));
  RETURN_IF_ERROR(r.Bytes(response.nonce.data(), response.nonce.size(), "nonce"));
  RETURN_IF_ERROR(r.Tensors(&response.outputs));
  RETURN_IF_ERROR(r.Magic(kEndMagic, "response end"));
  RETURN_IF_ERROR(r.Finish());
  return response;
}

}  // namespace grader::wire
