// templates.cpp — see templates.h.
#include "common/notify/templates.h"

#include <cmark.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

namespace jb::msg {

namespace {

constexpr size_t kMaxSubject = 200;
constexpr size_t kMaxBody = 20000;

struct Builtin {
  std::vector<std::string> vars;
  Template t;
};

const std::map<std::string, Builtin, std::less<>>& builtins() {
  static const std::map<std::string, Builtin, std::less<>> b{
      {"invite",
       {{"link", "invite_label", "expires_at", "server_name", "message"},
        {"You are invited to {{server_name}}",
         "# You are invited\n\nYou have been invited to **{{server_name}}** "
         "({{invite_label}}).\n\n{{message}}\n\nOpen this link to create your account (it works "
         "until {{expires_at}}):\n\n[{{link}}]({{link}})\n"}}},
      {"welcome",
       {{"user_name", "server_name", "link", "expires_at"},
        {"Welcome to {{server_name}}, {{user_name}}",
         "# Welcome, {{user_name}}\n\nYour account on **{{server_name}}** is ready.\n\nSign in "
         "here:\n\n[{{link}}]({{link}})\n"}}},
      {"confirmation",
       {{"link", "server_name"},
        {"Confirm your email address",
         "You are creating an account with an invite to a Jellyfin server.\n\nOpen this link "
         "within 30 minutes to confirm this address and finish (it works once):\n\n"
         "[{{link}}]({{link}})\n\nIf you did not ask for it, ignore this email.\n"}}},
      {"reset",
       {{"user_name", "link", "server_name"},
        {"Set a new password for {{user_name}}",
         "Someone (hopefully you) asked to set a new password for the Jellyfin account "
         "{{user_name}}.\n\nOpen this link within 30 minutes to choose one (it works once):\n\n"
         "[{{link}}]({{link}})\n\nIf you did not ask for it, ignore this email: your password "
         "stays as it is.\n"}}},
      {"expiry_reminder",
       {{"user_name", "expires_at", "days_left", "server_name", "link"},
        {"Your account on {{server_name}} expires in {{days_left}} days",
         "Hello {{user_name}},\n\nyour account on **{{server_name}}** expires on "
         "{{expires_at}} ({{days_left}} days from now).\n\nAsk an administrator if you would "
         "like to keep it.\n"}}},
      {"expiry_changed",
       {{"user_name", "expires_at", "server_name"},
        {"Your account's expiry date changed",
         "Hello {{user_name}},\n\nyour account on **{{server_name}}** now expires on "
         "{{expires_at}}.\n"}}},
      {"expired",
       {{"user_name", "server_name", "action"},
        {"Your account on {{server_name}} has expired",
         "Hello {{user_name}},\n\nyour account on **{{server_name}}** has expired and is "
         "{{action}}. Ask an administrator to renew it.\n"}}},
      {"disabled",
       {{"user_name", "server_name", "message"},
        {"Your account on {{server_name}} was disabled",
         "Hello {{user_name}},\n\nyour account on **{{server_name}}** was disabled by an "
         "administrator.\n\n{{message}}\n"}}},
      {"enabled",
       {{"user_name", "server_name"},
        {"Your account on {{server_name}} is enabled again",
         "Hello {{user_name}},\n\nyour account on **{{server_name}}** is enabled again.\n"}}},
      {"deleted",
       {{"user_name", "server_name", "message"},
        {"Your account on {{server_name}} was deleted",
         "Hello {{user_name}},\n\nyour account on **{{server_name}}** was deleted.\n\n"
         "{{message}}\n"}}},
      {"announcement",
       {{"user_name", "server_name", "subject", "message"},
        {"{{subject}}", "# {{subject}}\n\n{{message}}\n"}}},
      {"contact_code",
       {{"user_name", "server_name", "code", "channel", "expires_at"},
        {"Your confirmation code for {{server_name}}",
         "Your code to confirm this {{channel}} contact for {{server_name}} is **{{code}}**.\n\n"
         "It works once, until {{expires_at}}. If you did not ask for it, ignore this "
         "message.\n"}}},
      {"invite_used",
       {{"user_name", "server_name", "invite_label", "new_user_name"},
        {"{{new_user_name}} signed up with the invite {{invite_label}}",
         "Hello {{user_name}},\n\n**{{new_user_name}}** created an account on "
         "**{{server_name}}** with the invite \"{{invite_label}}\".\n"}}},
      {"invite_expired",
       {{"user_name", "server_name", "invite_label", "uses", "expires_at"},
        {"The invite {{invite_label}} has expired",
         "Hello {{user_name}},\n\nthe invite \"{{invite_label}}\" to **{{server_name}}** has "
         "expired after {{uses}} sign-ups.\n"}}},
  };
  return b;
}

const std::map<std::string, std::string, std::less<>>& samples() {
  static const std::map<std::string, std::string, std::less<>> s{
      {"user_name", "alice"},
      {"server_name", "Jellyfin at home"},
      {"link", "https://media.example.org/#/example"},
      {"expires_at", "2027-01-31"},
      {"days_left", "7"},
      {"invite_label", "Family"},
      {"message", "A note from the administrator."},
      {"subject", "Maintenance on Saturday"},
      {"action", "disabled"},
      {"code", "381 204"},
      {"channel", "Telegram"},
      {"new_user_name", "bob"},
      {"uses", "3"},
  };
  return s;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80             ? 0
                     : (c & 0xE0) == 0xC0 ? 1
                     : (c & 0xF0) == 0xE0 ? 2
                     : (c & 0xF8) == 0xF0 ? 3
                                          : 4;
    if (n == 4 || i + n >= s.size() + (n == 0 ? 1 : 0) || (n > 0 && i + n > s.size() - 1))
      return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Calls `f(name)` for every placeholder; false when one is malformed.
template <typename F>
bool each_placeholder(std::string_view text, F&& f, std::string* out = nullptr) {
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      if (out) out->append(text.substr(i));
      return true;
    }
    if (out) out->append(text.substr(i, open - i));
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return false;
    std::string_view inner = text.substr(open + 2, close - open - 2);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(), name_char)) return false;
    f(std::string(inner), out);
    i = close + 2;
  }
  return true;
}

struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
using NodePtr = std::unique_ptr<cmark_node, NodeFree>;

NodePtr parse(std::string_view md) {
  return NodePtr(cmark_parse_document(md.data(), md.size(), CMARK_OPT_VALIDATE_UTF8));
}

bool in_tight_list(cmark_node* para) {
  cmark_node* item = cmark_node_parent(para);
  if (item == nullptr || cmark_node_get_type(item) != CMARK_NODE_ITEM) return false;
  cmark_node* list = cmark_node_parent(item);
  return list != nullptr && cmark_node_get_list_tight(list) != 0;
}

}  // namespace

const std::vector<std::string>& template_variables(std::string_view kind) {
  static const std::vector<std::string> none;
  auto it = builtins().find(kind);
  return it == builtins().end() ? none : it->second.vars;
}

Template default_template(std::string_view kind) {
  auto it = builtins().find(kind);
  return it == builtins().end() ? Template{} : it->second.t;
}

Vars sample_vars(std::string_view kind) {
  Vars v;
  for (const auto& name : template_variables(kind)) {
    auto it = samples().find(name);
    v.emplace_back(name, it == samples().end() ? name : it->second);
  }
  return v;
}

std::vector<std::pair<std::string, std::string>> validate_template(std::string_view kind,
                                                                   const Template& t) {
  std::vector<std::pair<std::string, std::string>> p;
  const auto& allowed = template_variables(kind);
  auto check = [&](const char* field, const std::string& text, size_t max) {
    if (text.empty()) return p.emplace_back(field, "must not be empty"), void();
    if (text.size() > max)
      return p.emplace_back(field, "must be at most " + std::to_string(max) + " bytes"), void();
    if (!valid_utf8(text)) return p.emplace_back(field, "must be UTF-8 text"), void();
    std::vector<std::string> unknown;
    bool ok = each_placeholder(text, [&](const std::string& name, std::string*) {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end() &&
          std::find(unknown.begin(), unknown.end(), name) == unknown.end())
        unknown.push_back(name);
    });
    if (!ok) return p.emplace_back(field, "has a malformed {{placeholder}}"), void();
    if (!unknown.empty()) {
      std::string names, offered;
      for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
      for (const auto& a : allowed) offered += (offered.empty() ? "" : ", ") + a;
      p.emplace_back(field, "uses unknown variables (" + names + "); this kind offers: " + offered);
    }
  };
  check("subject", t.subject, kMaxSubject);
  if (std::any_of(t.subject.begin(), t.subject.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    p.emplace_back("subject", "must be one line without control characters");
  check("body", t.body, kMaxBody);
  return p;
}

std::string escape_markdown(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : value) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
               (c >= '{' && c <= '~')) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string substitute(std::string_view text, const Vars& vars, bool escape) {
  std::string out;
  bool ok = each_placeholder(
      text,
      [&](const std::string& name, std::string* o) {
        for (const auto& [k, v] : vars)
          if (k == name) {
            o->append(escape ? escape_markdown(v) : v);
            return;
          }
      },
      &out);
  if (!ok) return std::string(text);  // a malformed template (never saved): as it is
  return out;
}

