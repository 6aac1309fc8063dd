#include "base/utf8.h"

#include <cstdio>

namespace base::utf8 {
namespace {

// The valid range of the second byte after each lead byte (RFC 3629's table); later
// continuation bytes are always 0x80..0xBF.
struct LeadByte {
  int length = 0;  // 0: never a lead byte
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
};

LeadByte Lead(unsigned char byte) {
  if (byte < 0x80) return {1};
  if (byte >= 0xC2 && byte <= 0xDF) return {2};
  if (byte == 0xE0) return {3, 0xA0, 0xBF};  // below: overlong
  if (byte == 0xED) return {3, 0x80, 0x9F};  // above: surrogates
  if (byte >= 0xE1 && byte <= 0xEF) return {3};
  if (byte == 0xF0) return {4, 0x90, 0xBF};  // below: overlong
  if (byte >= 0xF1 && byte <= 0xF3) return {4};
  if (byte == 0xF4) return {4, 0x80, 0x8F};  // above: > U+10FFFF
  return {};  // continuation bytes, C0/C1 (always overlong), F5..FF (beyond U+10FFFF)
}

bool IsC1OrBidiControl(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

bool DecodeNext(std::string_view text, size_t* pos, char32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char first = byte(*pos);
  const LeadByte lead = Lead(first);
  if (lead.length == 0) {
    *code_point = kReplacement;
    *pos += 1;
    return false;
  }
  if (lead.length == 1) {
    *code_point = first;
    *pos += 1;
    return true;
  }
  char32_t value = first & (0xFF >> (lead.length + 1));
  size_t i = *pos + 1;
  for (int k = 1; k < lead.length; ++k, ++i) {
    const unsigned char low = k == 1 ? lead.second_low : 0x80;
    const unsigned char high = k == 1 ? lead.second_high : 0xBF;
    if (i >= text.size() || byte(i) < low || byte(i) > high) {
      // The maximal subpart ends before the offending byte, which starts the next decode.
      *code_point = kReplacement;
      *pos = i;
      return false;
    }
    value = (value << 6) | (byte(i) & 0x3F);
  }
  *code_point = value;
  *pos = i;
  return true;
}

void Append(char32_t c, std::string* out) {
  if (c < 0x80) {
    *out += static_cast<char>(c);
  } else if (c < 0x800) {
    *out += static_cast<char>(0xC0 | (c >> 6));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out += static_cast<char>(0xE0 | (c >> 12));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (c >> 18));
    *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool IsValid(std::string_view text) {
  size_t pos = 0;
  char32_t c = 0;
  while (pos < text.size()) {
    if (!DecodeNext(text, &pos, &c)) return false;
  }
  return true;
}

std::string Sanitise(std::string_view text) {
  if (IsValid(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  size_t pos = 0;
  char32_t c = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    if (DecodeNext(text, &pos, &c)) {
      out.append(text.substr(start, pos - start));
    } else {
      Append(kReplacement, &out);
    }
  }
  return out;
}

std::string_view TruncateAtBoundary(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Back up over continuation bytes (at most three) to the start of the cut character.
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++k) {
    --cut;
  }
  if ((static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) cut = max_bytes;  // not UTF-8 anyway
  return text.substr(0, cut);
}

std::string EscapeForTerminal(std::string_view text, bool multiline) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  char32_t c = 0;
  char escape[12];
  while (pos < text.size()) {
    const size_t start = pos;
    if (!DecodeNext(text, &pos, &c)) {
      Append(kReplacement, &out);
    } else if ((c < 0x20 && c != '\t' && !(multiline && c == '\n')) || c == 0x7F) {
      std::snprintf(escape, sizeof(escape), "\\x%02x", static_cast<unsigned>(c));
      out += escape;
    } else if (IsC1OrBidiControl(c)) {
      std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned>(c));
      out += escape;
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

}  // namespace base::utf8
