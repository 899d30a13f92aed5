// dotenv.cpp — see dotenv.h.
#include "tests/support/dotenv.h"

#include <cctype>

namespace jb::testing {

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}
bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string expand(const std::string& v, const std::map<std::string, std::string>& seen,
                   const EnvLookup& lookup) {
  auto value_of = [&](const std::string& name) -> std::optional<std::string> {
    if (auto it = seen.find(name); it != seen.end()) return it->second;
    if (lookup) return lookup(name);
    return std::nullopt;
  };
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() && v[i + 1] == '$') {  // an escaped dollar stays
      out += '$';
      ++i;
      continue;
    }
    if (v[i] != '$' || i + 1 >= v.size()) {
      out += v[i];
      continue;
    }
    if (v[i + 1] == '{') {
      size_t end = v.find('}', i + 2);
      if (end == std::string::npos) {
        out += v.substr(i);
        break;
      }
      std::string inner = v.substr(i + 2, end - i - 2);
      std::string name = inner, fallback;
      bool has_default = false;
      if (size_t d = inner.find(":-"); d != std::string::npos) {
        name = inner.substr(0, d);
        fallback = inner.substr(d + 2);
        has_default = true;
      }
      auto val = value_of(name);
      out += val && !(has_default && val->empty()) ? *val : (has_default ? fallback : "");
      i = end;
    } else if (name_char(v[i + 1])) {
      size_t j = i + 1;
      while (j < v.size() && name_char(v[j])) ++j;
      out += value_of(v.substr(i + 1, j - i - 1)).value_or("");
      i = j - 1;
    } else {
      out += v[i];
    }
  }
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> parse_dotenv_v2(const std::string& text,
                                                           const EnvLookup& lookup) {
  std::map<std::string, std::string> out;
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && (blank(text[i]) || text[i] == '\n')) ++i;
    if (i >= n) break;
    if (text[i] == '#') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (text.compare(i, 6, "export") == 0) {
      i += 6;
      while (i < n && blank(text[i])) ++i;
    }
    size_t start = i;
    while (i < n && text[i] != '=' && text[i] != ':' && text[i] != '\n') {
      if (!name_char(text[i]) && !blank(text[i]))
        return Error("dotenv",
                     std::string("unexpected character '") + text[i] + "' in a variable name");
      ++i;
    }
    std::string name = text.substr(start, i - start);
    while (!name.empty() && blank(name.back())) name.pop_back();
    if (name.empty()) return Error("dotenv", "a line without a variable name");
    if (i >= n || text[i] == '\n') {  // NAME alone: inherited from the environment
      if (lookup)
        if (auto v = lookup(name)) out[name] = *v;
      continue;
    }
    ++i;  // = or :
    while (i < n && blank(text[i])) ++i;
    std::string value;
    if (i < n && (text[i] == '\'' || text[i] == '"')) {
      char q = text[i];
      size_t end = i + 1;
      while (end < n && !(text[end] == q && text[end - 1] != '\\')) ++end;
      if (end >= n) return Error("dotenv", "unterminated quoted value of " + name);
      // compose-go trims every quote character at both ends of the quoted span.
      size_t a = i, b = end + 1;
      while (a < b && text[a] == q) ++a;
      while (b > a && text[b - 1] == q) --b;
      value = text.substr(a, b - a);
      if (q == '"') {
        std::string un;
        for (size_t k = 0; k < value.size(); ++k) {
          if (value[k] == '\\' && k + 1 < value.size()) {
            char c = value[k + 1];
            un += c == 'n' ? '\n' : c == 'r' ? '\r' : c;
            if (c == '$') un.insert(un.size() - 1, "\\");  // keep \$ for expand()
            ++k;
          } else {
            un += value[k];
          }
        }
        value = expand(un, out, lookup);
      }
      i = end + 1;
    } else {
      size_t end = text.find('\n', i);
      if (end == std::string::npos) end = n;
      value = text.substr(i, end - i);
      if (size_t hash = value.find('#'); hash != std::string::npos) value.resize(hash);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
        value.pop_back();
      value = expand(value, out, lookup);
      i = end;
    }
    if (lookup)
      if (auto v = lookup(name)) value = *v;  // the environment wins over the file
    out[name] = value;
  }
  return out;
}

}  // namespace jb::testing