std::string markdown_to_html(std::string_view markdown) {
  NodePtr doc = parse(markdown);
  if (!doc) return "";
  char* html = cmark_render_html(doc.get(), CMARK_OPT_DEFAULT);
  std::string out = html ? html : "";
  std::free(html);
  return out;
}

std::string markdown_to_text(std::string_view markdown) {
  NodePtr doc = parse(markdown);
  if (!doc) return "";
  std::string out;
  std::vector<size_t> link_starts;
  auto block_end = [&out](const char* sep) {
    while (!out.empty() && (out.back() == ' ')) out.pop_back();
    out += sep;
  };
  cmark_iter* it = cmark_iter_new(doc.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it);
    const bool enter = ev == CMARK_EVENT_ENTER;
    const char* lit = cmark_node_get_literal(n);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        if (lit) out += lit;
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        out += '\n';
        break;
      case CMARK_NODE_CODE_BLOCK:
        if (lit) out += lit;
        block_end("\n");
        break;
      case CMARK_NODE_THEMATIC_BREAK:
        out += "----\n\n";
        break;
      case CMARK_NODE_PARAGRAPH:
        if (!enter) block_end(in_tight_list(n) ? "\n" : "\n\n");
        break;
      case CMARK_NODE_HEADING:
        if (!enter) block_end("\n\n");
        break;
      case CMARK_NODE_ITEM:
        if (enter) {
          cmark_node* list = cmark_node_parent(n);
          if (list && cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
            int k = cmark_node_get_list_start(list);
            for (cmark_node* s = cmark_node_previous(n); s; s = cmark_node_previous(s)) ++k;
            out += std::to_string(k) + ". ";
          } else {
            out += "- ";
          }
        }
        break;
      case CMARK_NODE_LIST:
        if (!enter && (out.size() < 2 || out.compare(out.size() - 2, 2, "\n\n") != 0)) out += '\n';
        break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE:
        if (enter) {
          link_starts.push_back(out.size());
        } else {
          const size_t start = link_starts.empty() ? out.size() : link_starts.back();
          if (!link_starts.empty()) link_starts.pop_back();
          const char* url = cmark_node_get_url(n);
          const std::string u = url ? url : "";
          if (!u.empty() && out.compare(start, std::string::npos, u) != 0) {
            if (out.size() == start)
              out += u;
            else
              out += " (" + u + ")";
          }
        }
        break;
      default:  // document, block quote, emphasis, strong; raw HTML is left out
        break;
    }
  }
  cmark_iter_free(it);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (!out.empty()) out += '\n';
  return out;
}

Rendered render(const Template& t, Vars vars, std::string_view server_name) {
  if (std::none_of(vars.begin(), vars.end(),
                   [](const auto& kv) { return kv.first == "server_name"; }))
    vars.emplace_back("server_name", std::string(server_name));
  return render(t, vars);
}

Rendered render(const Template& t, const Vars& vars) {
  Rendered r;
  for (char c : substitute(t.subject, vars, false))
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) r.subject += c;
  const std::string md = substitute(t.body, vars, true);
  r.text = markdown_to_text(md);
  r.html = markdown_to_html(md);
  return r;
}

}  // namespace jb::msg
