// templates.h — account messages' templates (issue 14, Messages), the pure
// part: for every kind of jb::msg (message.h) a default template (a subject
// and a Markdown body with {{variable}} placeholders), the variables each kind
// offers, the validation of a template an admin saves, and the rendering into
// what the channels deliver: a subject, plain text and HTML.
//
// Rendering: placeholders are replaced by the variables' values (unknown or
// missing ones by ""). In the body a value is escaped first — line breaks
// become spaces and every ASCII punctuation character gets a backslash — so a
// value cannot add Markdown or HTML of its own. The Markdown is parsed by
// libcmark; the HTML is cmark's safe rendering (raw HTML in the template is
// dropped, "javascript:" and similar links are emptied); the plain text walks
// cmark's tree: paragraphs and headings end with a blank line, list items
// start with "- " (or "1. "), links read "text (url)" — just the url when the
// text is the url itself, so a link alone on its line stays alone on its
// line — and raw HTML is left out. The subject is the template's subject with
// the values inserted as they are, control characters removed.
//
// Thread-safety: pure functions over values (libcmark keeps no global state
// for parsing and rendering).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jb::msg {

using Vars = std::vector<std::pair<std::string, std::string>>;

struct Template {
  std::string subject;
  std::string body;  // Markdown
};

struct Rendered {
  std::string subject, text, html;
};

// The variables a kind's template may use ({} for an unknown kind).
const std::vector<std::string>& template_variables(std::string_view kind);
// The built-in template of a kind (empty for an unknown kind).
Template default_template(std::string_view kind);
// Sample values of every variable, for previews.
Vars sample_vars(std::string_view kind);

// What is wrong with a template for `kind`, field by field ("subject",
// "body"); empty = it may be saved. Checks: not empty, bounded (subject 200,
// body 20000 bytes), valid UTF-8, no control characters in the subject,
// placeholders well formed and among the kind's variables.
std::vector<std::pair<std::string, std::string>> validate_template(std::string_view kind,
                                                                   const Template& t);

// Replaces the placeholders (escape = Markdown-escape the values).
std::string substitute(std::string_view text, const Vars& vars, bool escape);
// Backslash-escapes ASCII punctuation; line breaks become spaces.
std::string escape_markdown(std::string_view value);
// Markdown → safe HTML / plain text (see above).
std::string markdown_to_html(std::string_view markdown);
std::string markdown_to_text(std::string_view markdown);

Rendered render(const Template& t, const Vars& vars);
// The same, with {{server_name}} = server_name (JB_SERVER_NAME) unless vars set it.
Rendered render(const Template& t, Vars vars, std::string_view server_name);

}  // namespace jb::msg
