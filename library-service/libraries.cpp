// libraries.cpp — see libraries.h.
#include "library-service/libraries.h"

#include <algorithm>

#include "common/core/json.h"
#include "common/core/time.h"

namespace jb::library {

namespace {
std::string lib_key(const std::string& c) {
  return "jb:lib:" + c;
}
std::string wl_key(const std::string& c) {
  return "jb:wl:" + c;
}
}  // namespace

bool syncable_type(const std::string& t) {
  return t.empty() || t == "movies" || t == "tvshows" || t == "mixed" || t == "homevideos";
}

Result<std::optional<LibraryList>> Libraries::cached(const std::string& conn) {
  auto r = redis_.command({"GET", lib_key(conn)});
  if (!r.ok()) return r.error();
  if (!r->is_string()) return std::optional<LibraryList>{};
  auto d = json::parse(r->str);
  if (!d.ok()) return std::optional<LibraryList>{};
  LibraryList l;
  l.fetched_ms = json::get_int(*d, "fetched_ms");
  if (const auto* a = json::member(*d, "libraries"); a && a->IsArray())
    for (const auto& v : a->GetArray()) {
      LibraryInfo i;
      i.id = json::get_string(v, "id");
      i.name = json::get_string(v, "name");
      i.type = json::get_string(v, "type");
      i.child_count = json::opt_int(v, "child_count");
      if (!i.child_count)
        i.child_count = json::opt_int(v, "item_count");  // caches written before the rename
      l.libraries.push_back(i);
    }
  return std::optional<LibraryList>(l);
}

Result<LibraryList> Libraries::store(const std::string& conn,
                                     const std::vector<jf::Library>& found) {
  LibraryList l;
  l.fetched_ms = timeutil::now_unix_ms();
  for (const auto& f : found)
    l.libraries.push_back(LibraryInfo{f.id, f.name, f.collection_type, f.child_count});
  json::Writer w;
  w.begin_object().kv("fetched_ms", l.fetched_ms).key("libraries").begin_array();
  for (const auto& i : l.libraries) {
    w.begin_object().kv("id", i.id).kv("name", i.name).kv("type", i.type);
    w.kv_opt("child_count", i.child_count);
    w.end_object();
  }
  w.end_array().end_object();
  auto r = redis_.command({"SET", lib_key(conn), w.str()});
  if (!r.ok()) return r.error();
  return l;
}

Result<std::vector<std::string>> Libraries::whitelist(const std::string& conn) {
  auto r = redis_.command({"GET", wl_key(conn)});
  if (!r.ok()) return r.error();
  std::vector<std::string> ids;
  if (!r->is_string()) return ids;
  auto d = json::parse(r->str);
  if (d.ok() && d->IsArray())
    for (const auto& v : d->GetArray())
      if (v.IsString()) ids.emplace_back(v.GetString(), v.GetStringLength());
  return ids;
}

Status Libraries::set_whitelist(const std::string& conn, const std::vector<std::string>& ids,
                                const LibraryList& known) {
  std::vector<std::string> unknown, clean;
  for (const auto& id : ids) {
    bool ok = std::any_of(known.libraries.begin(), known.libraries.end(),
                          [&](const auto& l) { return l.id == id; });
    if (!ok)
      unknown.push_back(id);
    else if (std::find(clean.begin(), clean.end(), id) == clean.end())
      clean.push_back(id);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "'" : ", '") + u + "'";
    return Error(errc::unknown_library,
                 "These library ids are not libraries of this connection: " + list +
                     ". Load the libraries again to see the current ones.",
                 400);
  }
  json::Writer w;
  w.begin_array();
  for (const auto& id : clean) w.value(id);
  w.end_array();
  auto r = redis_.command({"SET", wl_key(conn), w.str()});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

std::vector<std::string> Libraries::effective(const std::vector<std::string>& whitelist,
                                              const LibraryList& known) {
  std::vector<std::string> out;
  if (!whitelist.empty()) {
    for (const auto& id : whitelist)
      if (std::any_of(known.libraries.begin(), known.libraries.end(),
                      [&](const auto& l) { return l.id == id; }))
        out.push_back(id);
    return out;
  }
  for (const auto& l : known.libraries)
    if (syncable_type(l.type)) out.push_back(l.id);
  return out;
}

std::vector<WhitelistEntry> Libraries::describe(const std::vector<std::string>& whitelist,
                                                const LibraryList& known) {
  std::vector<WhitelistEntry> out;
  for (const auto& id : whitelist) {
    WhitelistEntry e{id, "", false};
    for (const auto& l : known.libraries)
      if (l.id == id) {
        e.name = l.name;
        e.present = true;
      }
    out.push_back(e);
  }
  return out;
}

}  // namespace jb::library
