#include "harness/wire.h"

#include <gtest/gtest.h>

#include <cstring>

namespace grader::wire {
namespace {

using reference::Tensor;
using reference::TensorKind;

Response SampleResponse() {
  Response r;
  for (size_t i = 0; i < r.nonce.size(); ++i) r.nonce[i] = static_cast<uint8_t>(i * 7);
  r.outputs["dW"] = Tensor{TensorKind::kMatrix, 2, 3, {1, 2, 3, 4, 5, 6}};
  r.outputs["db"] = Tensor{TensorKind::kVector, 3, 1, {7, 8, 9}};
  return r;
}

TEST(WireTest, RequestRoundTrip) {
  Request q;
  q.nonce[0] = 1;
  q.entry = "relu_backward";
  q.inputs["Z"] = Tensor{TensorKind::kMatrix, 1, 2, {0.5, -1}};
  q.inputs["lr"] = Tensor{TensorKind::kScalar, 1, 1, {0.1}};
  auto d = DecodeRequest(EncodeRequest(q));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->entry, q.entry);
  EXPECT_EQ(d->nonce, q.nonce);
  EXPECT_EQ(d->inputs, q.inputs);
}

TEST(WireTest, ResponseRoundTrip) {
  Response r = SampleResponse();
  auto d = DecodeResponse(EncodeResponse(r));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->nonce, r.nonce);
  EXPECT_EQ(d->outputs, r.outputs);
}

TEST(WireTest, EveryTruncationIsRejected) {
  std::string frame = EncodeResponse(SampleResponse());
  for (size_t n = 0; n < frame.size(); ++n) {
    EXPECT_FALSE(DecodeResponse(std::string_view(frame).substr(0, n)).ok()) << "length " << n;
  }
}

TEST(WireTest, TrailingBytesRejected) {
  std::string frame = EncodeResponse(SampleResponse());
  auto d = DecodeResponse(frame + frame);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("unexpected bytes"), std::string::npos);
}

TEST(WireTest, MalformedFieldsRejectedWithReason) {
  const std::string good = EncodeResponse(SampleResponse());
  // Layout: magic(4) version(4) nonce(16) count(4) name_len(4) name(2) kind(1) rows(8) cols(8)...
  struct Case {
    const char* what;
    size_t offset;
    std::string bytes;
    const char* expect;
  };
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<char*>(&v), 4); };
  auto i64 = [](int64_t v) { return std::string(reinterpret_cast<char*>(&v), 8); };
  const Case cases[] = {
      {"bad magic", 0, "XXXX", "marker"},
      {"bad version", 4, u32(99), "version"},
      {"too many tensors", 24, u32(100000), "tensor count"},
      {"name too long", 28, u32(1000), "length"},
      {"empty name", 28, u32(0), "length"},
      {"bad name char", 32, "d/", "character"},
      {"unknown kind", 34, std::string(1, '\x09'), "kind"},
      {"negative rows", 35, i64(-1), "shape"},
      {"huge rows", 35, i64(int64_t{1} << 40), "shape"},
      {"rows beyond frame", 35, i64(1000), "shorter"},
  };
  for (const Case& c : cases) {
    std::string frame = good;
    frame.replace(c.offset, c.bytes.size(), c.bytes);
    auto d = DecodeResponse(frame);
    ASSERT_FALSE(d.ok()) << c.what;
    EXPECT_NE(d.status().message().find(c.expect), std::string::npos)
        << c.what << ": " << d.status().message();
  }
}

TEST(WireTest, DuplicateNamesRejected) {
  // Hand-build two tensors named "a".
  Response r;
  r.outputs["a"] = Tensor{TensorKind::kScalar, 1, 1, {1}};
  std::string one = EncodeResponse(r);
  // Splice: header(24) count(4) tensor... end(4). Duplicate the tensor bytes and bump the count.
  std::string tensor = one.substr(28, one.size() - 28 - 4);
  std::string frame = one.substr(0, 24);
  uint32_t two = 2;
  frame.append(reinterpret_cast<char*>(&two), 4);
  frame += tensor + tensor + one.substr(one.size() - 4);
  auto d = DecodeResponse(frame);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("twice"), std::string::npos);
}

TEST(WireTest, EmptyAndGarbageRejected) {
  EXPECT_FALSE(DecodeResponse("").ok());
  EXPECT_FALSE(DecodeResponse("All tests passed!\n").ok());
  EXPECT_FALSE(DecodeRequest(EncodeResponse(SampleResponse())).ok());
}

}  // namespace
TEST(WireTest, EmptyTensorsRoundTrip) {
  // 0 rows or 0 columns: no values, a null data() (run by wire_ubsan_test under UBSan, where a
  // memcpy from or to null, even of 0 bytes, is an error).
  Response r;
  r.outputs["none"] = Tensor{TensorKind::kMatrix, 0, 3, {}};
  r.outputs["empty"] = Tensor{TensorKind::kVector, 0, 1, {}};
  r.outputs["flat"] = Tensor{TensorKind::kMatrix, 4, 0, {}};
  auto d = DecodeResponse(EncodeResponse(r));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->outputs, r.outputs);
  Request q;
  q.entry = "f";
  q.inputs["X"] = Tensor{TensorKind::kMatrix, 0, 0, {}};
  auto dq = DecodeRequest(EncodeRequest(q));
  ASSERT_TRUE(dq.ok()) << dq.status().message();
  EXPECT_EQ(dq->inputs, q.inputs);
}

}  // namespace grader::wire
